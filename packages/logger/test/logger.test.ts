import { setTimeout as sleep } from 'node:timers/promises'
import {
  type CorrelationContext,
  codes,
  createContext,
  extractFromEvent,
  type LambdaInfo,
  setCorrelationId,
  withContext,
} from '@sightline/correlation'
import {
  contextFragment,
  createLogger,
  discardDebugBuffer,
  flushDebugBuffer,
  type LevelName,
  setOutput,
} from '@sightline/logger'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'
const lambda: LambdaInfo = {
  functionName: 'orders-api',
  functionVersion: '$LATEST',
  memoryLimitInMB: 1024,
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api',
  logGroupName: '/aws/lambda/orders-api',
  logStreamName: 'stream',
  coldStart: true,
}
const invocation = (id = 'c0a8f1d2', init: Parameters<typeof createContext>[0] = {}) =>
  createContext({
    ids: { 'x-correlation-id': id, 'x-correlation-user-id': `user-of-${id}` },
    awsRequestId: `req-${id}`,
    traceHeader: TRACE,
    lambda,
    ...init,
  })

let lines: string[] = []
const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>)
const messages = () => records().map((r) => r.msg)
beforeEach(() => {
  lines = []
  setOutput({ write: (line) => void lines.push(line) })
})
afterEach(() => {
  setOutput(undefined)
})

/** Exactly one complete JSON line per write. */
function expectOneLineEach() {
  for (const line of lines) {
    expect(line.endsWith('\n')).toBe(true)
    expect(line.indexOf('\n')).toBe(line.length - 1)
    expect(() => JSON.parse(line)).not.toThrow()
  }
}

describe('every line', () => {
  it('is one JSON line carrying the IDs, the request id, the trace id and the function', () => {
    const log = createLogger({ level: 'info' }, {})
    withContext(invocation(), () => log.info({ orderId: 17 }, 'order placed'))
    expect(lines).toHaveLength(1)
    expectOneLineEach()
    expect(records()[0]).toEqual({
      level: 'info',
      time: expect.any(Number),
      'x-correlation-id': 'c0a8f1d2',
      'x-correlation-user-id': 'user-of-c0a8f1d2',
      awsRequestId: 'req-c0a8f1d2',
      traceId: '1-5759e988-bd862e3fe1be46a994272793',
      function_name: 'orders-api',
      function_version: '$LATEST',
      function_memory_size: 1024,
      cold_start: true,
      orderId: 17,
      msg: 'order placed',
    })
  })

  it('says cold_start false on a warm invocation and debug-log-enabled on a sampled one', () => {
    const log = createLogger({ level: 'info' }, {})
    withContext(invocation('a', { lambda: { ...lambda, coldStart: false }, debug: true }), () =>
      log.info('warm'),
    )
    expect(records()[0]).toMatchObject({ cold_start: false, 'debug-log-enabled': true })
  })

  it('stays one parseable line whatever the Lambda context says', () => {
    const log = createLogger({ level: 'info' }, {})
    for (const memoryLimitInMB of ['Infinity', '1e999', '-Infinity']) {
      withContext(extractFromEvent({}, { awsRequestId: 'r', functionName: 'f\n"x"', memoryLimitInMB }), () =>
        log.info('odd context'),
      )
    }
    expect(lines).toHaveLength(3)
    expectOneLineEach()
    expect(records()[0]).toMatchObject({ function_name: 'f\n"x"', awsRequestId: 'r' })
  })

  it('carries none of the context fields outside a context', () => {
    const log = createLogger({ level: 'info' }, {})
    log.info({ orderId: 17 }, 'no context')
    expect(records()).toEqual([{ level: 'info', time: expect.any(Number), orderId: 17, msg: 'no context' }])
  })

  it('carries a service field when one is configured', () => {
    const log = createLogger({ level: 'info', service: 'orders' }, {})
    log.info('x')
    withContext(invocation(), () => log.info('y'))
    expect(records().map((r) => r.service)).toEqual(['orders', 'orders'])
  })

  it('carries the IDs of the context it is written in, and only those', () => {
    const log = createLogger({ level: 'info' }, {})
    withContext(invocation('first'), () => log.info('one'))
    withContext(invocation('second'), () => log.info('two'))
    log.info('three')
    expect(records().map((r) => r['x-correlation-id'])).toEqual(['first', 'second', undefined])
  })

  it('shows an ID set mid-invocation on the later lines only', () => {
    const log = createLogger({ level: 'info' }, {})
    withContext(invocation(), () => {
      log.info('before')
      setCorrelationId('order-id', 'ORD-1')
      log.info('after')
      setCorrelationId('order-id', 'ORD-2')
      log.info('changed')
    })
    expect(records().map((r) => r['x-correlation-order-id'])).toEqual([undefined, 'ORD-1', 'ORD-2'])
  })

  it('does not keep context fields in the logger after the call', () => {
    const log = createLogger({ level: 'info' }, {})
    const child = log.child({ part: 'db' })
    withContext(invocation(), () => {
      log.info('in')
      child.info('in')
    })
    log.info('out')
    child.info('out')
    expect(records().slice(2)).toEqual([
      { level: 'info', time: expect.any(Number), msg: 'out' },
      { level: 'info', time: expect.any(Number), part: 'db', msg: 'out' },
    ])
  })
})

