import * as Sentry from '@sentry/node'
import { processBatch, wrap } from '@sightline/handler-wrapper'
import { captureLogs, type LogCapture, sqsEvent } from '@sightline/testing'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { newEventId, sentry } from '../src/index.js'
import { apiEvent, lambdaContext } from './helpers.js'
import { type Receiver, startReceiver } from './receiver.js'

let receiver: Receiver
let logs: LogCapture
let plugin: ReturnType<typeof sentry>
beforeAll(async () => {
  receiver = await startReceiver()
  plugin = sentry({ dsn: receiver.dsn(), env: {} })
})
afterAll(() => receiver.close())
beforeEach(async () => {
  await receiver.reset()
  logs = captureLogs()
})
afterEach(() => logs.restore())

const fail = (error: unknown) => async () => {
  throw error
}
const env = {}

describe('capture', () => {
  // First in the file: the SDK is not initialised yet.
  it('sends an error the app captured before the SDK was loaded once: that call was a no-op', async () => {
    // No client yet (lazy): the app's own call sends nothing, so the plugin's capture is the one.
    const boom = new Error('captured early')
    const h = wrap(
      async () => {
        Sentry.captureException(boom)
        throw boom
      },
      { plugins: [plugin] },
    )
    await expect(h(apiEvent(), lambdaContext())).rejects.toBe(boom)
    expect(receiver.events()).toHaveLength(1)
  })

  it('makes event ids as Sentry does: 32 lowercase hex digits, all different', () => {
    const ids = Array.from({ length: 1000 }, newEventId)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/)
    expect(new Set(ids).size).toBe(1000)
  })

  it.each([
    ['a string', 'plain string', 'plain string'],
    ['an object', { code: 42 }, 'Object captured as exception with keys: code'],
  ])('gives %s thrown a synthetic stack', async (_what, thrown, value) => {
    const h = wrap(fail(thrown), { plugins: [sentry({ dsn: receiver.dsn(), env })] })
    await expect(h(apiEvent(), lambdaContext())).rejects.toBe(thrown)
    const [exception] = receiver.events()[0]!.exception.values
    expect(exception).toMatchObject({ value, mechanism: { synthetic: true, handled: false } })
    const files: string[] = exception.stacktrace.frames.map((f: { filename: string }) => f.filename)
    // Taken where the wrapper reported the failure, not inside the SDK's capture.
    expect(files.some((f) => f.includes('handler-wrapper'))).toBe(true)
    expect(files.filter((f) => /@sentry|@opentelemetry/.test(f))).toEqual([])
  })

  it('sends an error reported twice in one invocation once, with one event id on both lines', async () => {
    const plugin = sentry({ dsn: receiver.dsn(), env })
    const boom = new Error('double')
    // Instrumented twice (a wrapped middy handler wrapped again): both layers report the same error.
    const h = wrap(wrap(fail(boom), { plugins: [plugin] }), { plugins: [plugin] })
    await expect(h(apiEvent(), lambdaContext())).rejects.toBe(boom)
    const events = receiver.events()
    expect(events).toHaveLength(1)
    const ids = logs.filter((r) => r.msg === 'invocation failed').map((r) => r.sentryEventId)
    expect(ids).toEqual([events[0]!.event_id, events[0]!.event_id])
  })

  it('captures every failing invocation, a shared error instance thrown each time included', async () => {
    const NOT_FOUND = new Error('not found') // module-level, as apps do
    const h = wrap(fail(NOT_FOUND), { plugins: [sentry({ dsn: receiver.dsn(), env })] })
    for (let i = 0; i < 3; i++) await expect(h(apiEvent(`nf-${i}`), lambdaContext())).rejects.toBe(NOT_FOUND)
    const events = receiver.events()
    expect(events.map((e) => e.tags['x-correlation-id'])).toEqual(['nf-0', 'nf-1', 'nf-2'])
    expect(new Set(events.map((e) => e.event_id)).size).toBe(3)
  })

  it('tags a failed batch record with its own IDs, not the invocation’s', async () => {
    const consumer = wrap(
      (event: Parameters<typeof processBatch>[0]) =>
        processBatch(event, async () => {
          throw new Error('record failed')
        }),
      { plugins: [plugin] },
    )
    const event = sqsEvent({
      records: [{ body: 'x', attributes: { 'x-correlation-id': 'rec-1', 'x-correlation-order-id': 'o-9' } }],
    })
    await consumer(event, lambdaContext())
    const [captured] = receiver.events()
    expect(captured).toMatchObject({
      tags: { 'x-correlation-id': 'rec-1', 'x-correlation-order-id': 'o-9', event_source: 'sqs' },
    })
    expect(logs.find((r) => r.level === 'error' || r.level === 50)).toMatchObject({
      sentryEventId: captured!.event_id,
    })
  })
})
