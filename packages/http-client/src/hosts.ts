import { invalidOption } from '@sightline/correlation'
import { httpClientCodes, report } from './report.js'

/**
 * Which hosts receive Sightline headers: exact hosts (`'api.internal'`, `'api.internal:8443'`),
 * subdomain wildcards (`'*.internal'`: `a.internal`, `b.a.internal`, not `internal` itself), or a
 * predicate given the lowercase hostname and the URL.
 */
export type Hosts = readonly string[] | ((hostname: string, url: string) => boolean)

/** The compiled form of `Hosts`: does this URL's host receive the headers? Never throws. */
export type HostFilter = (url: string) => boolean

/** Where a URL goes. `port` is the effective one (80/443 when the URL gives none). */
export interface UrlHost {
  readonly hostname: string
  readonly port: string
}

const ENTRY =
  /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*(?::\d{1,5})?$|^\*(?:\.[a-z0-9_-]+)+$|^\[[0-9a-f:.]+\](?::\d{1,5})?$/
const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' }

/**
 * The hostname and port a URL connects to, read by WHATWG URL as superagent and fetch read it (`http://`
 * is assumed without a scheme, as superagent does), or `undefined` when it has none. A redirect's
 * `Location` is attacker-controlled: reading it any other way (userinfo, backslashes, `127.1`) could make
 * the filter judge one host while the request goes to another. (Node's URL parser is as fast as a
 * hand-written fast path here, ~0.3 µs.)
 */
export function urlHost(url: string): UrlHost | undefined {
  // superagent's own rule (lib/node): a URL not starting with `http` gets `http://` put in front.
  const absolute = url.startsWith('http')
  let parsed: URL
  try {
    parsed = new URL(absolute ? url : `http://${url}`)
  } catch {
    return undefined
  }
  if (parsed.hostname === '') return undefined
  return { hostname: parsed.hostname, port: parsed.port || (DEFAULT_PORTS[parsed.protocol] ?? '') }
}

/** `host` as metrics tag it: the hostname, with the port only when it is not the scheme's default. */
export function hostTag(url: string): string {
  const host = urlHost(url)
  if (host === undefined) return 'unknown'
  return host.port === '80' || host.port === '443' || host.port === ''
    ? host.hostname
    : `${host.hostname}:${host.port}`
}

const compiled = new WeakMap<object, HostFilter>()

/**
 * Compiles `hosts` once (validated: a configuration error throws `ERR_SIGHTLINE_INVALID_OPTION`).
 * `undefined` allows every host. The result is cached per array or function.
 */
export function hostFilter(hosts: Hosts | undefined, name = 'hosts'): HostFilter | undefined {
  if (hosts === undefined) return undefined
  if (typeof hosts !== 'function' && !Array.isArray(hosts)) {
    invalidOption(name, 'an array of host names or a function', hosts)
  }
  const cached = compiled.get(hosts)
  if (cached !== undefined) return cached
  const filter = typeof hosts === 'function' ? predicateFilter(hosts) : listFilter(hosts, name)
  compiled.set(hosts, filter)
  return filter
}

function predicateFilter(allows: (hostname: string, url: string) => boolean): HostFilter {
  return (url) => {
    const host = urlHost(url)
    if (host === undefined) return false
    try {
      return allows(host.hostname, url) === true
    } catch (error) {
      report(httpClientCodes.HOST_FILTER_FAILED, error)
      return false
    }
  }
}

function listFilter(list: readonly string[], name: string): HostFilter {
  const exact = new Set<string>()
  const suffixes: string[] = []
  for (const raw of list) {
    const entry = typeof raw === 'string' ? raw.trim().toLowerCase() : raw
    if (typeof entry !== 'string' || !ENTRY.test(entry)) {
      invalidOption(`${name}[]`, 'host names such as "api.example.com", "*.example.com" or "host:8080"', raw)
    }
    if (entry.startsWith('*.')) suffixes.push(entry.slice(1))
    else exact.add(entry)
  }
  const judge = (url: string): boolean => {
    const host = urlHost(url)
    if (host === undefined) return false
    const { hostname, port } = host
    if (exact.has(hostname) || exact.has(`${hostname}:${port}`)) return true
    for (const suffix of suffixes) if (hostname.endsWith(suffix)) return true
    return false
  }
  // Parsing a URL is most of the cost; a service calls few origins, so decide once per origin.
  const decisions = new Map<string, boolean>()
  return (url) => {
    const origin = originOf(url)
    if (origin === undefined) return judge(url)
    let allowed = decisions.get(origin)
    if (allowed === undefined) {
      allowed = judge(url)
      if (decisions.size >= MAX_ORIGINS) decisions.clear()
      decisions.set(origin, allowed)
    }
    return allowed
  }
}

const MAX_ORIGINS = 256

/**
 * `http://authority` or `https://authority` as written, when the URL starts so: WHATWG URL ends the
 * authority of these schemes at the first `/`, `?`, `#` or `\`, so every URL with this prefix goes to
 * the same host. `undefined` for anything else (no caching).
 */
export function originOf(url: string): string | undefined {
  const start = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : 0
  if (start === 0) return undefined
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i)
    if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x5c) return url.slice(0, i)
  }
  return url
}
