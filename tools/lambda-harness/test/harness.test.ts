import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type InvokeResult,
  isNodeAvailable,
  isRuntimeInstalled,
  type LambdaFunction,
  type LogEntry,
  newTraceId,
  type RicVersion,
  startFunction,
} from '../index.js'

const handlersDir = fileURLToPath(new URL('./handlers/', import.meta.url))
const handler = (file: string) => `${handlersDir}${file}.handler`
const RICS: RicVersion[] = [3, 4]

// Every test stops what it starts, even when an assertion fails half-way.
const started: LambdaFunction[] = []
async function start(options: Parameters<typeof startFunction>[0]): Promise<LambdaFunction> {
  const fn = await startFunction(options)
  started.push(fn)
  return fn
}
afterAll(async () => {
  await Promise.all(started.map((fn) => fn.stop()))
})

function resultOf(res: InvokeResult): Record<string, unknown> {
  expect(res, JSON.stringify(res.error)).toMatchObject({ ok: true })
  return res.result as Record<string, unknown>
}

const ofKind = (fn: LambdaFunction, kind: LogEntry['kind']) => fn.events.filter((e) => e.kind === kind)
const invokeEntry = (fn: LambdaFunction, requestId: string) =>
  fn.events.find((e) => e.kind === 'invoke' && e.requestId === requestId)