describe('child loggers', () => {
  it('keep their bindings and get the context, made outside or inside it', () => {
    const log = createLogger({ level: 'info' }, {})
    const outside = log.child({ part: 'db' }).child({ table: 'orders' })
    withContext(invocation(), () => {
      outside.info('outside-made')
      log.child({ part: 'http' }).info('inside-made')
    })
    expect(records()).toEqual([
      expect.objectContaining({
        part: 'db',
        table: 'orders',
        'x-correlation-id': 'c0a8f1d2',
        msg: 'outside-made',
      }),
      expect.objectContaining({ part: 'http', awsRequestId: 'req-c0a8f1d2', msg: 'inside-made' }),
    ])
    expectOneLineEach()
  })
})

describe('any string', () => {
  const nasty = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc
      .array(
        fc.constantFrom(
          '\r',
          '\n',
          '\r\n',
          '\u001b[31m',
          '"',
          '\\',
          '\ud800',
          '\udc00',
          '\u2028',
          '\u2029',
          '\0',
          'a',
        ),
      )
      .map((a) => a.join('')),
  )

  it('in the message, a field or a key gives exactly one parseable line (property)', () => {
    const log = createLogger({ level: 'info' }, {})
    const ctx = invocation()
    fc.assert(
      fc.property(nasty, nasty, nasty, (msg, value, key) => {
        lines = []
        withContext(ctx, () => log.info({ value, [`k${key}`]: 1 }, msg))
        log.info({ value }, msg)
        expect(lines).toHaveLength(2)
        expectOneLineEach()
        for (const r of records()) {
          expect(r.msg).toBe(msg)
          expect(r.value).toBe(value)
        }
        expect(records()[0]![`k${key}`]).toBe(1)
      }),
      { numRuns: 1_000 },
    )
  })

  it('in the context (IDs, request id, function name and version) gives one line carrying it as is (property)', () => {
    const log = createLogger({ level: 'info' }, {})
    fc.assert(
      fc.property(nasty, nasty, nasty, nasty, fc.boolean(), (id, requestId, name, version, frozen) => {
        lines = []
        const lambda = {
          functionName: name,
          functionVersion: version,
          memoryLimitInMB: 512,
          invokedFunctionArn: undefined,
          logGroupName: undefined,
          logStreamName: undefined,
          coldStart: false,
        }
        const ctx = createContext({
          ids: { 'x-correlation-id': id, 'x-correlation-user-id': `${id}-user` },
          awsRequestId: requestId,
          lambda: frozen ? Object.freeze(lambda) : lambda,
        })
        withContext(ctx, () => log.info('x'))
        expectOneLineEach()
        expect(records()[0]).toMatchObject({
          'x-correlation-id': id,
          'x-correlation-user-id': `${id}-user`,
          awsRequestId: requestId,
          function_name: name,
          function_version: version,
        })
      }),
      { numRuns: 1_000 },
    )
  })

  it('in a correlation ID gives exactly one parseable line', () => {
    const log = createLogger({ level: 'info' }, {})
    // createContext trusts its caller: even an unsafe ID must not break the line.
    const ctx = createContext({ ids: { 'x-correlation-id': 'a\r\n{"level":"fatal"}\u2028"' } })
    withContext(ctx, () => log.info('x'))
    expectOneLineEach()
    expect(records()[0]!['x-correlation-id']).toBe('a\r\n{"level":"fatal"}\u2028"')
  })
})

