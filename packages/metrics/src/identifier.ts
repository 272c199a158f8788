// Words that, followed by "id", name a per-request value: one CloudWatch metric (and one Datadog
// context) per request if used as a tag.
const WORDS = new Set([
  'request',
  'awsrequest',
  'correlation',
  'xcorrelation',
  'trace',
  'xray',
  'span',
  'parent',
  'session',
  'user',
  'customer',
  'account',
  'message',
  'event',
  'order',
  'transaction',
  'execution',
  'invocation',
  'record',
  'item',
  'device',
  'client',
  'connection',
])

/**
 * True for tag keys that look like per-request identifiers: `request_id`, `requestId`, `x-correlation-id`,
 * `awsRequestId`, `userId`, `trace.id`, `id`, `uuid`, any `x-correlation-*`… Such tags are refused by
 * default (each value would be its own metric series); pass `refuseTag` to decide otherwise.
 */
export function looksLikeIdentifier(key: string): boolean {
  const lower = key.toLowerCase()
  if (lower.startsWith('x-correlation') || lower.startsWith('x_correlation')) return true
  // Split camelCase and separators into words: "awsRequestId" → aws request id.
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
  const last = words.at(-1)
  if (last === undefined) return false
  if (last === 'uuid' || last === 'guid') return true
  if (last === 'id' || last === 'ids') {
    if (words.length === 1) return true
    return WORDS.has(words.slice(0, -1).join('')) || WORDS.has(words.at(-2) ?? '')
  }
  // Glued forms: "requestid", "userids".
  const glued = words.join('')
  const stem = glued.endsWith('ids')
    ? glued.slice(0, -3)
    : glued.endsWith('id')
      ? glued.slice(0, -2)
      : undefined
  return stem !== undefined && WORDS.has(stem)
}
