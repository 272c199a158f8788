// @sentry/aws-serverless wrapHandler, failing: the event must reach the receiver before the call returns.
import * as Sentry from '@sentry/aws-serverless'

Sentry.init({ dsn: process.env.SENTRY_DSN })

export const handler = Sentry.wrapHandler(async (_event, _context) => {
  throw new Error('payment service rejected the order')
})
