import { EventEmitter, once } from 'node:events'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Readable } from 'node:stream'
import { setImmediate as immediate, setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  type CorrelationContext,
  childContext,
  codes,
  correlationIds,
  createContext,
  getContext,
  getDiagnostics,
  resetDiagnostics,
  setCorrelationId,
  tryGetContext,
  withContext,
} from '@sightline/correlation'
import { createLogger, setOutput } from '@sightline/logger'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'

beforeEach(() => {
  resetDiagnostics()
})

describe('createContext', () => {
  it('falls back to the request id for x-correlation-id, then to a random UUID', () => {
    expect(createContext({ awsRequestId: 'req-1' }).ids).toEqual({ 'x-correlation-id': 'req-1' })
    const a = createContext().ids['x-correlation-id']
    const b = createContext().ids['x-correlation-id']
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(a).not.toBe(b)
  })

  it('does not take an unsafe request id as x-correlation-id', () => {
    for (const awsRequestId of ['a\r\nb', '', 'x'.repeat(300)]) {
      expect(createContext({ awsRequestId }).ids['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/)
    }
  })

  it('keeps an inbound x-correlation-id over the request id', () => {
    const ctx = createContext({ ids: { 'x-correlation-id': 'inbound' }, awsRequestId: 'req-1' })
    expect(ctx.ids['x-correlation-id']).toBe('inbound')
    expect(ctx.awsRequestId).toBe('req-1')
  })

  it('has defaults for a bare context', () => {
    const ctx = createContext()
    expect(ctx).toMatchObject({
      debug: false,
      callChainLength: 1,
      source: 'unknown',
      traceHeader: undefined,
      trace: undefined,
      lambda: undefined,
      parent: undefined,
    })
    expect(ctx.startedAt).toBeGreaterThan(Date.now() - 5_000)
  })

  it('parses a safe trace header and keeps it verbatim', () => {
    const header = `Self=1-5c536349-4e57a9c1b2d3e4f5a6b7c8d9;${TRACE}`
    const ctx = createContext({ traceHeader: header })
    expect(ctx.traceHeader).toBe(header)
    expect(ctx.trace?.root).toBe('1-5759e988-bd862e3fe1be46a994272793')
  })

  it('drops an unsafe trace header and counts it', () => {
    const ctx = createContext({ traceHeader: `${TRACE}\r\nX-Injected: 1` })
    expect(ctx.traceHeader).toBeUndefined()
    expect(ctx.trace).toBeUndefined()
    expect(getDiagnostics().droppedTraceEntries).toBe(1)
    expect(createContext({ traceHeader: 'a'.repeat(2049) }).traceHeader).toBeUndefined()
  })

  it('does not share its IDs with the object it was given', () => {
    const ids = { 'x-correlation-id': 'a' }
    const ctx = createContext({ ids })
    withContext(ctx, () => setCorrelationId('user-id', 'u'))
    expect(ids).toEqual({ 'x-correlation-id': 'a' })
  })
})

describe('withContext, tryGetContext, getContext', () => {
  it('gives the context inside the scope and nothing outside', () => {
    const ctx = createContext()
    expect(tryGetContext()).toBeUndefined()
    const result = withContext(ctx, () => {
      expect(tryGetContext()).toBe(ctx)
      expect(getContext()).toBe(ctx)
      return 42
    })
    expect(result).toBe(42)
    expect(tryGetContext()).toBeUndefined()
  })

  it('throws ERR_SIGHTLINE_NO_CONTEXT from getContext outside a scope', () => {
    expect(() => getContext()).toThrow(expect.objectContaining({ code: codes.NO_CONTEXT }))
    expect(codes.NO_CONTEXT).toBe('ERR_SIGHTLINE_NO_CONTEXT')
  })

  it('restores the outer context after a nested scope, also when it throws', () => {
    const outer = createContext()
    const inner = createContext()
    withContext(outer, () => {
      expect(() =>
        withContext(inner, () => {
          expect(getContext()).toBe(inner)
          throw new Error('boom')
        }),
      ).toThrow('boom')
      expect(getContext()).toBe(outer)
    })
  })

  it('returns the promise of an async scope', async () => {
    const ctx = createContext()
    await expect(
      withContext(ctx, async () => {
        await sleep(1)
        return getContext()
      }),
    ).resolves.toBe(ctx)
  })
})

describe('correlationIds', () => {
  it('gives the IDs, debug-log-enabled and call-chain-length as strings', () => {
    const ctx = createContext({
      ids: { 'x-correlation-id': 'a', 'x-correlation-user-id': 'u' },
      debug: true,
      callChainLength: 3,
    })
    expect(correlationIds(ctx)).toEqual({
      'x-correlation-id': 'a',
      'x-correlation-user-id': 'u',
      'debug-log-enabled': 'true',
      'call-chain-length': '3',
    })
    expect(correlationIds(createContext({ ids: { 'x-correlation-id': 'b' } }))).toEqual({
      'x-correlation-id': 'b',
      'debug-log-enabled': 'false',
      'call-chain-length': '1',
    })
  })

  it('reads the current context by default and is empty outside one', () => {
    const ctx = createContext({ ids: { 'x-correlation-id': 'a' } })
    expect(withContext(ctx, () => correlationIds())).toBe(correlationIds(ctx))
    expect(correlationIds()).toEqual({})
  })

  it('gives the same frozen object until an ID changes', () => {
    const ctx = createContext({ ids: { 'x-correlation-id': 'a' } })
    withContext(ctx, () => {
      const first = correlationIds()
      expect(correlationIds()).toBe(first)
      expect(Object.isFrozen(first)).toBe(true)
      setCorrelationId('user-id', 'u1')
      const second = correlationIds()
      expect(second).not.toBe(first)
      expect(second['x-correlation-user-id']).toBe('u1')
      expect(first['x-correlation-user-id']).toBeUndefined()
      expect(correlationIds()).toBe(second)
    })
  })
})

describe('setCorrelationId', () => {
  it('normalises a short name to an x-correlation- key', () => {
    const ctx = createContext({ ids: { 'x-correlation-id': 'a' } })
    withContext(ctx, () => {
      expect(setCorrelationId('user-id', 'u1')).toBe(true)
      expect(setCorrelationId('X-Correlation-Order-Id', 'o1')).toBe(true)
    })
    expect(ctx.ids).toEqual({
      'x-correlation-id': 'a',
      'x-correlation-user-id': 'u1',
      'x-correlation-order-id': 'o1',
    })
  })

  it('replaces an existing ID, including x-correlation-id', () => {
    const ctx = createContext({ ids: { 'x-correlation-id': 'a' } })
    withContext(ctx, () => setCorrelationId('id', 'b'))
    expect(correlationIds(ctx)['x-correlation-id']).toBe('b')
  })

  it.each([
    ['a CR/LF value', 'user-id', 'u\r\nx'],
    ['a non-ASCII value', 'user-id', 'ü'],
    ['an empty value', 'user-id', ''],
    ['a too long value', 'user-id', 'x'.repeat(257)],
    ['a key with a space', 'user id', 'u'],
    ['a too long key', 'k'.repeat(60), 'u'],
  ])('refuses %s and counts it', (_, key, value) => {
    const ctx = createContext({ ids: { 'x-correlation-id': 'a' } })
    const before = correlationIds(ctx)
    expect(withContext(ctx, () => setCorrelationId(key, value))).toBe(false)
    expect(correlationIds(ctx)).toBe(before)
    expect(getDiagnostics().droppedIds).toBe(1)
  })

  it('does nothing outside a context', () => {
    expect(setCorrelationId('user-id', 'u')).toBe(false)
    expect(getDiagnostics().droppedIds).toBe(0)
  })
})

describe('childContext', () => {
  const lambda = {
    functionName: 'fn',
    functionVersion: '1',
    memoryLimitInMB: 128,
    invokedFunctionArn: undefined,
    logGroupName: undefined,
    logStreamName: undefined,
    coldStart: true,
  }
  const parent = createContext({
    ids: { 'x-correlation-id': 'p', 'x-correlation-user-id': 'pu' },
    awsRequestId: 'req',
    traceHeader: TRACE,
    debug: true,
    callChainLength: 4,
    source: 'sqs',
    lambda,
  })

  it('inherits everything when the record carries nothing', () => {
    const child = childContext(parent)
    expect(child).toMatchObject({
      ids: parent.ids,
      awsRequestId: 'req',
      traceHeader: TRACE,
      debug: true,
      callChainLength: 4,
      source: 'sqs',
      lambda,
      parent,
    })
    expect(child).not.toBe(parent)
  })

  it('takes only the record IDs when the record has its own x-correlation-id', () => {
    const child = childContext(parent, { ids: { 'x-correlation-id': 'r', 'x-correlation-order-id': 'o' } })
    expect(child.ids).toEqual({ 'x-correlation-id': 'r', 'x-correlation-order-id': 'o' })
  })

  it('adds record IDs to the parent IDs when the record has no x-correlation-id', () => {
    const child = childContext(parent, { ids: { 'x-correlation-order-id': 'o' } })
    expect(child.ids).toEqual({
      'x-correlation-id': 'p',
      'x-correlation-user-id': 'pu',
      'x-correlation-order-id': 'o',
    })
  })

  it('lets the record override trace header, debug and call-chain-length', () => {
    const header = 'Root=1-63441c4a-abcdef012345678912345678;Sampled=0'
    const child = childContext(parent, { traceHeader: header, debug: false, callChainLength: 9 })
    expect(child).toMatchObject({ traceHeader: header, debug: false, callChainLength: 9 })
  })

  it('keeps IDs set on a child out of the parent', () => {
    const child = childContext(parent)
    withContext(child, () => setCorrelationId('record-id', 'r1'))
    expect(child.ids['x-correlation-record-id']).toBe('r1')
    expect(parent.ids['x-correlation-record-id']).toBeUndefined()
  })
})

describe('duplicate installs', () => {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const esmPath = `${root}dist/index.js`
  const cjsPath = `${root}dist/index.cjs`

  type Api = {
    createContext: typeof createContext
    withContext: typeof withContext
    tryGetContext: typeof tryGetContext
    getDiagnostics: typeof getDiagnostics
  }

  it('share one store between the sources, the ESM build and the CJS build', async () => {
    // Built by `pnpm --filter @sightline/correlation build`, which the root `pnpm test` runs first.
    expect(existsSync(esmPath) && existsSync(cjsPath)).toBe(true)
    const esm: Api = await import(/* @vite-ignore */ pathToFileURL(esmPath).href)
    const cjs: Api = createRequire(import.meta.url)(cjsPath)
    expect(esm.withContext).not.toBe(withContext)
    expect(cjs.withContext).not.toBe(esm.withContext)

    const fromEsm = esm.createContext({ ids: { 'x-correlation-id': 'esm' } })
    esm.withContext(fromEsm, () => {
      expect(cjs.tryGetContext()).toBe(fromEsm)
      expect(tryGetContext()).toBe(fromEsm)
    })
    const fromCjs = cjs.createContext({ ids: { 'x-correlation-id': 'cjs' } })
    await cjs.withContext(fromCjs, async () => {
      await sleep(1)
      expect(esm.tryGetContext()).toBe(fromCjs)
      expect(correlationIds()['x-correlation-id']).toBe('cjs')
    })
    expect(esm.tryGetContext()).toBeUndefined()
  })

  it('share one set of diagnostics', async () => {
    const cjs: Api = createRequire(import.meta.url)(cjsPath)
    createContext({ traceHeader: 'bad\n' })
    expect(cjs.getDiagnostics().droppedTraceEntries).toBe(1)
  })
})

describe('propagation', () => {
  const inScope = <T>(fn: () => Promise<T>) => {
    const ctx = createContext()
    return { ctx, run: withContext(ctx, fn) }
  }

  it('survives await and promise chains', async () => {
    const { ctx, run } = inScope(async () => {
      await Promise.resolve()
      await sleep(2)
      return Promise.resolve(1)
        .then(() => tryGetContext())
        .then((c) => [c, tryGetContext()])
    })
    expect(await run).toEqual([ctx, ctx])
  })

  it('survives setTimeout, setImmediate and process.nextTick', async () => {
    const { ctx, run } = inScope(
      () =>
        new Promise<unknown[]>((resolve) => {
          const seen: unknown[] = []
          setTimeout(() => {
            seen.push(tryGetContext())
            setImmediate(() => {
              seen.push(tryGetContext())
              process.nextTick(() => {
                seen.push(tryGetContext())
                queueMicrotask(() => resolve([...seen, tryGetContext()]))
              })
            })
          }, 2)
        }),
    )
    expect(await run).toEqual([ctx, ctx, ctx, ctx])
  })

  it('survives EventEmitter listeners', async () => {
    const { ctx, run } = inScope(async () => {
      const emitter = new EventEmitter()
      const seen: unknown[] = []
      emitter.on('tick', () => seen.push(tryGetContext()))
      setTimeout(() => emitter.emit('tick'), 1)
      setTimeout(() => emitter.emit('tick'), 3)
      await sleep(5)
      return seen
    })
    expect(await run).toEqual([ctx, ctx])
  })

  it("survives Readable stream 'data' and 'end' events", async () => {
    const { ctx, run } = inScope(async () => {
      const seen: unknown[] = []
      const stream = new Readable({
        read() {
          setTimeout(() => this.push(seen.length < 3 ? 'chunk' : null), 1)
        },
      })
      stream.on('data', () => seen.push(tryGetContext()))
      stream.on('end', () => seen.push(tryGetContext()))
      await once(stream, 'end')
      return seen
    })
    const seen = await run
    expect(seen.length).toBeGreaterThanOrEqual(4)
    expect(seen.every((c) => c === ctx)).toBe(true)
  })

  describe('many interleaved invocations', () => {
    let lines: string[] = []
    beforeEach(() => {
      lines = []
      setOutput({ write: (line) => void lines.push(line) })
    })
    afterEach(() => {
      setOutput(undefined)
    })

    it('stamps every log line with its own scope IDs, with no mix-up across 50 scopes', async () => {
      const log = createLogger({ level: 'info' }, {})
      const random = (() => {
        let seed = 42
        return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 8
      })()
      const scopes: CorrelationContext[] = Array.from({ length: 50 }, (_, i) =>
        createContext({ ids: { 'x-correlation-id': `scope-${i}` }, awsRequestId: `req-${i}` }),
      )
      await Promise.all(
        scopes.map((ctx, i) =>
          withContext(ctx, async () => {
            log.info({ scope: i, step: 0 }, 'start')
            await sleep(random())
            setCorrelationId('user-id', `user-${i}`)
            await immediate()
            log.info({ scope: i, step: 1 }, 'after immediate')
            await new Promise<void>((resolve) => process.nextTick(resolve))
            await sleep(random())
            log.child({ part: 'child' }).info({ scope: i, step: 2 }, 'child')
            await new Promise<void>((resolve) =>
              setTimeout(() => {
                log.info({ scope: i, step: 3 }, 'in a timer')
                resolve()
              }, random()),
            )
          }),
        ),
      )
      const records = lines.map((l) => JSON.parse(l))
      expect(records).toHaveLength(200)
      const mixups = records.filter(
        (r) =>
          r['x-correlation-id'] !== `scope-${r.scope}` ||
          r.awsRequestId !== `req-${r.scope}` ||
          (r.step > 0 && r['x-correlation-user-id'] !== `user-${r.scope}`),
      )
      expect(mixups).toEqual([])
      // The scopes really did interleave: one scope after another would change scope only 49 times.
      const changes = records.filter((r, i) => i > 0 && r.scope !== records[i - 1].scope).length
      expect(changes).toBeGreaterThan(100)
    })
  })
})

describe('traceRoot', () => {
  it('gives the Root the full parse would give, with or without parsing first', async () => {
    const { createContext, traceRoot } = await import('@sightline/correlation')
    const headers = [
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
      'Self=1-67891234-12456789abcdef012345678; root = 1-5759E988-BD862E3FE1BE46A994272793 ;Sampled=0',
      'Root=1-bad;Root=1-5759e988-bd862e3fe1be46a994272793',
      'Parent=53995c3f42cd8ad8;Sampled=1',
      'Root=1-5759e988-bd862e3fe1be46a99427279',
    ]
    for (const traceHeader of headers) {
      const lazy = createContext({ traceHeader })
      const eager = createContext({ traceHeader })
      const parsed = eager.trace?.root
      expect([traceRoot(lazy), traceRoot(eager)]).toEqual([parsed, parsed])
    }
    expect(traceRoot(createContext({}))).toBeUndefined()
  })
})
