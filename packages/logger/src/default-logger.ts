import { createLogger } from './logger.js'

/** A ready logger configured from the environment (`LOG_LEVEL`, `AWS_LAMBDA_LOG_LEVEL`). */
export const logger = createLogger()
