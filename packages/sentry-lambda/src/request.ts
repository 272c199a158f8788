import type { EventSource } from '@sightline/correlation'

/** Sentry's `request` interface, as much of it as an HTTP event gives; headers are scrubbed in beforeSend. */
export interface RequestData {
  method?: string
  url?: string
  headers?: Record<string, string>
}

type Obj = Record<string, unknown>
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x)

const HTTP_SOURCES: ReadonlySet<EventSource> = new Set([
  'api-gateway-rest',
  'api-gateway-http',
  'function-url',
  'alb',
])

/** Method, path (no query string: it often carries tokens) and headers of an HTTP-triggered invocation. */
export function requestOf(event: unknown, source: EventSource | undefined): RequestData | undefined {
  if (source === undefined || !HTTP_SOURCES.has(source) || !isObj(event)) return undefined
  const rc = isObj(event.requestContext) ? event.requestContext : {}
  const http = isObj(rc.http) ? rc.http : {}
  const method = event.httpMethod ?? http.method
  const path = event.path ?? event.rawPath ?? http.path
  const out: RequestData = {}
  if (typeof method === 'string') out.method = method
  if (typeof path === 'string') out.url = path
  if (isObj(event.headers)) {
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(event.headers)) if (typeof v === 'string') headers[k] = v
    out.headers = headers
  }
  return out
}

/** The same, for a Node request on a server (Express). */
export function requestOfHttp(req: {
  method?: string | undefined
  url?: string | undefined
  originalUrl?: string | undefined
  headers: Record<string, string | string[] | undefined>
}): RequestData {
  const url = req.originalUrl ?? req.url ?? ''
  const q = url.indexOf('?')
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
  }
  const out: RequestData = { url: q < 0 ? url : url.slice(0, q), headers }
  if (req.method !== undefined) out.method = req.method
  return out
}
