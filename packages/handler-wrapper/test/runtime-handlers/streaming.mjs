// A wrapped streaming handler: three parameters and the runtime's marker, which wrap() keeps.
import { correlationIds } from '@sightline/correlation'
import { wrap } from '@sightline/handler-wrapper'
import { logger } from '@sightline/logger'

export const handler = wrap(
  awslambda.streamifyResponse(async (event, responseStream) => {
    logger.info('streaming')
    responseStream.write(`id=${correlationIds()['x-correlation-id']};`)
    responseStream.end(`name=${event.name}`)
  }),
)
