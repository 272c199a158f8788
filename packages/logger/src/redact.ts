/**
 * One redaction configuration for every Sightline package: the logger applies it to lines, the wrapper to
 * the event summary of an error line, and the Sentry and client packages to what they send.
 */
export interface Redaction {
  /** Header names, any case: redacted wherever a `headers` or `multiValueHeaders` object holds them. */
  readonly headers: readonly string[]
  /** Dotted paths (`body.password`, `*.token`) in pino's redact syntax. */
  readonly paths: readonly string[]
  readonly censor: string
}

export const defaultRedaction: Redaction = Object.freeze({
  headers: Object.freeze([
    'authorization',
    'proxy-authorization',
    'cookie',
    'set-cookie',
    'x-api-key',
    'x-amz-security-token',
  ]),
  paths: Object.freeze([]),
  censor: '[REDACTED]',
})

/** Merges user settings over the defaults (headers and paths are added to, not replaced). */
export function redaction(options: Partial<Redaction> = {}): Redaction {
  return Object.freeze({
    headers: Object.freeze([
      ...new Set([...defaultRedaction.headers, ...(options.headers ?? [])].map((h) => h.toLowerCase())),
    ]),
    paths: Object.freeze([...defaultRedaction.paths, ...(options.paths ?? [])]),
    censor: options.censor ?? defaultRedaction.censor,
  })
}

const HOLDERS = ['headers', 'multiValueHeaders'] as const
const PARENTS = ['req', 'request', 'event'] as const

/**
 * A pino `formatters.log` that censors secret headers in any casing (`AUTHORIZATION`, `X-API-Key`…) in
 * `headers`/`multiValueHeaders` at the top of a line or under `req`, `request` or `event`. Lines without
 * such holders pass through as the same object, at the cost of a few property reads.
 */
export function headerRedactor(config: Redaction): (obj: Record<string, unknown>) => Record<string, unknown> {
  const names = new Set(config.headers.map((h) => h.toLowerCase()))
  const censorHolder = (holder: unknown): unknown => {
    if (holder === null || typeof holder !== 'object' || Array.isArray(holder)) return holder
    let out: Record<string, unknown> | undefined
    for (const key of Object.keys(holder)) {
      if (names.has(key.toLowerCase()))
        (out ??= { ...(holder as Record<string, unknown>) })[key] = config.censor
    }
    return out ?? holder
  }
  const censorParent = (parent: Record<string, unknown>): Record<string, unknown> => {
    let out: Record<string, unknown> | undefined
    for (const h of HOLDERS) {
      const v = parent[h]
      if (v === undefined) continue
      const censored = censorHolder(v)
      if (censored !== v) (out ??= { ...parent })[h] = censored
    }
    return out ?? parent
  }
  return (obj) => {
    let out = censorParent(obj)
    for (const p of PARENTS) {
      const parent = obj[p]
      if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) continue
      const censored = censorParent(parent as Record<string, unknown>)
      if (censored !== parent) {
        if (out === obj) out = { ...obj }
        out[p] = censored
      }
    }
    return out
  }
}

const MAX_DEPTH = 8

/**
 * A redacted copy of `value` for summaries: header names matched in any case at any depth, configured
 * paths applied, depth bounded. Never throws; never mutates its input.
 */
export function redactValue(value: unknown, config: Redaction = defaultRedaction): unknown {
  const headers = new Set(config.headers)
  const paths = config.paths.map((p) => p.split('.'))
  try {
    return copy(value, headers, paths, [], 0, config.censor)
  } catch {
    return '[Unreadable]' // revoked proxies and the like
  }
}

function copy(
  value: unknown,
  headers: ReadonlySet<string>,
  paths: readonly string[][],
  at: string[],
  depth: number,
  censor: string,
): unknown {
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_DEPTH) return '[Object]'
  if (Array.isArray(value))
    return value.slice(0, 50).map((v, i) => copy(v, headers, paths, [...at, String(i)], depth + 1, censor))
  const holderIsHeaders = /^(multiValue)?headers$/i.test(at[at.length - 1] ?? '')
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    const here = [...at, key]
    const hit = (holderIsHeaders && headers.has(key.toLowerCase())) || paths.some((p) => matches(p, here))
    out[key] = hit
      ? censor
      : copy((value as Record<string, unknown>)[key], headers, paths, here, depth + 1, censor)
  }
  return out
}

function matches(pattern: readonly string[], path: readonly string[]): boolean {
  if (pattern.length !== path.length) return false
  return pattern.every((seg, i) => seg === '*' || seg === path[i])
}
