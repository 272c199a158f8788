// Baseline: no library, no log line, no metric.
import { ok } from './shared.mjs'

export const handler = async (_event, _context) => ok()
