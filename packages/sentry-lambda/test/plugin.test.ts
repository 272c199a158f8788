import { wrap } from '@sightline/handler-wrapper'
import { captureLogs, type LogCapture } from '@sightline/testing'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type InvocationLike, type SentryPlugin, sentry } from '../src/index.js'
import { apiEvent, lambdaContext, TRACE_ROOT } from './helpers.js'
import { type Receiver, startReceiver } from './receiver.js'

let receiver: Receiver
let logs: LogCapture
beforeAll(async () => {
  receiver = await startReceiver()
})
afterAll(() => receiver.close())
beforeEach(async () => {
  await receiver.reset()
  logs = captureLogs()
})
afterEach(() => logs.restore())

const env = { AWS_REGION: 'eu-west-1', SENTRY_ENVIRONMENT: 'pr-481' }
const fail = (error: unknown) => async () => {
  throw error
}

describe('sentry() with wrap()', () => {
  // First in the file: the process has not loaded the SDK yet.
  it('loads nothing when configured, and sends nothing for successful invocations', async () => {
    const h = wrap(async () => ({ statusCode: 200 }), { plugins: [sentry({ dsn: receiver.dsn(), env })] })
    for (let i = 0; i < 3; i++) await h(apiEvent(), lambdaContext())
    expect((globalThis as { __SENTRY__?: unknown }).__SENTRY__).toBeUndefined()
    expect(receiver.received).toHaveLength(0)
  })

  it('has no hooks, and loads nothing, without a DSN', async () => {
    const plugin = sentry({ env: {} })
    expect(Object.keys(plugin).sort()).toEqual(['load', 'name'])
    expect(await plugin.load()).toBe(false)
    expect((globalThis as { __SENTRY__?: unknown }).__SENTRY__).toBeUndefined()
  })

  it('captures a thrown error once, with the IDs, delivered before the invocation settles', async () => {
    const boom = new TypeError('order rejected', { cause: new Error('stock is empty') })
    // The process's first capture loads @sentry/node inside the flush budget: on a loaded CI machine that
    // can pass the default second, which is not what this test is about (runtime.test.ts covers the cut).
    const h = wrap(fail(boom), { plugins: [sentry({ dsn: receiver.dsn(), env })], flushBudgetMs: 10_000 })
    await expect(h(apiEvent('err-1'), lambdaContext({ awsRequestId: 'req-err-1' }))).rejects.toBe(boom)
    const events = receiver.events()
    expect(events).toHaveLength(1)
    const [event] = events
    // Lazy: errors only, nothing patched (no breadcrumbs, no HTTP instrumentation).
    expect(event?.sdk.integrations).toEqual(['LinkedErrors'])
    expect(event).toMatchObject({
      level: 'error',
      environment: 'pr-481',
      transaction: 'orders',
      exception: {
        values: [
          { type: 'Error', value: 'stock is empty' },
          { type: 'TypeError', value: 'order rejected', mechanism: { handled: false } },
        ],
      },
      tags: {
        function_name: 'orders',
        function_version: '7',
        region: 'eu-west-1',
        cold_start: expect.stringMatching(/^(true|false)$/),
        aws_request_id: 'req-err-1',
        xray_trace_id: TRACE_ROOT,
        'x-correlation-id': 'err-1',
        'x-correlation-user-id': 'user-of-err-1',
      },
      contexts: {
        'aws.lambda': {
          memory_limit_mb: 512,
          log_group: '/aws/lambda/orders',
          log_stream: '2026/11/22/[7]abcdef',
        },
        correlation: { 'x-correlation-id': 'err-1', 'call-chain-length': 1 },
      },
      request: { method: 'POST', url: '/orders' },
    })
    const line = logs.find((r) => r.msg === 'invocation failed')
    expect(line).toMatchObject({ sentryEventId: event!.event_id, 'x-correlation-id': 'err-1' })
  })

  it('sends one warning event when the last gasp fires', async () => {
    let signalled!: () => void
    const timedOut = new Promise<void>((resolve) => {
      signalled = resolve
    })
    const h = wrap(
      async () => {
        await timedOut
        return 'late'
      },
      {
        plugins: [{ name: 'signal', onTimeout: signalled }, sentry({ dsn: receiver.dsn(), env })],
        lastGaspMs: 100,
        safetyMarginMs: 10,
      },
    )
    // The last gasp fires 100 ms before the deadline, leaving the flush 90 ms.
    expect(await h(apiEvent('slow-1'), lambdaContext({ remainingMs: 1000 }))).toBe('late')
    const events = receiver.events()
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      level: 'warning',
      message: 'orders is about to time out',
      tags: { 'x-correlation-id': 'slow-1' },
    })
  })
})

describe('handled 5xx responses (captureServerErrors)', () => {
  // wrap() has no result hook yet: a plugin listed first hands the result over from its own flush, which
  // runs before the Sentry plugin's, as the proposed `onResult` hook would (see the README).
  const resultHook = (plugin: SentryPlugin, result: unknown) => ({
    name: 'result-hook',
    flush: (_deadline: number, invocation: InvocationLike) => plugin.onResult?.(result, invocation),
  })

  it('captures a 5xx response once, with the IDs, and returns it unchanged', async () => {
    const plugin = sentry({ dsn: receiver.dsn(), env, captureServerErrors: true })
    const response = { statusCode: 503, body: 'try later' }
    const h = wrap(async () => response, { plugins: [resultHook(plugin, response), plugin] })
    expect(await h(apiEvent('5xx-1'), lambdaContext())).toBe(response)
    expect(receiver.events()).toMatchObject([
      { level: 'error', message: 'orders answered 503', tags: { 'x-correlation-id': '5xx-1' } },
    ])
  })

  it('ignores responses below 500, and every response when the option is off', async () => {
    const on = sentry({ dsn: receiver.dsn(), env, captureServerErrors: true })
    const off = sentry({ dsn: receiver.dsn(), env })
    for (const [plugin, response] of [
      [on, { statusCode: 404 }],
      [off, { statusCode: 500 }],
    ] as const) {
      const h = wrap(async () => response, { plugins: [resultHook(plugin, response), plugin] })
      await h(apiEvent(), lambdaContext())
    }
    expect(receiver.received).toHaveLength(0)
  })
})