describe('levels', () => {
  const written = (env: Record<string, string>, options: { level?: LevelName } = {}) => {
    const log = createLogger(options, env)
    lines = []
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) log[level](level)
    return messages()
  }

  it('is info by default', () => {
    expect(written({})).toEqual(['info', 'warn', 'error', 'fatal'])
  })

  it('follows LOG_LEVEL, in any case', () => {
    expect(written({ LOG_LEVEL: 'debug' })).toEqual(['debug', 'info', 'warn', 'error', 'fatal'])
    expect(written({ LOG_LEVEL: 'WARN' })).toEqual(['warn', 'error', 'fatal'])
    expect(written({ LOG_LEVEL: 'trace' })).toHaveLength(6)
    expect(written({ LOG_LEVEL: 'silent' })).toEqual([])
  })

  it('follows AWS_LAMBDA_LOG_LEVEL when LOG_LEVEL is not set', () => {
    expect(written({ AWS_LAMBDA_LOG_LEVEL: 'ERROR' })).toEqual(['error', 'fatal'])
    expect(written({ AWS_LAMBDA_LOG_LEVEL: 'DEBUG' })).toEqual(['debug', 'info', 'warn', 'error', 'fatal'])
  })

  it('raises a LOG_LEVEL below AWS_LAMBDA_LOG_LEVEL to it, with a warning line', () => {
    const log = createLogger({}, { LOG_LEVEL: 'debug', AWS_LAMBDA_LOG_LEVEL: 'WARN' })
    expect(records()).toEqual([
      expect.objectContaining({ level: 'warn', msg: expect.stringContaining('AWS_LAMBDA_LOG_LEVEL=warn') }),
    ])
    lines = []
    log.info('info')
    log.warn('warn')
    expect(messages()).toEqual(['warn'])
  })

  it('takes the level option over the environment', () => {
    expect(written({ LOG_LEVEL: 'debug' }, { level: 'error' })).toEqual(['error', 'fatal'])
  })

  it('ignores an unknown LOG_LEVEL', () => {
    expect(written({ LOG_LEVEL: 'verbose' })).toEqual(['info', 'warn', 'error', 'fatal'])
  })

  it('throws ERR_SIGHTLINE_INVALID_OPTION for an unknown level option', () => {
    expect(() => createLogger({ level: 'verbose' as LevelName }, {})).toThrow(
      expect.objectContaining({ code: codes.INVALID_OPTION, message: expect.stringContaining('`level`') }),
    )
  })

  it('follows a level set on the logger later', () => {
    const log = createLogger({ level: 'info' }, {})
    log.level = 'warn'
    log.info('hidden')
    log.warn('shown')
    log.level = 'debug'
    log.debug('debug shown')
    createLogger({ level: 'info' }, {}).child({}, { level: 'debug' }).debug('child debug shown')
    expect(messages()).toEqual(['shown', 'debug shown', 'child debug shown'])
  })

  it('reports debug as enabled only where a debug line would be written', () => {
    const log = createLogger({ level: 'info' }, {})
    expect(log.isLevelEnabled('info')).toBe(true)
    expect(withContext(invocation('sampled', { debug: true }), () => log.isLevelEnabled('debug'))).toBe(true)
    expect(withContext(invocation('plain'), () => log.isLevelEnabled('debug'))).toBe(false)
    expect(log.isLevelEnabled('debug')).toBe(false)
  })

  it('writes nothing at all when silent, even in a debug-sampled invocation', () => {
    const log = createLogger({ level: 'silent' }, {})
    withContext(invocation('s', { debug: true }), () => {
      log.debug('debug')
      log.error('error')
    })
    expect(lines).toEqual([])
  })
})

