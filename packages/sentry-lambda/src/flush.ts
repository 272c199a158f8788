import type { CorrelationContext } from '@sightline/correlation'
import { sentryCodes } from './errors.js'
import type { Settings } from './options.js'
import { reportOnce } from './report.js'
import { loadRuntime, type SentryRuntime } from './runtime.js'
import { isIdle, rootOf, state, type Work } from './state.js'
import { cutRequest } from './transport.js'

// Cut this long before the wrapper's own budget timer (a tenth of the budget, 5 to 50 ms): a destroyed
// socket closes one loop turn later, and on a busy event loop both timers come due in the same turn.
const leadMs = (budgetMs: number) => Math.min(50, Math.max(5, budgetMs / 10))
const LATE = Symbol('late')

/**
 * Sends what the invocation captured and waits for it, until `deadline` at the latest: returns nothing
 * (no timer, no I/O) when it captured nothing. At the deadline every request still open is destroyed and
 * anything not sent yet is dropped, so nothing is left to leave from a frozen sandbox.
 */
export function flushWork(
  ctx: CorrelationContext,
  deadline: number,
  settings: Settings,
): Promise<void> | undefined {
  const root = rootOf(ctx)
  const work = state.works.get(root)
  if (work === undefined) return undefined
  if (isIdle(work)) {
    state.works.delete(root)
    return undefined
  }
  return drain(root, work, deadline - leadMs(deadline - Date.now()), settings)
}

async function drain(
  root: CorrelationContext,
  work: Work,
  stopAt: number,
  settings: Settings,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, stopAt - Date.now()), LATE)
  })
  try {
    if (work.queued.length > 0) {
      const runtime: SentryRuntime | undefined | typeof LATE = await Promise.race([
        loadRuntime(settings),
        expired,
      ])
      const queued = work.queued.splice(0)
      if (runtime === LATE) {
        state.counters.notDelivered += queued.length
        reportOnce(
          settings.logger,
          sentryCodes.NOT_DELIVERED,
          { pending: queued.length, reason: 'sdk-loading' },
          '@sentry/node was still loading at the flush deadline; events dropped',
        )
      } else {
        for (const send of queued) send(runtime)
      }
    }
    if (!isIdle(work) && (await Promise.race([until(work, isIdle), expired])) === LATE) cut(work, settings)
    // Destroyed requests report 'close' within a tick or two: wait for it, so no socket outlives the flush.
    if (work.requests.size > 0) await until(work, (w) => w.requests.size === 0)
  } finally {
    clearTimeout(timer)
    if (state.works.get(root) === work) state.works.delete(root)
  }
}

function until(work: Work, done: (w: Work) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (done(work)) resolve()
      else work.waiters.push(check)
    }
    check()
  })
}

function cut(work: Work, settings: Settings): void {
  work.closed = true
  const pending = work.requests.size + Math.max(0, work.processing)
  state.counters.notDelivered += pending
  for (const req of work.requests) cutRequest(req)
  reportOnce(
    settings.logger,
    sentryCodes.NOT_DELIVERED,
    { pending, reason: 'deadline' },
    'Sentry events were not delivered within the flush budget; their requests were cut',
  )
}