describe('setup', () => {
  it('has both runtime clients installed (node scripts/setup-lambda-runtime.mjs)', () => {
    expect({ ric3: isRuntimeInstalled(3), ric4: isRuntimeInstalled(4) }).toEqual({ ric3: true, ric4: true })
  })

  it('rejects a handler that is not an absolute module.export path', async () => {
    await expect(startFunction({ handler: 'basic.handler', ric: 3 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    })
  })
})

describe.each(RICS)('aws-lambda-ric %i', (ric) => {
  let fn: LambdaFunction
  beforeAll(async () => {
    fn = await start({ handler: handler('basic'), ric, functionName: 'basic-fn' })
  })

  it('returns the async handler result with the Lambda context', async () => {
    const res = await fn.invoke({ hello: 'world' }, { clientContext: { custom: { tenant: 't1' } } })
    const out = resultOf(res)
    expect(out).toMatchObject({
      event: { hello: 'world' },
      requestId: res.requestId,
      functionName: 'basic-fn',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:basic-fn',
      clientContext: { custom: { tenant: 't1' } },
      pid: fn.pid,
      cwd: handlersDir.replace(/\/$/, ''),
    })
    expect(out.remainingMs).toBeGreaterThan(20_000)
    expect(fn.events.find((e) => e.seq === res.seq)).toMatchObject({
      kind: 'response',
      requestId: res.requestId,
    })
  })

  it('sets _X_AMZN_TRACE_ID from each invocation trace header and removes it when absent', async () => {
    const [a, b] = [newTraceId(true), newTraceId(false)]
    const first = resultOf(await fn.invoke({}, { traceId: a }))
    const second = resultOf(await fn.invoke({}, { traceId: b }))
    const none = resultOf(await fn.invoke({}, { traceId: null }))
    expect([first.traceEnv, second.traceEnv, none.traceEnv]).toEqual([a, b, null])
    if (ric === 4) {
      // 4.x also exposes it on the context and in the InvokeStore; 3.x has neither.
      expect([first.traceContext, first.traceStore, second.traceStore]).toEqual([a, a, b])
      expect(first.hasInvokeStore).toBe(true)
    } else {
      expect([first.traceContext, first.hasInvokeStore]).toEqual([null, false])
    }
  })

  it('prefixes console lines with timestamp, request id and level', async () => {
    const res = await fn.invoke({})
    await fn.waitFor(() => fn.lines.some((l) => l.includes(res.requestId)), { what: 'the log line' })
    const line = fn.lines.find((l) => l.includes(res.requestId))
    expect(line).toMatch(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${res.requestId}\\tINFO\\tbasic handler ran$`),
    )
  })

  it('reports a thrown error as the invocation error', async () => {
    const failing = await start({ handler: handler('throws'), ric })
    const res = await failing.invoke({ reason: 'no id' })
    expect(res).toMatchObject({
      ok: false,
      error: { errorType: 'TypeError', errorMessage: 'bad input: no id' },
    })
    expect(failing.events.find((e) => e.seq === res.seq)?.kind).toBe('error')
    // The runtime survives a handled invocation error.
    expect((await failing.invoke({ reason: 'again' })).ok).toBe(false)
    expect(failing.exit).toBeUndefined()
  })

  it('writes JSON log lines when AWS_LAMBDA_LOG_FORMAT=JSON', async () => {
    const json = await start({ handler: handler('basic'), ric, env: { AWS_LAMBDA_LOG_FORMAT: 'JSON' } })
    const res = await json.invoke({})
    const line = await json.waitFor(() => json.jsonLines().find((l) => l.requestId === res.requestId))
    expect(line).toMatchObject({ level: 'INFO', message: 'basic handler ran' })
  })

  it('streams the response of a streamifyResponse handler', async () => {
    const streaming = await start({ handler: handler('streaming'), ric })
    const res = await streaming.invoke({ name: 'stream' })
    expect(res).toMatchObject({ ok: true, result: 'hello stream!' })
  })
})

describe('callback handlers (three parameters)', () => {
  it('work under ric 3', async () => {
    const fn = await start({ handler: handler('callback'), ric: 3 })
    expect(fn.initError).toBeUndefined()
    expect(resultOf(await fn.invoke({ n: 1 }))).toEqual({ via: 'callback', event: { n: 1 } })
  })

  it('are refused at init by ric 4, and every invocation gets the init error', async () => {
    const fn = await start({ handler: handler('callback'), ric: 4 })
    expect(fn.initError).toMatchObject({ errorType: 'Runtime.CallbackHandlerDeprecated' })
    expect(fn.initError?.errorMessage).toContain('Node.js 24')
    expect(fn.events[0]?.kind).toBe('init-error')
    const res = await fn.invoke({})
    expect(res).toMatchObject({ ok: false, error: { errorType: 'Runtime.CallbackHandlerDeprecated' } })
    expect(ofKind(fn, 'invoke')).toEqual([])
  })
})

describe('a runtime that dies mid-invocation', () => {
  it.each(RICS)('reports process.exit() as Runtime.ExitError (ric %i)', async (ric) => {
    const fn = await start({ handler: handler('crashes'), ric })
    const res = await fn.invoke({ how: 'exit' })
    expect(res).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError' } })
    expect(res.error?.errorMessage).toContain('exit status 3')
    await expect(fn.invoke({})).rejects.toMatchObject({ code: 'RUNTIME_EXITED' })
  })

  it('ric 3 posts an uncaught exception as the invocation error, then exits 129', async () => {
    const fn = await start({ handler: handler('crashes'), ric: 3 })
    const res = await fn.invoke({ how: 'throw' })
    expect(res).toMatchObject({
      ok: false,
      error: { errorType: 'RangeError', errorMessage: 'thrown from a timer' },
    })
    expect(await fn.waitFor(() => fn.exit)).toEqual({ code: 129, signal: null })
  })

  it('ric 4 just dies on an uncaught exception, so Lambda reports Runtime.ExitError', async () => {
    const fn = await start({ handler: handler('crashes'), ric: 4 })
    const res = await fn.invoke({ how: 'throw' })
    expect(res).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError' } })
    expect(ofKind(fn, 'error')).toEqual([])
    expect(fn.stderr).toContain('thrown from a timer')
  })
})

describe('concurrency', () => {
  const barrierEvent = (name: string, parties: number, timeoutMs: number) => ({ name, parties, timeoutMs })

  it('ric 4 with maxConcurrency runs overlapping invocations in one process', async () => {
    const fn = await start({ handler: handler('barrier'), ric: 4, maxConcurrency: 4 })
    const traces = [1, 2, 3, 4].map(() => newTraceId())
    // The barrier opens only when all four wait on it at once: a serial runtime would never pass it.
    const results = await Promise.all(
      traces.map((traceId) => fn.invoke(barrierEvent('four', 4, 20_000), { traceId })),
    )
    results.forEach((res, i) => {
      expect(resultOf(res)).toMatchObject({
        barrier: { ok: true, arrived: 4 },
        pid: fn.pid,
        requestStore: res.requestId,
        traceBefore: traces[i],
        traceAfter: traces[i],
        // Shared process.env cannot hold per-invocation values, so 4.x leaves it unset.
        traceEnv: null,
      })
    })
    // In multi-concurrency mode 4.x always logs JSON lines (its socket logger ignores the log format).
    for (const { requestId } of results) {
      await fn.waitFor(() => fn.jsonLines().find((l) => l.requestId === requestId), {
        what: 'a JSON log line',
      })
    }
    const firstResponse = Math.min(...results.map((r) => r.seq))
    const dispatched = results.map((r) => invokeEntry(fn, r.requestId)?.seq ?? Number.POSITIVE_INFINITY)
    expect(Math.max(...dispatched)).toBeLessThan(firstResponse)
  })

  it('ric 3 runs one invocation at a time (the barrier times out)', async () => {
    const fn = await start({ handler: handler('barrier'), ric: 3 })
    const results = await Promise.all([1, 2].map(() => fn.invoke(barrierEvent('two', 2, 300))))
    for (const res of results) expect(resultOf(res)).toMatchObject({ barrier: { ok: false, arrived: 1 } })
    expect(fn.events.filter((e) => e.kind === 'invoke' || e.kind === 'response').map((e) => e.kind)).toEqual([
      'invoke',
      'response',
      'invoke',
      'response',
    ])
  })
})

describe.each(RICS)('telemetry ordering and the freeze emulation, ric %i', (ric) => {
  const telemetryFrom = (fn: LambdaFunction, requestId: string) =>
    fn.events.find((e) => e.kind === 'telemetry' && (e.body as { from?: string }).from === requestId)

  it('records an awaited flush before the response', async () => {
    const fn = await start({ handler: handler('telemetry'), ric })
    const res = await fn.invoke({ mode: 'await' })
    const sent = telemetryFrom(fn, res.requestId)
    expect(sent?.seq).toBeLessThan(res.seq)
  })

  it('without freeze, work left after the response runs on its own', async () => {
    const fn = await start({ handler: handler('telemetry'), ric })
    const res = await fn.invoke({ mode: 'late' })
    const late = await fn.waitFor(() => telemetryFrom(fn, res.requestId), { what: 'late telemetry' })
    expect(late.seq).toBeGreaterThan(res.seq)
    expect(ofKind(fn, 'invoke')).toHaveLength(1)
  })

  it('with freeze, work left after the response runs only at the next invoke', async () => {
    const fn = await start({ handler: handler('telemetry'), ric, freeze: true })
    const first = await fn.invoke({ mode: 'late' })
    await fn.waitFor(() => ofKind(fn, 'freeze').some((e) => e.seq > first.seq), { what: 'the freeze' })
    // Well past the handler's 50 ms timer. This wait cannot make the test fail spuriously: a frozen
    // process cannot send anything, however slow the machine.
    await delay(250)
    expect(telemetryFrom(fn, first.requestId)).toBeUndefined()
    // The timer fires once thawed, but its request needs several event-loop turns and may be frozen
    // again mid-flight when the next invocation is short, so keep invoking until it lands.
    const next: InvokeResult[] = []
    while (!telemetryFrom(fn, first.requestId) && next.length < 10) {
      const res = await fn.invoke({ mode: 'none' })
      next.push(res)
      await fn.waitFor(() => ofKind(fn, 'freeze').some((e) => e.seq > res.seq), { what: 'the next freeze' })
    }
    const late = telemetryFrom(fn, first.requestId)
    expect(late?.seq).toBeGreaterThan(
      invokeEntry(fn, next[0]?.requestId ?? '')?.seq ?? Number.POSITIVE_INFINITY,
    )
    const kinds = fn.events.filter((e) => e.seq > first.seq && e.kind !== 'telemetry').map((e) => e.kind)
    expect(kinds.slice(0, 5)).toEqual(['freeze', 'thaw', 'invoke', 'response', 'freeze'])
  })

  it('stop() leaves no process behind, frozen or not', async () => {
    const fn = await startFunction({ handler: handler('basic'), ric, freeze: true })
    await fn.waitFor(() => ofKind(fn, 'freeze').length > 0, { what: 'the freeze after init' })
    await fn.stop()
    for (const pid of [fn.pid, fn.serverPid]) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/)
  })
})

describe('Node versions from tools/lambda-runtime', () => {
  for (const node of [22, 24] as const) {
    for (const ric of RICS) {
      it.skipIf(!isNodeAvailable(node))(`runs ric ${ric} on Node ${node}`, async () => {
        const fn = await start({ handler: handler('basic'), ric, node })
        const out = resultOf(await fn.invoke({}))
        expect(String(out.node)).toMatch(new RegExp(`^v${node}\\.`))
      })
    }
  }
})