describe('per-invocation debug sampling', () => {
  it('writes debug lines in a sampled invocation and not in the next one', () => {
    const log = createLogger({ level: 'info' }, {})
    withContext(invocation('sampled', { debug: true }), () => log.debug('debug in sampled'))
    withContext(invocation('next', { debug: false }), () => log.debug('debug in next'))
    log.debug('debug outside')
    expect(messages()).toEqual(['debug in sampled'])
    expect(records()[0]).toMatchObject({ level: 'debug', 'x-correlation-id': 'sampled' })
  })

  it('does not leak into the next invocation when the sampled one throws', async () => {
    const log = createLogger({ level: 'info' }, {})
    expect(() =>
      withContext(invocation('sampled', { debug: true }), () => {
        log.debug('before the error')
        throw new Error('boom')
      }),
    ).toThrow('boom')
    await expect(
      withContext(invocation('sampled-async', { debug: true }), async () => {
        await sleep(1)
        log.debug('async before the error')
        throw new Error('async boom')
      }),
    ).rejects.toThrow('async boom')
    withContext(invocation('next'), () => log.debug('debug in next'))
    expect(messages()).toEqual(['before the error', 'async before the error'])
  })

  it('applies to concurrent invocations separately', async () => {
    const log = createLogger({ level: 'info' }, {})
    const run = (id: string, debug: boolean) =>
      withContext(invocation(id, { debug }), async () => {
        for (let i = 0; i < 5; i++) {
          log.debug({ i }, 'debug')
          await sleep(1)
        }
      })
    await Promise.all([run('on', true), run('off', false), run('on2', true)])
    const ids = records().map((r) => r['x-correlation-id'])
    expect(ids.filter((id) => id === 'on')).toHaveLength(5)
    expect(ids.filter((id) => id === 'on2')).toHaveLength(5)
    expect(ids).not.toContain('off')
  })

  it('does not lower a level raised above info', () => {
    const log = createLogger({ level: 'info' }, {})
    const quiet = log.child({}, { level: 'error' })
    withContext(invocation('sampled', { debug: true }), () => {
      quiet.debug('debug')
      quiet.warn('warn')
      quiet.error('error')
    })
    expect(messages()).toEqual(['error'])
  })
})

