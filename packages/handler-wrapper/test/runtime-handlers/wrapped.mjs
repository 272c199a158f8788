// Wrapped handlers run by test/runtime.test.ts under the official runtime client. They import the
// built packages (dist), as a deployed function would.
import { correlationIds, getContext } from '@sightline/correlation'
import { wrap } from '@sightline/handler-wrapper'
import { logger } from '@sightline/logger'

const api = `http://${process.env.AWS_LAMBDA_RUNTIME_API}`

// A sink that records per invocation and sends on flush, to the harness's telemetry endpoint: the
// harness's ordered log shows whether it arrived before the runtime posted the response.
const recorded = new WeakMap()
const telemetry = {
  name: 'telemetry',
  flush(deadline, invocation) {
    const items = recorded.get(invocation.context)
    if (items === undefined) return undefined
    recorded.delete(invocation.context)
    return fetch(`${api}/_test/telemetry`, {
      method: 'POST',
      body: JSON.stringify({ requestId: invocation.context.awsRequestId, items }),
      signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
    }).then((res) => res.arrayBuffer())
  },
}
const record = (item) => {
  const ctx = getContext()
  const items = recorded.get(ctx) ?? []
  items.push(item)
  recorded.set(ctx, items)
}
// A sink whose endpoint never answers: the invocation must still return its own result.
const hanging = { name: 'hanging', flush: () => new Promise(() => {}) }

async function work(event, context) {
  logger.info({ step: 'start' }, 'handling')
  record({ correlationId: correlationIds()['x-correlation-id'] })
  if (event.barrier) {
    const { name, parties } = event.barrier
    await fetch(`${api}/_test/barrier/${name}?parties=${parties}&timeoutMs=20000`).then((r) => r.json())
  }
  if (event.downstream) {
    await fetch(event.downstream, { headers: { ...correlationIds() } }).then((r) => r.arrayBuffer())
  }
  logger.info({ step: 'end' }, 'handled')
  return {
    ids: correlationIds(),
    traceRoot: getContext().trace?.root ?? null,
    requestId: context.awsRequestId,
    coldStart: getContext().lambda?.coldStart,
  }
}

export const asyncHandler = wrap(work, { plugins: [telemetry] })

export const callbackHandler = wrap(
  (event, context, callback) => {
    work(event, context).then((result) => callback(null, { ...result, style: 'callback' }), callback)
  },
  { plugins: [telemetry] },
)

export const hangingSink = wrap(work, { plugins: [telemetry, hanging], flushBudgetMs: 200 })

export const throwingHandler = wrap(async () => {
  logger.info('about to fail')
  throw new TypeError('order rejected', { cause: new Error('stock is empty') })
})
