// The core packages alone (correlation + logger + handler-wrapper): the bundle-size target's subject.
import { wrap } from '@sightline/handler-wrapper'
import { logger } from '@sightline/logger'
import { ok } from './shared.mjs'

export const handler = wrap(async (event) => {
  logger.info({ path: event.path }, 'order placed')
  return ok()
})
