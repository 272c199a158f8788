import { AsyncLocalStorage } from 'node:async_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import middy from '@middy/core'
import { correlationIds, tryGetContext } from '@sightline/correlation'
import { withSightline } from '@sightline/handler-wrapper/middy'
import { logger, type Output, setOutput } from '@sightline/logger'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Plugin } from '../src/index.js'

type Line = Record<string, any>

let lines: Line[] = []
let previous: Output
beforeEach(() => {
  lines = []
  previous = setOutput({ write: (line) => void lines.push(JSON.parse(line)) })
})
afterEach(() => {
  setOutput(previous)
})
const linesWith = (msg: string) => lines.filter((l) => l.msg === msg)

const lambdaContext = (awsRequestId: string): any => ({
  awsRequestId,
  functionName: 'orders-worker',
  functionVersion: '$LATEST',
  memoryLimitInMB: '128',
  getRemainingTimeInMillis: () => 10_000,
})

/** A direct invocation carrying its IDs as top-level keys, as another Sightline function sends them. */
const event = (id: string, extra: Record<string, unknown> = {}): any => ({
  'x-correlation-id': id,
  'x-correlation-user-id': 'user-1',
  ...extra,
})

describe('withSightline(middy(handler))', () => {
  it('runs every middleware and the handler inside the invocation context', async () => {
    const handler = withSightline(
      middy(async () => {
        logger.info('handler')
        return correlationIds()
      }),
    )
      .use({
        before: async () => {
          await sleep(5)
          logger.info('before, after an await')
        },
        after: async () => {
          logger.info('after')
        },
      })
      .use({ before: () => logger.info('before, synchronous') })

    const ids = await handler(event('mid-1'), lambdaContext('aws-1'))
    expect(ids).toEqual({
      'x-correlation-id': 'mid-1',
      'x-correlation-user-id': 'user-1',
      'debug-log-enabled': 'false',
      'call-chain-length': '1',
    })
    expect(lines.map((l) => l.msg)).toEqual([
      'before, after an await',
      'before, synchronous',
      'handler',
      'after',
    ])
    for (const line of lines) {
      expect(line).toMatchObject({
        'x-correlation-id': 'mid-1',
        'x-correlation-user-id': 'user-1',
        awsRequestId: 'aws-1',
        function_name: 'orders-worker',
      })
    }
  })

  it('leaves no context behind in the caller', async () => {
    const handler = withSightline(middy(async () => tryGetContext()?.ids['x-correlation-id']))
    expect(await handler(event('mid-2'), lambdaContext('aws-2'))).toBe('mid-2')
    expect(tryGetContext()).toBeUndefined()
  })

  it('rejects with the identical error, after onError middlewares logged it with the IDs', async () => {
    const failure = new Error('middy boom')
    const handler = withSightline(
      middy(async () => {
        throw failure
      }),
    ).use({
      onError: async (request) => {
        logger.warn({ seen: (request.error as Error).message }, 'onError middleware')
      },
    })

    await expect(handler(event('mid-3'), lambdaContext('aws-3'))).rejects.toBe(failure)
    expect(linesWith('onError middleware')).toEqual([
      expect.objectContaining({ 'x-correlation-id': 'mid-3', seen: 'middy boom' }),
    ])
    expect(linesWith('invocation failed')).toEqual([
      expect.objectContaining({
        level: 'error',
        'x-correlation-id': 'mid-3',
        awsRequestId: 'aws-3',
        err: expect.objectContaining({ message: 'middy boom' }),
      }),
    ])
  })

  it("leaves an error that an onError middleware turned into a response to middy's semantics", async () => {
    const handler = withSightline(
      middy(async () => {
        throw new Error('handled')
      }),
    ).use({
      onError: async (request) => {
        request.response = { statusCode: 500, body: 'sorry' }
      },
    })
    expect(await handler(event('mid-4'), lambdaContext('aws-4'))).toEqual({ statusCode: 500, body: 'sorry' })
    expect(linesWith('invocation failed')).toHaveLength(0)
  })

  it("flushes plugins after middy's last after middleware, and on failure with the error", async () => {
    const steps: string[] = []
    const errors: unknown[] = []
    const plugin: Plugin = {
      name: 'recorder',
      onInvoke: (inv) => void steps.push(`invoke ${inv.context.ids['x-correlation-id']}`),
      onError: (err) => void errors.push(err),
      flush: async () => {
        await sleep(1)
        steps.push(`flush ${correlationIds()['x-correlation-id']}`)
      },
    }
    const failure = new Error('flush me')
    const handler = withSightline(
      middy(async (e: { fail?: boolean }) => {
        if (e.fail) throw failure
        return 'ok'
      }),
      { plugins: [plugin] },
    ).use({ after: () => void steps.push('after') })

    expect(await handler(event('ok-1'), lambdaContext('aws-5'))).toBe('ok')
    expect(steps).toEqual(['invoke ok-1', 'after', 'flush ok-1'])

    steps.length = 0
    await expect(handler(event('fail-1', { fail: true }), lambdaContext('aws-6'))).rejects.toBe(failure)
    expect(steps).toEqual(['invoke fail-1', 'flush fail-1'])
    expect(errors).toEqual([failure])
    expect(errors[0]).toBe(failure)
  })

  it('stays chainable in either order, all on the same middy instance', async () => {
    const base = middy(async () => 'base')
    const handler = withSightline(base)
    expect(handler.before(() => logger.info('one'))).toBe(handler)
    expect(handler.use({ before: () => logger.info('two') })).toBe(handler)
    base.before(() => logger.info('three'))
    await handler(event('chain-1'), lambdaContext('aws-7'))
    expect(lines.map((l) => [l.msg, l['x-correlation-id']])).toEqual([
      ['one', 'chain-1'],
      ['two', 'chain-1'],
      ['three', 'chain-1'],
    ])
  })

  it('keeps 20 concurrent invocations apart', async () => {
    const handler = withSightline(
      middy(async (e: { n: number }) => {
        await sleep(Math.random() * 10)
        logger.info({ n: e.n }, 'handler')
        return correlationIds()['x-correlation-id']
      }),
    ).use({
      before: async (request) => {
        await sleep(Math.random() * 10)
        logger.info({ n: (request.event as { n: number }).n }, 'before')
      },
    })
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) => handler(event(`inv-${n}`, { n }), lambdaContext(`aws-${n}`))),
    )
    expect(results).toEqual(Array.from({ length: 20 }, (_, n) => `inv-${n}`))
    expect(lines).toHaveLength(40)
    for (const line of lines) {
      expect(line['x-correlation-id']).toBe(`inv-${line.n}`)
      expect(line.awsRequestId).toBe(`aws-${line.n}`)
    }
  })

  it('refuses something that is not a middy handler, naming the option', () => {
    const plain = async () => 'plain'
    expect(() => withSightline(plain as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_SIGHTLINE_INVALID_OPTION',
        message: expect.stringContaining('`handler`'),
      }),
    )
  })
})

describe('why withSightline wraps middy instead of being a middleware', () => {
  it("a before hook's enterWith leaks the IDs into the caller's next invocation", async () => {
    const storage = new AsyncLocalStorage<string>()
    const enters = middy(async () => storage.getStore()).use({
      before: (request) => storage.enterWith((request.event as { id: string }).id),
    })
    const plain = middy(async () => storage.getStore())

    expect(await enters({ id: 'first' }, lambdaContext('a'))).toBe('first')
    // An unrelated invocation, run by the same caller, sees the previous invocation's store.
    expect(await plain({}, lambdaContext('b'))).toBe('first')
    expect(storage.getStore()).toBe('first')
  })
})
