import { type CorrelationContext, traceRoot } from '@sightline/correlation'

const FRAGMENT = Symbol('sightline.logger.fragment')
const FRAGMENT_REV = Symbol('sightline.logger.fragmentRevision')
type Cached = CorrelationContext & { [FRAGMENT]?: string; [FRAGMENT_REV]?: number }

const q = JSON.stringify

/**
 * The context's fields as a JSON fragment, built once per context (and again only after an ID changes):
 * each line then costs one string concatenation, not a mixin object to merge and serialise.
 */
export function contextFragment(ctx: CorrelationContext): string {
  const c = ctx as Cached
  const cached = c[FRAGMENT]
  if (cached !== undefined && c[FRAGMENT_REV] === ctx.revision) return cached
  let s = ''
  for (const key in ctx.ids) s += `,${q(key)}:${q(ctx.ids[key])}`
  if (ctx.awsRequestId !== undefined) s += `,"awsRequestId":${q(ctx.awsRequestId)}`
  const root = traceRoot(ctx)
  if (root !== undefined) s += `,"traceId":${q(root)}`
  const l = ctx.lambda
  if (l !== undefined) {
    if (l.functionName !== undefined) s += `,"function_name":${q(l.functionName)}`
    if (l.functionVersion !== undefined) s += `,"function_version":${q(l.functionVersion)}`
    if (Number.isFinite(l.memoryLimitInMB)) s += `,"function_memory_size":${l.memoryLimitInMB}`
    s += `,"cold_start":${l.coldStart}`
  }
  if (ctx.debug) s += ',"debug-log-enabled":true'
  c[FRAGMENT] = s
  c[FRAGMENT_REV] = ctx.revision
  return s
}