describe('debug buffering', () => {
  const buffered = (maxBytes?: number, level?: LevelName) =>
    createLogger(
      {
        level: 'info',
        debugBuffer: maxBytes === undefined && level === undefined ? true : ({ maxBytes, level } as never),
      },
      {},
    )

  it('holds lines below the level per invocation and writes them in order on flush', () => {
    const log = buffered()
    const ctx = invocation()
    withContext(ctx, () => {
      log.debug('d1')
      log.info('i1')
      log.debug({ step: 2 }, 'd2')
      log.trace('t1')
    })
    expect(messages()).toEqual(['i1'])
    lines = []
    expect(flushDebugBuffer(ctx)).toBe(2)
    expect(messages()).toEqual(['d1', 'd2'])
    expect(records().every((r) => r.level === 'debug' && r['x-correlation-id'] === 'c0a8f1d2')).toBe(true)
    expectOneLineEach()
    lines = []
    expect(flushDebugBuffer(ctx)).toBe(0)
    expect(lines).toEqual([])
  })

  it('flushes the current context by default', () => {
    const log = buffered()
    withContext(invocation(), () => {
      log.debug('held')
      expect(flushDebugBuffer()).toBe(1)
    })
    expect(messages()).toEqual(['held'])
  })

  it('discards the lines of a successful invocation', () => {
    const log = buffered()
    const ctx = invocation()
    withContext(ctx, () => {
      log.debug('held')
      discardDebugBuffer()
    })
    expect(flushDebugBuffer(ctx)).toBe(0)
    expect(lines).toEqual([])
  })

  it('holds trace lines only when its level says so', () => {
    const ctx = invocation()
    const log = buffered(undefined, 'trace')
    withContext(ctx, () => {
      log.trace('t')
      log.debug('d')
    })
    flushDebugBuffer(ctx)
    expect(messages()).toEqual(['t', 'd'])
  })

  it('holds nothing outside a context and in a debug-sampled invocation', () => {
    const log = buffered()
    log.debug('outside')
    const sampled = invocation('s', { debug: true })
    withContext(sampled, () => log.debug('written at once'))
    expect(messages()).toEqual(['written at once'])
    expect(flushDebugBuffer(sampled)).toBe(0)
  })

  it('keeps the newest lines within maxBytes and says how many were dropped', () => {
    const log = buffered(1_000)
    const ctx = invocation()
    withContext(ctx, () => {
      for (let i = 0; i < 20; i++) log.debug({ i }, 'x'.repeat(50))
    })
    const written = flushDebugBuffer(ctx)
    const out = records()
    const debug = out.filter((r) => r.level === 'debug')
    expect(debug).toHaveLength(written)
    expect(written).toBeGreaterThan(0)
    expect(lines.slice(0, written).join('').length).toBeLessThanOrEqual(1_000)
    expect(debug.map((r) => r.i)).toEqual(Array.from({ length: written }, (_, k) => 20 - written + k))
    expect(out.at(-1)).toMatchObject({ level: 'warn', droppedDebugLines: 20 - written })
    expect(out).toHaveLength(written + 1)
    expectOneLineEach()
  })

  it('drops a single line longer than maxBytes and counts it', () => {
    const log = buffered(600)
    const ctx = invocation()
    withContext(ctx, () => {
      log.debug('x'.repeat(1_000))
      log.debug('short')
    })
    expect(flushDebugBuffer(ctx)).toBe(1)
    expect(records()).toEqual([
      expect.objectContaining({ msg: 'short' }),
      expect.objectContaining({ level: 'warn', droppedDebugLines: 1 }),
    ])
  })

  it('stamps the dropped-lines warning with the invocation IDs', () => {
    const log = buffered(200)
    const ctx = invocation()
    withContext(ctx, () => log.debug('x'.repeat(500)))
    flushDebugBuffer(ctx)
    expect(records()).toEqual([
      expect.objectContaining({ level: 'warn', droppedDebugLines: 1, 'x-correlation-id': 'c0a8f1d2' }),
    ])
  })

  it('never mixes the lines of two concurrent invocations', async () => {
    const log = buffered()
    const a = invocation('a')
    const b = invocation('b')
    const run = (ctx: CorrelationContext) =>
      withContext(ctx, async () => {
        for (let i = 0; i < 10; i++) {
          log.debug({ i }, ctx.ids['x-correlation-id'])
          await sleep(Math.random() * 3)
        }
      })
    await Promise.all([run(a), run(b)])
    expect(lines).toEqual([])
    expect(flushDebugBuffer(a)).toBe(10)
    expect(records().map((r) => [r['x-correlation-id'], r.msg, r.i])).toEqual(
      Array.from({ length: 10 }, (_, i) => ['a', 'a', i]),
    )
    discardDebugBuffer(b)
    expect(flushDebugBuffer(b)).toBe(0)
  })

  it.each([0, -1, Number.NaN])('throws ERR_SIGHTLINE_INVALID_OPTION for maxBytes %s', (maxBytes) => {
    expect(() => createLogger({ debugBuffer: { maxBytes } }, {})).toThrow(
      expect.objectContaining({
        code: codes.INVALID_OPTION,
        message: expect.stringContaining('debugBuffer.maxBytes'),
      }),
    )
  })

  it('throws ERR_SIGHTLINE_INVALID_OPTION for an unknown buffer level', () => {
    expect(() => createLogger({ debugBuffer: { level: 'verbose' as LevelName } }, {})).toThrow(
      expect.objectContaining({ code: codes.INVALID_OPTION }),
    )
  })
})

