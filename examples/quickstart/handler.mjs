// The quick start's handler: what a user writes. index.mjs invokes it; the bundle test bundles it.
import { correlationIds, setCorrelationId } from '@sightline/correlation'
import { wrap } from '@sightline/handler-wrapper'
import { logger } from '@sightline/logger'

export const handler = wrap(async (event) => {
  const order = JSON.parse(event.body ?? '{}')
  setCorrelationId('order-id', String(order.id ?? 'none'))
  logger.info({ items: order.items?.length ?? 0 }, 'order received')
  // Headers to forward on any outgoing call (fetch, axios, superagent…): the hop keeps the thread.
  logger.debug({ forward: correlationIds() }, 'would call the payments service')
  if (order.id === 'broken')
    throw new Error('payment service rejected the order', { cause: new Error('card expired') })
  return {
    statusCode: 201,
    body: JSON.stringify({ ok: true, correlationId: correlationIds()['x-correlation-id'] }),
  }
})
