import type { CorrelationContext } from '@sightline/correlation'
import type { Logger, Redaction } from '@sightline/logger'
import { flushDebugBuffer } from '@sightline/logger'

import { callOnError, type Invocation, type Plugin, type ReportFailure } from './plugins.js'
import { summarizeEvent } from './summary.js'

/** What one `wrap()` call set up, shared by its invocations and by `processBatch` inside them. */
export interface Runtime {
  readonly plugins: readonly Plugin[]
  readonly logger: Logger
  readonly redaction: Redaction
  readonly report: ReportFailure
}

const INVOCATION = Symbol.for('sightline.invocation.v1')
type Carrying = CorrelationContext & { [INVOCATION]?: { invocation: Invocation; runtime: Runtime } }

export function attach(ctx: CorrelationContext, invocation: Invocation, runtime: Runtime): void {
  ;(ctx as Carrying)[INVOCATION] = { invocation, runtime }
}

/** The invocation a context (or its batch-record parent) belongs to. */
export function invocationOf(
  ctx: CorrelationContext | undefined,
): { invocation: Invocation; runtime: Runtime } | undefined {
  for (let c = ctx; c !== undefined; c = c.parent) {
    const found = (c as Carrying)[INVOCATION]
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * The failure path, for a whole invocation or one batch record (`scope`): plugins hear of it first (so the
 * Sentry event id can go on the line), then the buffered debug trail, then one error line with the IDs,
 * the error and its cause chain, and a redacted summary of the event.
 */
export function reportFailure(
  error: unknown,
  invocation: Invocation,
  runtime: Runtime,
  scope: CorrelationContext,
  message: string,
  extra?: Record<string, unknown>,
): void {
  const fields: Record<string, unknown> = { ...extra }
  const found = callOnError(runtime.plugins, error, invocation, scope, runtime.report)
  if (found !== undefined) Object.assign(fields, found)
  try {
    flushDebugBuffer(scope)
    fields.err = error
    fields.event = summarizeEvent(invocation.event, scope.source, runtime.redaction)
    runtime.logger.error(fields, message)
  } catch {
    // Logging must not turn one failure into another; the error is rethrown by the caller unchanged.
  }
}
