import { setOutput } from '@sightline/logger'
import { captureWith, type LogCapture, type SetOutput } from './capture.js'

export interface CaptureLogsOptions {
  /** The output switch to use; `@sightline/logger`'s `setOutput` by default. */
  setOutput?: SetOutput
}

/**
 * Redirects every line Sightline writes into memory, until `restore()`:
 * `using logs = captureLogs()` restores at the end of the block.
 */
export function captureLogs(options: CaptureLogsOptions = {}): LogCapture {
  return captureWith(options.setOutput ?? setOutput)
}
