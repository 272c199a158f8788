import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  type InvokeResult,
  isNodeAvailable,
  isRuntimeInstalled,
  type LambdaFunction,
  type RicVersion,
  startFunction,
} from '../../../tools/lambda-harness/index.js'
import { type Receiver, startReceiver } from './receiver.js'

// The plugin under the official runtime clients, 3.x (nodejs20/22) and 4.x (nodejs24.x, Managed
// Instances), importing the built dist. The receiver forwards each envelope's event ids to the harness's
// telemetry endpoint before it answers, so the harness's ordered log shows whether the event arrived
// before the runtime posted the invocation's outcome.
const dir = fileURLToPath(new URL('./runtime-handlers/', import.meta.url))
const RICS = ([3, 4] as const).filter((ric) => isRuntimeInstalled(ric))

let receiver: Receiver
const started: LambdaFunction[] = []
beforeAll(async () => {
  receiver = await startReceiver()
})
afterAll(async () => {
  await Promise.all(started.map((fn) => fn.stop()))
  await receiver.close()
})
beforeEach(() => receiver.reset())

async function start(options: Parameters<typeof startFunction>[0]): Promise<LambdaFunction> {
  const fn = await startFunction({
    functionName: 'orders',
    ...options,
    env: { SENTRY_DSN: receiver.dsn(), SENTRY_ENVIRONMENT: 'ci', ...options.env },
  })
  started.push(fn)
  await receiver.configure({ forwardTo: `http://127.0.0.1:${fn.port}/_test/telemetry` })
  return fn
}

const apiEvent = (id: string, extra: Record<string, unknown> = {}) => ({
  httpMethod: 'POST',
  path: '/orders',
  requestContext: { requestId: `apigw-${id}` },
  headers: { 'x-correlation-id': id },
  ...extra,
})

/** The harness's record of the envelope that carried `eventId`. */
function arrival(fn: LambdaFunction, eventId: string) {
  return fn.events.find(
    (e) => e.kind === 'telemetry' && ((e.body as { eventIds?: string[] })?.eventIds ?? []).includes(eventId),
  )
}

function errorLine(fn: LambdaFunction, res: InvokeResult) {
  return fn.jsonLines().find((l) => l.msg === 'invocation failed' && l.awsRequestId === res.requestId)
}

describe.each(RICS)('sentry() under aws-lambda-ric %i', (ric: RicVersion) => {
  it.each([
    ['an ESM', 'lazy'],
    ['a CommonJS', 'commonjs'],
  ])(
    '%s function: delivers each error event before the runtime posts the error, freeze on',
    async (_kind, file) => {
      const fn = await start({ handler: `${dir}${file}.failing`, ric, freeze: true })
      const results: InvokeResult[] = []
      for (let i = 0; i < 3; i++) results.push(await fn.invoke(apiEvent(`rt-${ric}-${i}`)))
      const events = receiver.events()
      expect(events).toHaveLength(3)
      results.forEach((res, i) => {
        expect(res).toMatchObject({
          ok: false,
          error: { errorType: 'TypeError', errorMessage: 'order rejected' },
        })
        const line = errorLine(fn, res)
        const event = events.find((e) => e.event_id === line?.sentryEventId)
        expect(event, `event of invocation ${i}`).toMatchObject({
          environment: 'ci',
          tags: {
            aws_request_id: res.requestId,
            'x-correlation-id': `rt-${ric}-${i}`,
            function_name: 'orders',
          },
        })
        // Arrived before the runtime posted the error: so before the freeze, with nothing left to send.
        expect(arrival(fn, event!.event_id)!.seq).toBeLessThan(res.seq)
      })
    },
  )
})

describe.each(RICS)('loading under aws-lambda-ric %i', (ric: RicVersion) => {
  it('loads @sentry/node at the first failure, not at init nor for successful invocations', async () => {
    const fn = await start({ handler: `${dir}lazy.mixed`, ric })
    for (let i = 0; i < 2; i++) {
      expect(await fn.invoke(apiEvent(`ok-${i}`))).toMatchObject({ ok: true, result: { sdkLoaded: false } })
    }
    expect(receiver.received).toHaveLength(0)
    expect(await fn.invoke(apiEvent('fail', { fail: true }))).toMatchObject({ ok: false })
    expect(receiver.events()).toHaveLength(1)
    expect(await fn.invoke(apiEvent('after'))).toMatchObject({ ok: true, result: { sdkLoaded: true } })
  })
})

// One worker thread runs every invocation, interleaved in one isolate (the case scopes must survive);
// the default, 8 per CPU, would each load the SDK at init and starve this 2-core machine.
const ONE_WORKER = { AWS_LAMBDA_NODEJS_WORKER_COUNT: '1' }

/** Invokes `fn` with `count` events that all wait on one barrier: provably in flight together. */
async function interleaved(fn: LambdaFunction, name: string, count: number): Promise<InvokeResult[]> {
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      fn.invoke(apiEvent(`${name}-${i}`, { who: `${name}-${i}`, barrier: { name, parties: count } })),
    ),
  )
  for (const res of results) expect(res).toMatchObject({ ok: false })
  return results
}

function expectOwnScopes(count: number, name: string): void {
  const events = receiver.events()
  expect(events).toHaveLength(count)
  for (const event of events) {
    const who = event.tags.who as string
    expect(event.tags['x-correlation-id']).toBe(who)
    expect(event.user).toMatchObject({ id: `user-${who}` })
    expect(event.exception.values.at(-1).value).toBe(`failure of ${who}`)
    // Its own crumb only (the fetch to the barrier adds an http crumb, without a message).
    const messages = event.breadcrumbs.map((b: { message?: string }) => b.message).filter(Boolean)
    expect(messages).toEqual([`crumb of ${who}`])
  }
  expect(events.map((e) => e.tags.who).sort()).toEqual(
    Array.from({ length: count }, (_, i) => `${name}-${i}`),
  )
}

describe('eager sentry() under aws-lambda-ric 4 with multi-concurrency (Managed Instances)', () => {
  it.skipIf(!RICS.includes(4))('keeps tags, user and breadcrumbs with their own invocation', async () => {
    const fn = await start({ handler: `${dir}eager.tagged`, ric: 4, maxConcurrency: 4, env: ONE_WORKER })
    await interleaved(fn, 'lmi', 4)
    expectOwnScopes(4, 'lmi')
  })
})

describe.each([22, 24] as const)('on Node %i', (node) => {
  it.skipIf(!isNodeAvailable(node) || !RICS.includes(4))(
    'keeps the scopes of interleaved invocations apart, and delivers before the response',
    async () => {
      const fn = await start({
        handler: `${dir}eager.tagged`,
        ric: 4,
        node,
        maxConcurrency: 3,
        env: ONE_WORKER,
      })
      const results = await interleaved(fn, `n${node}`, 3)
      expectOwnScopes(3, `n${node}`)
      for (const res of results) {
        const line = errorLine(fn, res)
        expect(arrival(fn, line!.sentryEventId as string)!.seq).toBeLessThan(res.seq)
      }
    },
  )
})
