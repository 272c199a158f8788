import { AsyncLocalStorage } from 'node:async_hooks'
import { codes, correlationIds, getContext, SightlineError } from '@sightline/correlation'
import { createLogger, logger } from '@sightline/logger'
import { describe, expect, it, vi } from 'vitest'
import { type Plugin, wrap } from '../src/index.js'
import { captureLines } from './capture.js'

const out = captureLines()

const apiEvent = (id = 'corr-1', extra: Record<string, string> = {}) => ({
  httpMethod: 'POST',
  path: '/orders',
  requestContext: { requestId: 'apigw-req-1' },
  headers: { 'X-Correlation-Id': id, Authorization: 'Bearer secret-token', ...extra },
  body: '{"password":"hunter2"}',
})

const lambdaContext = (remainingMs = 30_000, awsRequestId = 'aws-req-1') => {
  const deadline = Date.now() + remainingMs
  return {
    awsRequestId,
    functionName: 'orders',
    functionVersion: '7',
    memoryLimitInMB: '512',
    getRemainingTimeInMillis: () => deadline - Date.now(),
  }
}

const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length

describe('wrap', () => {
  it('returns an async function of at most two parameters for every handler style', async () => {
    const asyncFn = wrap(async () => 1)
    const syncFn = wrap(() => 2)
    const callbackFn = wrap((_e: unknown, _c: unknown, cb: (e: unknown, r: number) => void) => cb(null, 3))
    for (const fn of [asyncFn, syncFn, callbackFn]) {
      expect(fn.length).toBeLessThanOrEqual(2)
      expect(fn.constructor.name).toBe('AsyncFunction')
    }
    expect([await asyncFn({}, {}), await syncFn({}, {}), await callbackFn({}, {})]).toEqual([1, 2, 3])
  })

  it('adapts a callback handler: its error rejects, and a returned promise also counts', async () => {
    const boom = new Error('cb failed')
    const failing = wrap((_e: unknown, _c: unknown, cb: (e: unknown) => void) => {
      setImmediate(() => cb(boom))
    })
    await expect(failing({}, {})).rejects.toBe(boom)
    const asyncThreeArgs = wrap(async (_e: unknown, _c: unknown, _cb: unknown) => 'from promise')
    await expect(asyncThreeArgs({}, {})).resolves.toBe('from promise')
    const thrower = wrap((_e: unknown, _c: unknown, _cb: unknown) => {
      throw boom
    })
    await expect(thrower({}, {})).rejects.toBe(boom)
  })

  it('never touches callbackWaitsForEmptyEventLoop, succeed, fail or done', async () => {
    const touched: string[] = []
    const watched = ['callbackWaitsForEmptyEventLoop', 'succeed', 'fail', 'done']
    const ctx = new Proxy(lambdaContext(), {
      get(target, key, receiver) {
        if (typeof key === 'string' && watched.includes(key)) touched.push(`get ${key}`)
        return Reflect.get(target, key, receiver)
      },
      set(target, key, value) {
        if (typeof key === 'string') touched.push(`set ${key}`)
        return Reflect.set(target, key, value)
      },
    })
    const h = wrap((_e: unknown, _c: unknown, cb: (e: null, r: string) => void) => cb(null, 'ok'))
    await expect(h(apiEvent(), ctx)).resolves.toBe('ok')
    await expect(wrap(async () => 'ok')(apiEvent(), ctx)).resolves.toBe('ok')
    expect(touched).toEqual([])
  })

  it('keeps the streaming marker and the (event, responseStream, context) order', async () => {
    const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming')
    const seen: unknown[] = []
    const user = async (event: unknown, stream: { write: (s: string) => void }, context: unknown) => {
      seen.push(event, context, correlationIds()['x-correlation-id'])
      stream.write('chunk')
    }
    Object.assign(user, { [STREAMING]: 'response' })
    const h = wrap(user) as unknown as Record<symbol, unknown> & ((...a: unknown[]) => Promise<unknown>)
    expect(h[STREAMING]).toBe('response')
    const written: string[] = []
    const ctx = lambdaContext()
    await h(apiEvent('stream-1'), { write: (s: string) => written.push(s) }, ctx)
    expect(written).toEqual(['chunk'])
    expect(seen).toEqual([apiEvent('stream-1'), ctx, 'stream-1'])
  })

  it('runs the handler inside the invocation context and increments call-chain-length', async () => {
    const h = wrap(async () => ({ ids: correlationIds(), ctx: getContext() }))
    const { ids, ctx } = await h(apiEvent('abc', { 'call-chain-length': '3' }), lambdaContext())
    expect(ids).toMatchObject({
      'x-correlation-id': 'abc',
      'call-chain-length': '4',
      'debug-log-enabled': 'false',
    })
    expect(ctx).toMatchObject({ awsRequestId: 'aws-req-1', source: 'api-gateway-rest' })
    expect(ctx.lambda).toMatchObject({ functionName: 'orders', functionVersion: '7', memoryLimitInMB: 512 })
  })

  it('refuses to run past the loop guard with a coded error', async () => {
    const handler = vi.fn(async () => 'ran')
    const h = wrap(handler, { maxCallChainLength: 5 })
    await expect(h(apiEvent('loop', { 'call-chain-length': '5' }), lambdaContext())).rejects.toMatchObject({
      code: codes.CALL_CHAIN_TOO_LONG,
    })
    expect(handler).not.toHaveBeenCalled()
    await expect(h(apiEvent('loop', { 'call-chain-length': '4' }), lambdaContext())).resolves.toBe('ran')
  })

  it('validates options at construction, naming the option', () => {
    expect(() => wrap(async () => 1, { flushBudgetMs: -1 })).toThrow(
      expect.objectContaining({
        code: codes.INVALID_OPTION,
        message: expect.stringContaining('flushBudgetMs'),
      }),
    )
    expect(() => wrap(async () => 1, { debugSampleRate: 2 })).toThrow(SightlineError)
    expect(() => wrap('nope' as never)).toThrow(expect.objectContaining({ code: codes.INVALID_OPTION }))
  })

  it('works with a context of {} or undefined without warnings', async () => {
    const h = wrap(async () => correlationIds()['x-correlation-id'])
    expect(await h({ some: 'event' }, {})).toMatch(/^[0-9a-f-]{36}$/)
    expect(await h(apiEvent('x'), undefined)).toBe('x')
    expect(out.records().filter((r) => r.level !== 'info')).toEqual([])
  })

  it('short-circuits warm-up pings before the handler', async () => {
    const handler = vi.fn(async () => 'ran')
    const h = wrap(handler, { isWarmup: (e) => (e as { warm?: boolean }).warm === true })
    expect(await wrap(handler)({ source: 'serverless-plugin-warmup' }, {})).toBe('warmed')
    expect(await h({ warm: true }, {})).toBe('warmed')
    expect(handler).not.toHaveBeenCalled()
  })

  it('flags the cold start once per process and never under provisioned concurrency', async () => {
    delete (globalThis as Record<symbol, unknown>)[Symbol.for('sightline.coldStart.v1')]
    const h = wrap(async () => getContext().lambda?.coldStart)
    expect([await h({}, lambdaContext()), await h({}, lambdaContext())]).toEqual([true, false])
    delete (globalThis as Record<symbol, unknown>)[Symbol.for('sightline.coldStart.v1')]
    const pc = wrap(async () => getContext().lambda?.coldStart, {
      env: { AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency' },
    })
    expect(await pc({}, lambdaContext())).toBe(false)
  })

  it('logs at debug level for a sampled invocation only', async () => {
    const h = wrap(
      async () => {
        logger.debug('detail')
      },
      { debugSampleRate: 1 },
    )
    const unsampled = wrap(async () => {
      logger.debug('detail')
    })
    await h(apiEvent('sampled'), lambdaContext())
    await unsampled(apiEvent('plain'), lambdaContext())
    const debug = out.records().filter((r) => r.msg === 'detail')
    expect(debug.map((r) => r['x-correlation-id'])).toEqual(['sampled'])
  })
})

describe('the error path', () => {
  it('rethrows the identical error after one error line with IDs, cause chain and a redacted event summary', async () => {
    const error = new Error('payment declined', { cause: new TypeError('card expired') })
    const h = wrap(async () => {
      throw error
    })
    await expect(h(apiEvent('err-1'), lambdaContext())).rejects.toBe(error)
    const errors = out.records().filter((r) => r.level === 'error')
    expect(errors).toHaveLength(1)
    const line = errors[0]!
    expect(line).toMatchObject({
      'x-correlation-id': 'err-1',
      awsRequestId: 'aws-req-1',
      msg: 'invocation failed',
    })
    expect(line.err).toMatchObject({
      message: 'payment declined',
      cause: { type: 'TypeError', message: 'card expired' },
    })
    expect(line.event).toMatchObject({ source: 'api-gateway-rest', method: 'POST', path: '/orders' })
    const raw = out.lines.join('')
    expect(raw).not.toContain('secret-token')
    expect(raw).not.toContain('hunter2')
  })

  it('writes the buffered debug trail before the error line, and nothing of it on success', async () => {
    const buffered = createLogger({ debugBuffer: true }, {})
    const ok = wrap(async () => buffered.debug('trail of a good invocation'), { logger: buffered })
    const bad = wrap(
      async () => {
        buffered.debug('step 1')
        buffered.debug('step 2')
        throw new Error('failed at step 3')
      },
      { logger: buffered },
    )
    await ok(apiEvent('good'), lambdaContext())
    await expect(bad(apiEvent('bad'), lambdaContext())).rejects.toThrow('failed at step 3')
    expect(out.records().map((r) => [r.level, r.msg, r['x-correlation-id']])).toEqual([
      ['debug', 'step 1', 'bad'],
      ['debug', 'step 2', 'bad'],
      ['error', 'invocation failed', 'bad'],
    ])
  })

  it('rethrows non-Error values unchanged', async () => {
    const h = wrap(async () => {
      throw 'just a string'
    })
    await expect(h({}, {})).rejects.toBe('just a string')
  })
})

describe('plugins and the flush pipeline', () => {
  it('flushes every plugin concurrently after success and after failure', async () => {
    const events: string[] = []
    let releaseA!: () => void
    const aStarted = new Promise<void>((r) => {
      releaseA = r
    })
    const a: Plugin = {
      name: 'a',
      flush: async () => {
        events.push('a start')
        releaseA()
        await new Promise((r) => setImmediate(r))
        events.push('a end')
      },
    }
    const b: Plugin = {
      name: 'b',
      flush: async () => {
        events.push('b start')
        await aStarted // would never resolve if flushes ran one after the other with b first
        events.push('b end')
      },
    }
    const h = wrap(async () => 'ok', { plugins: [b, a], flushBudgetMs: 5_000 })
    expect(await h({}, lambdaContext())).toBe('ok')
    expect(events.slice(0, 2).sort()).toEqual(['a start', 'b start'])
    expect(events).toHaveLength(4)
    const failing = wrap(
      async () => {
        throw new Error('x')
      },
      { plugins: [a] },
    )
    events.length = 0
    await expect(failing({}, lambdaContext())).rejects.toThrow('x')
    expect(events).toEqual(['a start', 'a end'])
  })

  it('bounds the flush by the budget and by the remaining time less the safety margin', async () => {
    const deadlines: number[] = []
    const hanging: Plugin = {
      name: 'hanging',
      flush: (deadline) => {
        deadlines.push(deadline - Date.now())
        return new Promise(() => {})
      },
    }
    const h = wrap(async () => 'done', { plugins: [hanging], flushBudgetMs: 30 })
    expect(await h({}, lambdaContext(60_000))).toBe('done')
    const tight = wrap(async () => 'tight', { plugins: [hanging], flushBudgetMs: 60_000, safetyMarginMs: 50 })
    expect(await tight({}, lambdaContext(120))).toBe('tight')
    expect(deadlines[0]).toBeLessThanOrEqual(30)
    expect(deadlines[1]).toBeLessThanOrEqual(70)
  })

  it('starts no timer when no plugin has anything to send', async () => {
    const idle: Plugin = { name: 'idle', flush: () => undefined }
    const spy = vi.spyOn(globalThis, 'setTimeout')
    try {
      const h = wrap(async () => 'ok', { plugins: [idle] })
      expect(await h({}, {})).toBe('ok')
      expect(spy).not.toHaveBeenCalled()
    } finally {
      spy.mockRestore()
    }
  })

  it('never lets a plugin failure change the result, and reports each failing hook once', async () => {
    const value = { statusCode: 200 }
    const error = new Error('handler error')
    const broken: Plugin = {
      name: 'broken',
      onInvoke: () => {
        throw new Error('onInvoke broke')
      },
      onError: () => {
        throw new Error('onError broke')
      },
      flush: () => Promise.reject(new Error('flush broke')),
    }
    const throwsSync: Plugin = {
      name: 'sync-thrower',
      flush: () => {
        throw new Error('sync flush broke')
      },
    }
    const ok = wrap(async () => value, { plugins: [broken, throwsSync] })
    const bad = wrap(
      async () => {
        throw error
      },
      { plugins: [broken, throwsSync] },
    )
    expect(await ok({}, lambdaContext())).toBe(value)
    expect(await ok({}, lambdaContext())).toBe(value)
    await expect(bad({}, lambdaContext())).rejects.toBe(error)
    const warnings = out.records().filter((r) => r.level === 'warn')
    const reports = warnings.map((w) => `${w.plugin}:${w.hook}`).sort()
    // One report per failing hook per wrapped handler, however many invocations fail the same way.
    expect(reports).toEqual([
      'broken:flush',
      'broken:flush',
      'broken:onError',
      'broken:onInvoke',
      'broken:onInvoke',
      'sync-thrower:flush',
      'sync-thrower:flush',
    ])
  })

  it('shows the handler result to onResult before the flush, and never on failure', async () => {
    const seen: string[] = []
    const plugin: Plugin = {
      name: 'results',
      onResult: (result) => void seen.push(`result ${JSON.stringify(result)}`),
      flush: () => void seen.push('flush'),
    }
    const result = { batchItemFailures: [{ itemIdentifier: 'm1' }] }
    expect(await wrap(async () => result, { plugins: [plugin] })({}, {})).toBe(result)
    await expect(
      wrap(
        async () => {
          throw new Error('x')
        },
        { plugins: [plugin] },
      )({}, {}),
    ).rejects.toThrow('x')
    expect(seen).toEqual([`result ${JSON.stringify(result)}`, 'flush', 'flush'])
  })

  it('puts the fields onError returns on the error line', async () => {
    const sentryLike: Plugin = { name: 'sentry', onError: () => ({ sentryEventId: 'evt-123' }) }
    const h = wrap(
      async () => {
        throw new Error('x')
      },
      { plugins: [sentryLike] },
    )
    await expect(h(apiEvent('e'), lambdaContext())).rejects.toThrow('x')
    expect(out.records().find((r) => r.level === 'error')).toMatchObject({
      sentryEventId: 'evt-123',
      'x-correlation-id': 'e',
    })
  })

  it('leaves no timer of its own once the promise settles', async () => {
    const before = timeouts()
    const flushing: Plugin = { name: 'f', flush: () => new Promise((r) => setImmediate(r)) }
    const h = wrap(async () => 'ok', { plugins: [flushing] })
    const bad = wrap(
      async () => {
        throw new Error('x')
      },
      { plugins: [flushing] },
    )
    for (let i = 0; i < 20; i++) {
      await h(apiEvent(), lambdaContext())
      await bad(apiEvent(), lambdaContext()).catch(() => {})
    }
    expect(timeouts()).toBe(before)
  })
})

describe('the last gasp', () => {
  it('fires before the deadline: a warning with the IDs and elapsed time, a timeout signal and a flush', async () => {
    const calls: string[] = []
    let signalled!: () => void
    const timedOut = new Promise<void>((r) => {
      signalled = r
    })
    const plugin: Plugin = {
      name: 'p',
      onTimeout: (inv) => {
        calls.push(`timeout ${inv.timedOut}`)
        signalled()
      },
      flush: (_d, inv) => {
        calls.push(`flush timedOut=${inv.timedOut}`)
      },
    }
    const h = wrap(
      async () => {
        await timedOut // a handler stuck until the last gasp fires
        return 'late'
      },
      { plugins: [plugin], lastGaspMs: 100 },
    )
    expect(await h(apiEvent('slow'), lambdaContext(300))).toBe('late')
    const warning = out.records().find((r) => r.msg === 'invocation is about to time out')
    expect(warning).toMatchObject({ level: 'warn', 'x-correlation-id': 'slow', awsRequestId: 'aws-req-1' })
    expect(warning?.elapsedMs).toBeGreaterThanOrEqual(200)
    expect(calls).toEqual(['timeout true', 'flush timedOut=true', 'flush timedOut=true'])
  })

  it('fires in 0 of 100 invocations that finish before it', async () => {
    const onTimeout = vi.fn()
    const h = wrap(async () => 'quick', { plugins: [{ name: 'p', onTimeout }], lastGaspMs: 100 })
    for (let i = 0; i < 100; i++) await h(apiEvent(), lambdaContext(1000))
    await new Promise((r) => setTimeout(r, 20))
    expect(onTimeout).not.toHaveBeenCalled()
    expect(out.records().filter((r) => r.level === 'warn')).toEqual([])
  })
})

describe('concurrent invocations in one process (Managed Instances)', () => {
  it('keeps every log line and trace header with its own invocation', async () => {
    // The runtime's InvokeStore, emulated: per-invocation trace id in an AsyncLocalStorage, no env var.
    const store = new AsyncLocalStorage<string>()
    const g = globalThis as { awslambda?: unknown }
    const previous = g.awslambda
    g.awslambda = { InvokeStore: { getXRayTraceId: () => store.getStore() } }
    try {
      const h = wrap(async (event: { n: number }) => {
        for (let step = 0; step < 3; step++) {
          await new Promise((r) => setTimeout(r, Math.random() * 5))
          logger.info({ n: event.n, step }, 'working')
        }
        return getContext().trace?.root
      })
      const roots = await Promise.all(
        Array.from({ length: 40 }, (_, n) => {
          const root = `1-5759e988-${n.toString(16).padStart(24, '0')}`
          return store
            .run(`Root=${root};Sampled=1`, () =>
              h({ n, 'x-correlation-id': `inv-${n}` } as never, lambdaContext(30_000, `req-${n}`)),
            )
            .then((r) => [r, root])
        }),
      )
      for (const [got, want] of roots) expect(got).toBe(want)
      const lines = out.records().filter((r) => r.msg === 'working')
      expect(lines).toHaveLength(120)
      for (const line of lines) {
        expect(line['x-correlation-id']).toBe(`inv-${line.n}`)
        expect(line.awsRequestId).toBe(`req-${line.n}`)
        expect(line.traceId).toBe(`1-5759e988-${(line.n as number).toString(16).padStart(24, '0')}`)
      }
    } finally {
      g.awslambda = previous
    }
  })
})
