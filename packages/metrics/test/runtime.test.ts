import { fileURLToPath } from 'node:url'
import { cloudWatchLogsEvent } from '@sightline/testing'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  type InvokeResult,
  type LambdaFunction,
  type RicVersion,
  startFunction,
} from '../../../tools/lambda-harness/index.js'
import { builtinMetrics } from '../src/index.js'
import { createLogMetricsHandler } from '../src/processor.js'
import { type FakeCloudWatch, startFakeCloudWatch } from './cloudwatch-server.js'
import { STRICT_LINE } from './helpers.js'

// The metrics package under the official runtime clients (3.x and 4.x), its lines then fed to the
// processor as a CloudWatch Logs subscription would deliver them. Handlers load the BUILT dist: run
// `pnpm --filter @sightline/metrics build` after changing src.
const dir = fileURLToPath(new URL('./runtime-handlers/', import.meta.url))
const RICS: RicVersion[] = [3, 4]
const started: LambdaFunction[] = []
let cw: FakeCloudWatch
beforeAll(async () => {
  cw = await startFakeCloudWatch()
})
afterAll(async () => {
  await Promise.all(started.map((fn) => fn.stop()))
  await cw.close()
})
beforeEach(() => cw.reset())

async function start(options: Parameters<typeof startFunction>[0]): Promise<LambdaFunction> {
  const fn = await startFunction({ functionName: 'orders', ...options })
  started.push(fn)
  return fn
}
const ok = (res: InvokeResult) => {
  expect(res, JSON.stringify(res.error)).toMatchObject({ ok: true })
  return res.result
}

/** The function's stdout as the log events a subscription delivers: one event per line, newline kept. */
function subscriptionOf(fn: LambdaFunction) {
  return cloudWatchLogsEvent({
    logGroup: '/aws/lambda/orders',
    logStream: '2026/11/22/[$LATEST]0123456789abcdef',
    messages: fn.lines.map((l) => `${l}\n`),
  })
}

type Row = { name: string; dims: Record<string, string>; sum: number }
function rows(): Row[] {
  return cw.accepted().map((d) => ({
    name: d.MetricName,
    dims: Object.fromEntries((d.Dimensions ?? []).map((x) => [x.Name, x.Value])),
    sum: d.Value ?? (d.Values ?? []).reduce((s, v, i) => s + v * (d.Counts?.[i] ?? 1), 0),
  }))
}
const total = (name: string, dims: Record<string, string> = {}) =>
  rows()
    .filter((r) => r.name === name && Object.entries(dims).every(([k, v]) => r.dims[k] === v))
    .reduce((s, r) => s + r.sum, 0)

describe.each(RICS)('metrics under aws-lambda-ric %i', (ric) => {
  for (const format of ['text', 'JSON'] as const) {
    it(`writes strict MONITORING lines the processor turns into datums (${format} log format)`, async () => {
      const env = format === 'JSON' ? { AWS_LAMBDA_LOG_FORMAT: 'JSON' } : {}
      const fn = await start({ handler: `${dir}metrics.linesHandler`, ric, env })
      ok(await fn.invoke({ channel: 'web', amount: 12.5 }))
      ok(await fn.invoke({ channel: 'app', amount: 30 }))
      // stdout arrives on its own pipe: wait for the last line each invocation writes (at its flush).
      await fn.waitFor(
        () => fn.lines.filter((l) => l.includes(builtinMetrics.telemetryDropped)).length === 2,
        {
          what: 'both invocations’ lines',
        },
      )

      const own = fn.lines.filter((l) => l.startsWith('MONITORING|'))
      for (const line of own) expect(`${line}\n`).toMatch(STRICT_LINE)
      const viaConsole = fn.lines.filter((l) => l.includes('console.metric'))
      expect(viaConsole).toHaveLength(2)
      for (const line of viaConsole) {
        if (format === 'JSON')
          expect(JSON.parse(line)).toMatchObject({
            level: 'INFO',
            message: expect.stringMatching(/^MONITORING\|/),
          })
        else expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z\t[\w-]+\tINFO\tMONITORING\|/)
      }

      const processor = createLogMetricsHandler({ namespace: 'Orders', client: cw.client(), env: {} })
      const summary = await processor(subscriptionOf(fn))
      expect(summary).toMatchObject({ malformed: 0, metrics: own.length + 2 })
      const fnTag = { function_name: 'orders' }
      expect(total('orders.placed', { ...fnTag, channel: 'web' })).toBe(1)
      expect(total('orders.placed', { ...fnTag, channel: 'app' })).toBe(1)
      expect(total('order.amount', fnTag)).toBe(42.5)
      expect(total('module.loaded', fnTag)).toBe(1)
      expect(total('console.metric', { via: 'console' })).toBe(2)
      expect(total(builtinMetrics.coldStarts, fnTag)).toBe(1)
      expect(total(builtinMetrics.telemetryDropped, { ...fnTag, kind: 'invalid_value' })).toBe(2)
    })
  }

  it('sends PutMetricData before the runtime posts the response', async () => {
    const fn = await start({ handler: `${dir}metrics.cloudwatchHandler`, ric })
    expect(ok(await fn.invoke({ endpoint: cw.url, count: 3 }))).toBe('sent')
    expect(cw.requests).toHaveLength(1)
    expect(ok(await fn.invoke({ endpoint: cw.url, count: 4 }))).toBe('sent')
    expect(cw.requests).toHaveLength(2)
    expect(
      cw
        .accepted()
        .filter((d) => d.MetricName === 'orders.placed')
        .map((d) => d.Value),
    ).toEqual([3, 4])
  })
})

describe('metrics under aws-lambda-ric 4 with concurrent invocations (Managed Instances)', () => {
  it('sends each invocation’s own datums, never another’s', async () => {
    // Each of the client's worker threads parks a long poll on libuv's threadpool (4 threads): the SDK's
    // config reads (fs.promises) would wait behind them. See tools/lambda-harness, "Pitfalls found".
    const env = { UV_THREADPOOL_SIZE: '64' }
    const fn = await start({ handler: `${dir}metrics.overlappingHandler`, ric: 4, maxConcurrency: 2, env })
    const [a, b] = await Promise.all([
      fn.invoke({ endpoint: cw.url, id: 'a', barrier: 'lmi' }),
      fn.invoke({ endpoint: cw.url, id: 'b', barrier: 'lmi' }),
    ])
    expect([ok(a!), ok(b!)]).toEqual([true, true])
    const perRequest = cw.requests.map((r) =>
      r.data
        .filter((d) => d.MetricName.endsWith('barrier'))
        .map((d) => `${d.MetricName}:${d.Dimensions?.find((x) => x.Name === 'invocation')?.Value}`)
        .sort(),
    )
    expect(perRequest.sort()).toEqual([
      ['after.barrier:a', 'before.barrier:a'],
      ['after.barrier:b', 'before.barrier:b'],
    ])
  })
})
