// @sentry/aws-serverless wrapHandler around the raw pino handler (Sentry has no logger or metric here).
import * as Sentry from '@sentry/aws-serverless'
import pino from 'pino'
import { correlationIdOf, ok } from './shared.mjs'

Sentry.init({ dsn: process.env.SENTRY_DSN })
const log = pino({ level: 'info' }, pino.destination({ dest: 1, sync: true }))

export const handler = Sentry.wrapHandler(async (event, context) => {
  log.info(
    { awsRequestId: context.awsRequestId, 'x-correlation-id': correlationIdOf(event), path: event.path },
    'order placed',
  )
  return ok()
})
