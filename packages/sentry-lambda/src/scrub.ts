import { type Redaction, redactValue } from '@sightline/logger'

type Obj = Record<string, unknown>
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x)

/** The parts of a Sentry event that can carry what the redaction knows of. */
interface Scrubbable {
  request?: unknown
  extra?: unknown
  contexts?: unknown
  breadcrumbs?: unknown
}

/**
 * Applies the shared redaction to an event before it leaves the process: header names (any case) in
 * `request.headers`, the whole `request.cookies` when cookies are redacted, and the configured paths inside
 * `request.data`, `extra`, each context and each breadcrumb's `data`. Returns the same event, changed.
 */
export function scrubEvent<E extends object>(e: E, config: Redaction): E {
  const event = e as Scrubbable
  const request = event.request
  if (isObj(request)) {
    if (isObj(request.headers))
      request.headers = (redactValue({ headers: request.headers }, config) as Obj).headers
    if (request.cookies !== undefined && config.headers.includes('cookie')) request.cookies = config.censor
    if (request.data !== undefined) request.data = redactValue(request.data, config)
  }
  if (event.extra !== undefined) event.extra = redactValue(event.extra, config)
  if (isObj(event.contexts)) {
    const contexts: Obj = {}
    for (const name of Object.keys(event.contexts)) contexts[name] = redactValue(event.contexts[name], config)
    event.contexts = contexts
  }
  if (Array.isArray(event.breadcrumbs)) {
    for (const crumb of event.breadcrumbs) {
      if (isObj(crumb) && crumb.data !== undefined) crumb.data = redactValue(crumb.data, config)
    }
  }
  return e
}
