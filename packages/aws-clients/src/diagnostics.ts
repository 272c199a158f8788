/** Why an injection was skipped. The message always goes out; only the IDs stay behind. */
export type SkipReason =
  | 'attributes-full'
  | 'too-large'
  | 'unreadable-client-context'
  | 'failed'
  | 'trace-failed'

/** Counters of what was not injected, per reason, since the process started. */
export type AwsClientDiagnostics = Record<SkipReason, number>

/** Whatever can write one warning line: the Sightline logger, any pino logger. */
export interface WarnLogger {
  warn(fields: Record<string, unknown>, message: string): void
}

const MESSAGES: Readonly<Record<SkipReason, string>> = {
  'attributes-full':
    'sightline: a message already has the 10 attributes SNS/SQS allow; sent without correlation IDs',
  'too-large': 'sightline: correlation IDs would push a message past its size limit; sent without them',
  'unreadable-client-context':
    'sightline: Invoke ClientContext is not base64 JSON; sent as given, without correlation IDs',
  failed: 'sightline: injecting correlation IDs failed; the request was sent as given',
  'trace-failed': 'sightline: the X-Ray tracer failed; the request was sent without its subsegment',
}

interface State {
  counts: AwsClientDiagnostics
  warned: Set<SkipReason>
}

// One warning per reason per process, also with duplicate installs (a layer plus the bundle).
const key = Symbol.for('sightline.aws-clients.diagnostics.v1')
const g = globalThis as { [key]?: State }
const state: State = (g[key] ??= {
  counts: {
    'attributes-full': 0,
    'too-large': 0,
    'unreadable-client-context': 0,
    failed: 0,
    'trace-failed': 0,
  },
  warned: new Set(),
})

/** Counts a skipped injection and writes its warning the first time the process meets the reason. */
export function skipped(reason: SkipReason, logger: WarnLogger, where: string, error?: unknown): void {
  state.counts[reason]++
  if (state.warned.has(reason)) return
  state.warned.add(reason)
  try {
    const fields: Record<string, unknown> = { reason, operation: where }
    if (error !== undefined) fields.err = error
    logger.warn(fields, MESSAGES[reason])
  } catch {
    // A broken logger must not turn a skipped injection into a failed request.
  }
}

/** A snapshot of the counters. */
export function getAwsClientDiagnostics(): Readonly<AwsClientDiagnostics> {
  return { ...state.counts }
}

/** Zeroes the counters and lets each warning be written once more (tests, long-lived processes). */
export function resetAwsClientDiagnostics(): void {
  for (const reason of Object.keys(state.counts) as SkipReason[]) state.counts[reason] = 0
  state.warned.clear()
}
