/** The parts of a DSN the plugin needs to validate it at construction. */
export interface Dsn {
  readonly protocol: 'http' | 'https'
  readonly publicKey: string
  readonly host: string
  readonly projectId: string
}

// The SDK's own parser takes word characters only for the key and the secret.
const KEY = /^\w{1,256}$/
const SECRET = /^\w{0,256}$/
const PROJECT = /^\d{1,20}$/

/**
 * `http(s)://<key>[:<secret>]@<host>[:<port>]/[<path>/]<project>`, as the SDK accepts it. Returns undefined
 * for anything else, never throws: a DSN often comes from an environment variable.
 */
export function parseDsn(value: unknown): Dsn | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return undefined
  }
  const protocol = url.protocol === 'http:' ? 'http' : url.protocol === 'https:' ? 'https' : undefined
  if (protocol === undefined || url.hostname === '' || url.search !== '' || url.hash !== '') return undefined
  if (!KEY.test(url.username) || !SECRET.test(url.password)) return undefined
  const projectId = url.pathname.slice(url.pathname.lastIndexOf('/') + 1)
  if (!PROJECT.test(projectId)) return undefined
  return { protocol, publicKey: url.username, host: url.host, projectId }
}
