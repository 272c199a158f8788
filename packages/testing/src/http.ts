import { toText } from './defaults.js'

/** Header values by name; an array gives a header sent several times. */
export type HeaderInput = Readonly<Record<string, string | readonly string[]>>

/** Options shared by the HTTP event builders. */
export interface HttpEventOptions {
  /** Merged over the builder's realistic defaults, case-insensitively; these win over `correlation`. */
  headers?: HeaderInput
  /** A string is sent as is, a `Uint8Array` base64-encoded, anything else as JSON. */
  body?: unknown
  method?: string
  path?: string
  requestId?: string
  /** Correlation IDs (`{ 'x-correlation-id': 'abc' }`), sent as request headers. */
  correlation?: Readonly<Record<string, string>>
  /** The `X-Amzn-Trace-Id` header. Absent unless given (real requests get one from AWS). */
  traceHeader?: string
}

type HeaderList = Array<[name: string, values: string[]]>

export interface HeaderSources {
  headers?: HeaderInput | undefined
  multiValueHeaders?: HeaderInput | undefined
  correlation?: Readonly<Record<string, string>> | undefined
  traceHeader?: string | undefined
}

/** Defaults, then trace and correlation headers, then the caller's headers; a later name replaces an earlier one. */
export function mergeHeaders(
  defaults: HeaderInput,
  options: HeaderSources,
  traceName: string,
  lowercase: boolean,
): HeaderList {
  const list: HeaderList = []
  const put = (name: string, value: string | readonly string[]) => {
    const key = lowercase ? name.toLowerCase() : name
    const values = typeof value === 'string' ? [value] : [...value]
    const i = list.findIndex(([n]) => n.toLowerCase() === key.toLowerCase())
    if (i < 0) list.push([key, values])
    else list[i] = [key, values]
  }
  const putAll = (headers: HeaderInput | undefined) => {
    for (const [name, value] of Object.entries(headers ?? {})) put(name, value)
  }
  putAll(defaults)
  if (options.traceHeader !== undefined) put(traceName, options.traceHeader)
  putAll(options.correlation)
  putAll(options.multiValueHeaders)
  putAll(options.headers)
  return list
}

/** API Gateway REST and ALB give the last value of a repeated header. */
export function lastValues(list: HeaderList): Record<string, string> {
  return Object.fromEntries(list.map(([n, v]) => [n, v.at(-1) ?? '']))
}

export function allValues(list: HeaderList): Record<string, string[]> {
  return Object.fromEntries(list.map(([n, v]) => [n, v]))
}

/** HTTP APIs and Function URLs join a repeated header with commas. */
export function joinedValues(list: HeaderList): Record<string, string> {
  return Object.fromEntries(list.map(([n, v]) => [n, v.join(',')]))
}

export interface EncodedBody {
  body: string | undefined
  isBase64Encoded: boolean
  contentType: string | undefined
}

export function encodeBody(body: unknown): EncodedBody {
  if (body === undefined || body === null)
    return { body: undefined, isBase64Encoded: false, contentType: undefined }
  if (body instanceof Uint8Array) {
    const base64 = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64')
    return { body: base64, isBase64Encoded: true, contentType: 'application/octet-stream' }
  }
  // A string may already be JSON, XML or form data: leave its content type to the caller.
  if (typeof body === 'string') return { body, isBase64Encoded: false, contentType: undefined }
  return { body: toText(body), isBase64Encoded: false, contentType: 'application/json' }
}

/** Adds `content-type` for a body unless the caller set one. */
export function withContentType(defaults: HeaderInput, encoded: EncodedBody, name: string): HeaderInput {
  if (encoded.contentType === undefined) return defaults
  return { ...defaults, [name]: encoded.contentType }
}
