import { processBatch, wrap } from '@sightline/handler-wrapper'
import { logger } from '@sightline/logger'
import { captureLogs, fakeContext, type LogRecord } from '@sightline/testing'

/**
 * Runs a wrapped consumer over a batch event, each record through `processBatch` logging one line with
 * its `label`: the lines are what a user would read in CloudWatch, IDs included.
 */
export async function consume<R>(
  event: { Records: R[] },
  label: (record: R) => unknown,
): Promise<{ lines: LogRecord[]; all: LogRecord[] }> {
  const handler = wrap(async (e: { Records: R[] }) =>
    processBatch(e, async (record: R) => {
      logger.info({ label: label(record) }, 'consumed')
    }),
  )
  const logs = captureLogs()
  try {
    await handler(event, fakeContext({ functionName: 'consumer' }))
  } finally {
    logs.restore()
  }
  return { lines: logs.filter((r) => r.msg === 'consumed'), all: logs.records() }
}

/** Runs `fn` and returns the warning lines written meanwhile. */
export async function warningsOf(fn: () => Promise<unknown>): Promise<LogRecord[]> {
  const logs = captureLogs()
  try {
    await fn()
  } finally {
    logs.restore()
  }
  return logs.byLevel('warn')
}