describe('errors', () => {
  const failure = () =>
    new Error('charge failed', {
      cause: new TypeError('socket hang up', { cause: new RangeError('deep') }),
    })

  it('are written with their type, message, stack and cause chain', () => {
    const log = createLogger({ level: 'info' }, {})
    withContext(invocation(), () => log.error({ err: failure() }, 'payment failed'))
    const [r] = records()
    expect(r).toMatchObject({
      level: 'error',
      msg: 'payment failed',
      'x-correlation-id': 'c0a8f1d2',
      err: {
        type: 'Error',
        message: 'charge failed',
        stack: expect.stringContaining('charge failed'),
        cause: {
          type: 'TypeError',
          message: 'socket hang up',
          cause: { type: 'RangeError', message: 'deep' },
        },
      },
    })
    expectOneLineEach()
  })

  it('are serialised the same when given alone or under error', () => {
    const log = createLogger({ level: 'info' }, {})
    log.error(failure())
    log.error({ error: failure() }, 'under error')
    const [alone, under] = records()
    expect(alone).toMatchObject({ msg: 'charge failed', err: { cause: { message: 'socket hang up' } } })
    expect(under).toMatchObject({ error: { type: 'Error', cause: { cause: { message: 'deep' } } } })
  })
})

describe('redaction', () => {
  const secrets = ['Bearer s3cr3t', 'session=abc', 'api-key-123', 'token-xyz']

  it('redacts Authorization, cookies and API keys as HTTP sources deliver them', () => {
    const log = createLogger({ level: 'info' }, {})
    const headers = {
      authorization: secrets[0],
      Cookie: secrets[1],
      'x-api-key': secrets[2],
      'X-Amz-Security-Token': secrets[3],
      accept: 'text/html',
    }
    log.info({ headers }, 'req')
    log.info(
      { event: { headers, multiValueHeaders: { 'Set-Cookie': [secrets[1]], Authorization: [secrets[0]] } } },
      'ev',
    )
    log.info({ req: { headers: { 'Proxy-Authorization': secrets[0] } } }, 'node req')
    for (const line of lines) for (const s of secrets) expect(line).not.toContain(s)
    expect(records()[0]!.headers).toEqual({
      authorization: '[REDACTED]',
      Cookie: '[REDACTED]',
      'x-api-key': '[REDACTED]',
      'X-Amz-Security-Token': '[REDACTED]',
      accept: 'text/html',
    })
    // The caller's object is left as it was.
    expect(headers.authorization).toBe(secrets[0])
  })

  it('redacts secret headers in any other case', () => {
    const log = createLogger({ level: 'info' }, {})
    log.info({ headers: { AUTHORIZATION: secrets[0], 'X-API-Key': secrets[2], COOKIE: secrets[1] } }, 'req')
    for (const s of secrets) expect(lines[0]).not.toContain(s)
  })

  it('redacts configured headers and paths with the configured censor', () => {
    const log = createLogger(
      {
        level: 'info',
        redact: { headers: ['X-Custom-Secret'], paths: ['body.password', '*.token'], censor: '***' },
      },
      {},
    )
    log.info(
      {
        headers: { 'x-custom-secret': 'c1', authorization: 'a1' },
        body: { user: 'ann', password: 'p1' },
        session: { token: 't1', id: 's' },
      },
      'configured',
    )
    const [r] = records()
    expect(r).toMatchObject({
      headers: { 'x-custom-secret': '***', authorization: '***' },
      body: { user: 'ann', password: '***' },
      session: { token: '***', id: 's' },
    })
  })
})

describe('configuration errors', () => {
  it('throw ERR_SIGHTLINE_INVALID_OPTION for a redact path pino cannot read', () => {
    expect(() => createLogger({ redact: { paths: ['body['] } }, {})).toThrow(
      expect.objectContaining({ code: codes.INVALID_OPTION }),
    )
  })
})

describe('contextFragment', () => {
  it('is rebuilt when an ID changes', () => {
    const ctx = invocation()
    const before = contextFragment(ctx)
    expect(contextFragment(ctx)).toBe(before)
    withContext(ctx, () => setCorrelationId('x', 'y'))
    expect(contextFragment(ctx)).toContain('"x-correlation-x":"y"')
  })
})
