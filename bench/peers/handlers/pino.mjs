// The floor for one line: raw pino on a synchronous stdout destination, IDs passed by hand.
import pino from 'pino'
import { correlationIdOf, ok } from './shared.mjs'

const log = pino({ level: 'info' }, pino.destination({ dest: 1, sync: true }))

export const handler = async (event, context) => {
  log.info(
    { awsRequestId: context.awsRequestId, 'x-correlation-id': correlationIdOf(event), path: event.path },
    'order placed',
  )
  return ok()
}
