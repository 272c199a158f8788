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

const titleCase = (h: string) =>
  h.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())

/** The same configuration as pino `redact` paths: header names in the casings HTTP sources deliver. */
export function pinoRedactPaths(config: Redaction): string[] {
  const out: string[] = [...config.paths]
  for (const header of config.headers) {
    for (const name of new Set([header, titleCase(header)])) {
      for (const holder of [
        'headers',
        'multiValueHeaders',
        'req.headers',
        'event.headers',
        'event.multiValueHeaders',
      ]) {
        out.push(`${holder}[${JSON.stringify(name)}]`)
      }
    }
  }
  return out
}

const MAX_DEPTH = 8

/**
 * A redacted copy of `value` for summaries: header names matched in any case at any depth, configured
 * paths applied, depth bounded. Never throws; never mutates its input.
 */
export function redactValue(value: unknown, config: Redaction = defaultRedaction): unknown {
  const headers = new Set(config.headers)
  const paths = config.paths.map((p) => p.split('.'))
  return copy(value, headers, paths, [], 0, config.censor)
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
