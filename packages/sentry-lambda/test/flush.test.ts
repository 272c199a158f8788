import { performance } from 'node:perf_hooks'
import { processBatch, wrap } from '@sightline/handler-wrapper'
import { captureLogs, type LogCapture, sqsEvent } from '@sightline/testing'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { getSentryDiagnostics, sentry, sentryCodes } from '../src/index.js'
import { lambdaContext, leftBehind } from './helpers.js'
import { type Mode, type Receiver, startReceiver } from './receiver.js'

// The receiver runs in its own process: every socket and timer counted here is the SDK's or ours.
let receiver: Receiver
let logs: LogCapture
const BUDGET = 300
let plugin: ReturnType<typeof sentry>
let consumer: (event: unknown, context: unknown) => Promise<unknown>
beforeAll(async () => {
  receiver = await startReceiver({ isolated: true })
  plugin = sentry({ dsn: receiver.dsn(), env: {} })
  expect(await plugin.load()).toBe(true)
  // A batch with one failing record: the handler returns its own result ({ batchItemFailures }) and the
  // record's error is captured, so the flush has an envelope to deliver.
  consumer = wrap(
    (event: Parameters<typeof processBatch>[0]) =>
      processBatch(event, async (record: { body: string }) => {
        if (record.body === 'bad') throw new Error('bad record')
      }),
    { plugins: [plugin], flushBudgetMs: BUDGET },
  )
})
afterAll(() => receiver.close())
beforeEach(async () => {
  await receiver.reset()
  logs = captureLogs()
})
afterEach(() => logs.restore())

const batch = () => sqsEvent({ records: [{ body: 'ok' }, { body: 'bad' }] })

describe('the flush', () => {
  it('sends nothing, and starts no timer, when nothing was captured', async () => {
    const h = wrap(async () => 'fine', { plugins: [plugin], flushBudgetMs: BUDGET })
    const { value, sockets, timers } = await leftBehind(() => h({}, lambdaContext()))
    expect(value).toBe('fine')
    expect({ sockets, timers }).toEqual({ sockets: 0, timers: [] })
    expect(receiver.received).toHaveLength(0)
  })

  describe.each<Mode>(['ok', 'slow', '500', '429', 'hang'])('when the endpoint answers %s', (mode) => {
    it('returns the handler’s result within budget + 50 ms, leaving no socket or timer', async () => {
      await receiver.configure({ mode, slowMs: BUDGET / 3 })
      const started = performance.now()
      const { value: result, sockets, timers } = await leftBehind(() => consumer(batch(), lambdaContext()))
      const elapsed = performance.now() - started
      expect({ sockets, timers }).toEqual({ sockets: 0, timers: [] })
      expect(result).toMatchObject({ batchItemFailures: [{ itemIdentifier: expect.any(String) }] })
      expect(elapsed).toBeLessThan(BUDGET + 50)
      expect(receiver.events()).toHaveLength(1)
    })
  })

  it('cuts the request to a hung endpoint, reports it once with its code and counts the event', async () => {
    await receiver.configure({ mode: 'hang' })
    const before = getSentryDiagnostics().notDelivered
    await consumer(batch(), lambdaContext())
    await consumer(batch(), lambdaContext())
    expect(getSentryDiagnostics().notDelivered - before).toBe(2)
    expect(receiver.events()).toHaveLength(2)
    expect(logs.filter((r) => r.code === sentryCodes.NOT_DELIVERED).length).toBeLessThanOrEqual(1)
  })

  it('reports a refused envelope with its status', async () => {
    await receiver.configure({ mode: '500' })
    const before = getSentryDiagnostics().rejected
    await consumer(batch(), lambdaContext())
    expect(getSentryDiagnostics().rejected - before).toBe(1)
  })

  it('sends nothing while the endpoint’s rate limit lasts, and waits for nothing', async () => {
    await receiver.configure({ mode: '429', retryAfter: '60' })
    await consumer(batch(), lambdaContext())
    expect(receiver.events()).toHaveLength(1)
    await receiver.configure({ mode: 'hang' })
    const started = performance.now()
    const { sockets, timers } = await leftBehind(() => consumer(batch(), lambdaContext()))
    expect(performance.now() - started).toBeLessThan(BUDGET)
    expect({ sockets, timers }).toEqual({ sockets: 0, timers: [] })
    expect(receiver.events()).toHaveLength(1)
  })
})
