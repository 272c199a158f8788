import { type CorrelationContext, type LambdaInfo, traceRoot } from '@sightline/correlation'

const FRAGMENT = Symbol('sightline.logger.fragment')
const FRAGMENT_REV = Symbol('sightline.logger.fragmentRevision')
type Cached = CorrelationContext & { [FRAGMENT]?: string; [FRAGMENT_REV]?: number }

// Printable ASCII without `"` and `\`: such a string is its own JSON body, and IDs, request ids and
// function names nearly always are; one regex test costs about half a JSON.stringify.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/
const q = (s: string): string => (PLAIN.test(s) ? `"${s}"` : JSON.stringify(s))

// The Lambda description is one frozen object per process while the function's fields stay the same
// (extract.ts reuses it), so its part of the fragment is built once, not per invocation.
let lastLambda: LambdaInfo | undefined
let lastLambdaPart = ''

function lambdaPart(l: LambdaInfo): string {
  if (l === lastLambda) return lastLambdaPart
  let s = ''
  if (l.functionName !== undefined) s += `,"function_name":${q(l.functionName)}`
  if (l.functionVersion !== undefined) s += `,"function_version":${q(l.functionVersion)}`
  if (Number.isFinite(l.memoryLimitInMB)) s += `,"function_memory_size":${l.memoryLimitInMB}`
  s += `,"cold_start":${l.coldStart === true}`
  // Only a frozen description can be reused: one built by hand might change.
  if (Object.isFrozen(l)) {
    lastLambda = l
    lastLambdaPart = s
  }
  return s
}

/**
 * The context's fields as a JSON fragment, built once per context (and again only after an ID changes):
 * each line then costs one string concatenation, not a mixin object to merge and serialise.
 */
export function contextFragment(ctx: CorrelationContext): string {
  const c = ctx as Cached
  const cached = c[FRAGMENT]
  if (cached !== undefined && c[FRAGMENT_REV] === ctx.revision) return cached
  let s = ''
  for (const key in ctx.ids) s += `,${q(key)}:${q(ctx.ids[key]!)}`
  if (ctx.awsRequestId !== undefined) s += `,"awsRequestId":${q(ctx.awsRequestId)}`
  const root = traceRoot(ctx)
  if (root !== undefined) s += `,"traceId":${q(root)}`
  if (ctx.lambda !== undefined) s += lambdaPart(ctx.lambda)
  if (ctx.debug) s += ',"debug-log-enabled":true'
  c[FRAGMENT] = s
  c[FRAGMENT_REV] = ctx.revision
  return s
}
