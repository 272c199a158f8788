export type { Logger } from 'pino'
export { discardDebugBuffer, flushDebugBuffer } from './buffer.js'
export { contextFragment } from './fragment.js'
export { type LevelName, levelValues, type ResolvedLevel, resolveLevel } from './level.js'
export { createLogger, type SightlineLoggerOptions } from './logger.js'
export { type Output, setOutput, writeLine } from './output.js'
export { defaultRedaction, headerRedactor, type Redaction, redaction, redactValue } from './redact.js'

import { createLogger } from './logger.js'

/** A ready logger configured from the environment (`LOG_LEVEL`, `AWS_LAMBDA_LOG_LEVEL`). */
export const logger = createLogger()
