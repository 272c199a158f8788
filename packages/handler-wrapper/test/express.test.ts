import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { configure as serverlessExpress } from '@codegenie/serverless-express'
import { correlationIds, tryGetContext } from '@sightline/correlation'
import { correlation, errorLogger } from '@sightline/handler-wrapper/express'
import { logger, type Output, setOutput } from '@sightline/logger'
import express5 from 'express'
import express4 from 'express4'
import serverless from 'serverless-http'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Plugin, wrap } from '../src/index.js'

type Express = typeof express5
type App = ReturnType<Express>
type Line = Record<string, any>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

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
const json = (res: Response): Promise<any> => res.json()

interface Running {
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

async function listen(app: App | http.RequestListener): Promise<Running> {
  const server =
    typeof (app as App).listen === 'function'
      ? (app as App).listen(0, '127.0.0.1')
      : http.createServer(app).listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}

/** Express 4 does not catch a rejected promise: route errors go to next() in both versions. */
const route =
  (fn: (req: any, res: any) => Promise<unknown>) =>
  (req: any, res: any, next: (err?: unknown) => void): void =>
    void fn(req, res).catch(next)

/** What the route saw, as a JSON body: its IDs and the body it parsed. */
const echo = (req: any, res: any) => {
  logger.info({ body: req.body }, 'in route')
  res.json({ ids: correlationIds(), body: req.body ?? null })
}

/** A downstream service on port 0 that records the headers of each call. */
async function downstream(): Promise<Running & { readonly received: http.IncomingHttpHeaders[] }> {
  const received: http.IncomingHttpHeaders[] = []
  const running = await listen((req: http.IncomingMessage, res: http.ServerResponse) => {
    received.push(req.headers)
    res.end('ok')
  })
  return { ...running, received }
}

/** Sends raw bytes (for headers fetch refuses to send) and returns status, headers and body. */
function rawRequest(port: number, head: Buffer): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(head))
    const chunks: Buffer[] = []
    socket.on('data', (c) => chunks.push(c))
    socket.on('error', reject)
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1')
      const [headers = '', body = ''] = text.split('\r\n\r\n')
      resolve({ status: Number(headers.slice(9, 12)), headers: headers.toLowerCase(), body })
    })
  })
}

describe.each([
  ['Express 5', express5],
  ['Express 4', express4 as unknown as Express],
])('%s', (_name, express) => {
  let app: App
  let server: Running
  let other: Awaited<ReturnType<typeof downstream>>
  let received: unknown
  let thrown: Error | undefined
  const shared = new Error('shared instance')

  beforeAll(async () => {
    other = await downstream()
    app = express()
    app.use(correlation())
    app.get('/ids', echo)
    app.post('/json', express.json(), echo)
    app.post('/text', (req, _res, next) => {
      // A hand-written body reader: next() runs from the socket's 'end' event.
      let text = ''
      req.setEncoding('utf8')
      req.on('data', (chunk: string) => {
        text += chunk
      })
      req.on('end', () => {
        ;(req as any).body = text
        next()
      })
    })
    app.post('/text', (req, res) => {
      res.on('finish', () => logger.info('response finished'))
      echo(req, res)
    })
    app.get(
      '/call',
      route(async (_req, res) => {
        const answer = await fetch(other.url, { headers: { ...correlationIds() } })
        res.json({ status: answer.status })
      }),
    )
    app.all(
      '/jobs/:n',
      route(async (req, res) => {
        logger.info({ n: req.params.n }, 'working')
        await sleep(Math.random() * 25)
        await fetch(other.url, { headers: { ...correlationIds(), 'x-n': req.params.n } })
        logger.info({ n: req.params.n }, 'worked')
        res.json({ id: correlationIds()['x-correlation-id'] })
      }),
    )
    app.post('/work-json/:n', express.json(), (req, res, next) => {
      setTimeout(() => {
        logger.info({ n: req.params.n, body: req.body.n }, 'working')
        res.json({ id: correlationIds()['x-correlation-id'] })
      }, Math.random() * 25)
      void next
    })
    app.get('/fail', () => {
      thrown = new Error('boom')
      throw thrown
    })
    app.get('/fail-shared', (_req, _res, next) => next(shared))
    app.get('/fail-later', (_req, _res, next) => {
      setTimeout(() => next(Object.assign(new Error('later'), { code: 'E_LATER' })), 5)
    })
    app.use(
      errorLogger(),
      errorLogger(),
      (err: unknown, _req: any, _res: any, next: (e: unknown) => void) => {
        received = err
        next(err)
      },
    )
    server = await listen(app)
  })
  afterAll(async () => {
    await server.close()
    await other.close()
  })
  beforeEach(() => {
    received = undefined
    other.received.length = 0
  })

  it('gives the route the inbound x-correlation-* IDs and returns x-correlation-id', async () => {
    const res = await fetch(`${server.url}/ids?token=secret`, {
      headers: {
        'X-Correlation-Id': 'order-42',
        'x-correlation-user-id': 'user-7',
        'call-chain-length': '2',
        'x-amzn-trace-id': 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1',
      },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-correlation-id')).toBe('order-42')
    const { ids } = await json(res)
    expect(ids).toEqual({
      'x-correlation-id': 'order-42',
      'x-correlation-user-id': 'user-7',
      'debug-log-enabled': 'false',
      'call-chain-length': '3',
    })
    expect(linesWith('in route')).toEqual([
      expect.objectContaining({
        'x-correlation-id': 'order-42',
        'x-correlation-user-id': 'user-7',
        traceId: '1-5759e988-bd862e3fe1be46a994272793',
      }),
    ])
  })

  it('generates an x-correlation-id when none arrives, and the route logs with it', async () => {
    const res = await fetch(`${server.url}/ids`)
    const id = res.headers.get('x-correlation-id')
    expect(id).toMatch(UUID)
    expect((await json(res)).ids['x-correlation-id']).toBe(id)
    expect(linesWith('in route')[0]).toMatchObject({ 'x-correlation-id': id })
  })

  it('writes one access line per request, with the path but not the query string', async () => {
    await (await fetch(`${server.url}/ids?token=secret`, { headers: { 'x-correlation-id': 'acc-1' } })).text()
    await sleep(10) // 'finish' follows the last byte
    expect(linesWith('request completed')).toEqual([
      expect.objectContaining({
        'x-correlation-id': 'acc-1',
        method: 'GET',
        path: '/ids',
        status: 200,
        durationMs: expect.any(Number),
      }),
    ])
    expect(JSON.stringify(lines)).not.toContain('secret')
  })

  it('forwards the IDs on an outgoing call made from the route', async () => {
    const res = await fetch(`${server.url}/call`, {
      headers: { 'x-correlation-id': 'out-1', 'x-correlation-session': 's-9', 'debug-log-enabled': 'true' },
    })
    expect(await json(res)).toEqual({ status: 200 })
    expect(other.received).toEqual([
      expect.objectContaining({
        'x-correlation-id': 'out-1',
        'x-correlation-session': 's-9',
        'debug-log-enabled': 'true',
        'call-chain-length': '1',
      }),
    ])
  })

  it('keeps the context through express.json() on a POST, also when the body arrives in chunks', async () => {
    const res = await fetch(`${server.url}/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'post-1' },
      body: JSON.stringify({ n: 1 }),
    })
    expect(await json(res)).toMatchObject({ ids: { 'x-correlation-id': 'post-1' }, body: { n: 1 } })

    const slow = await slowPost(server.port, '/json', 'post-2', ['{"n":', '2}'], 'application/json')
    expect(JSON.parse(slow)).toMatchObject({ ids: { 'x-correlation-id': 'post-2' }, body: { n: 2 } })
    expect(linesWith('in route').map((l) => l['x-correlation-id'])).toEqual(['post-1', 'post-2'])
  })

  it('keeps the context through a hand-written body reader and in res.on("finish") listeners', async () => {
    const text = await slowPost(server.port, '/text', 'text-1', ['hello ', 'world'], 'text/plain')
    expect(JSON.parse(text)).toMatchObject({ ids: { 'x-correlation-id': 'text-1' }, body: 'hello world' })
    await sleep(10)
    expect(linesWith('in route')[0]).toMatchObject({ 'x-correlation-id': 'text-1', body: 'hello world' })
    expect(linesWith('response finished')).toEqual([
      expect.objectContaining({ 'x-correlation-id': 'text-1' }),
    ])
  })

  it('never mixes IDs across 30 concurrent requests with random delays', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, async (_, n) => {
        const headers = { 'x-correlation-id': `req-${n}`, 'content-type': 'application/json' }
        const res =
          n % 3 === 0
            ? await fetch(`${server.url}/work-json/${n}`, {
                method: 'POST',
                headers,
                body: JSON.stringify({ n: String(n) }),
              })
            : await fetch(`${server.url}/jobs/${n}`, { method: n % 3 === 1 ? 'GET' : 'POST', headers })
        return { n, header: res.headers.get('x-correlation-id'), body: await json(res) }
      }),
    )
    for (const { n, header, body } of results) {
      expect(header).toBe(`req-${n}`)
      expect(body.id).toBe(`req-${n}`)
    }
    await sleep(10)
    const working = lines.filter((l) => l.n !== undefined)
    expect(working.length).toBe(30 + 20) // 'working' for all, 'worked' for the 20 that called downstream
    for (const line of working) expect(line['x-correlation-id']).toBe(`req-${line.n}`)
    for (const line of working.filter((l) => l.body !== undefined)) expect(line.body).toBe(line.n)
    for (const headers of other.received) expect(headers['x-correlation-id']).toBe(`req-${headers['x-n']}`)
    expect(other.received).toHaveLength(20)
    const access = linesWith('request completed')
    expect(access).toHaveLength(30)
    for (const line of access) expect(line.path.split('/')[2]).toBe(line['x-correlation-id'].slice(4))
  })

  it('logs an error once with the IDs, and the next handler gets the identical error', async () => {
    const res = await fetch(`${server.url}/fail`, { headers: { 'x-correlation-id': 'err-1' } })
    expect(res.status).toBe(500)
    expect(received).toBe(thrown)
    const errors = linesWith('request failed')
    expect(errors).toEqual([
      expect.objectContaining({
        level: 'error',
        'x-correlation-id': 'err-1',
        err: expect.objectContaining({ message: 'boom', type: 'Error' }),
        req: expect.objectContaining({ method: 'GET', path: '/fail' }),
      }),
    ])
  })

  it('logs a shared error instance once per request, not once per process', async () => {
    for (const id of ['shared-1', 'shared-2']) {
      const res = await fetch(`${server.url}/fail-shared`, { headers: { 'x-correlation-id': id } })
      expect(res.status).toBe(500)
      expect(received).toBe(shared)
    }
    expect(linesWith('request failed').map((l) => l['x-correlation-id'])).toEqual(['shared-1', 'shared-2'])
  })

  it('passes on an error from a timer callback unchanged, logged with the IDs', async () => {
    const res = await fetch(`${server.url}/fail-later`, { headers: { 'x-correlation-id': 'err-2' } })
    expect(res.status).toBe(500)
    expect(received).toMatchObject({ message: 'later', code: 'E_LATER' })
    expect(linesWith('request failed')).toEqual([
      expect.objectContaining({ level: 'error', 'x-correlation-id': 'err-2' }),
    ])
  })

  it("logs body-parser's 400 for malformed JSON as a warning, and Express still answers 400", async () => {
    const res = await fetch(`${server.url}/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'bad-json' },
      body: '{"n":',
    })
    expect(res.status).toBe(400)
    expect(received).toMatchObject({ status: 400 })
    expect(linesWith('request failed')).toEqual([
      expect.objectContaining({ level: 'warn', 'x-correlation-id': 'bad-json' }),
    ])
  })

  it('redacts credentials in the request summary of the error line', async () => {
    await fetch(`${server.url}/fail`, { headers: { authorization: 'Bearer abc', cookie: 'sid=1' } })
    const [line] = linesWith('request failed')
    expect(line?.req.headers).toMatchObject({ authorization: '[REDACTED]', cookie: '[REDACTED]' })
    expect(JSON.stringify(lines)).not.toContain('Bearer abc')
  })

  it('drops overlong, non-ASCII and surplus x-correlation-* headers and still answers', async () => {
    const extra = Array.from({ length: 100 }, (_, i) => `x-correlation-k${i}: v${i}\r\n`).join('')
    const head = Buffer.concat([
      Buffer.from(
        'GET /ids HTTP/1.1\r\nHost: x\r\nConnection: close\r\n' +
          `x-correlation-id: ${'a'.repeat(300)}\r\n` +
          'call-chain-length: 1e9\r\ndebug-log-enabled: maybe\r\nx-amzn-trace-id: Root=nope;Parent=zz\r\n',
      ),
      Buffer.from('x-correlation-name: José 日本\r\n', 'utf8'),
      Buffer.from(`${extra}\r\n`),
    ])
    const res = await rawRequest(server.port, head)
    expect(res.status).toBe(200)
    const { ids } = JSON.parse(res.body)
    expect(ids['x-correlation-id']).toMatch(UUID)
    expect(res.headers).toContain(`x-correlation-id: ${ids['x-correlation-id']}`)
    expect(ids['x-correlation-name']).toBeUndefined()
    expect(ids['call-chain-length']).toBe('1')
    // At most 16 inbound IDs are kept; x-correlation-id was generated, so one more.
    expect(Object.keys(ids).filter((k) => k.startsWith('x-correlation-k')).length).toBeLessThanOrEqual(16)
    for (const value of Object.values(ids)) expect(value).toMatch(/^[\x20-\x7e]+$/)
  })

  it('keeps a valid x-correlation-id next to 100 other x-correlation-* headers', async () => {
    const headers: Record<string, string> = { 'x-correlation-id': 'keep-me' }
    for (let i = 0; i < 100; i++) headers[`x-correlation-extra-${i}`] = 'x'.repeat(100)
    const res = await fetch(`${server.url}/ids`, { headers })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-correlation-id')).toBe('keep-me')
  })

  it('survives a header block Node refuses (431) and serves the next request', async () => {
    const res = await fetch(`${server.url}/ids`, { headers: { 'x-correlation-id': 'z'.repeat(20_000) } })
    expect(res.status).toBe(431)
    const next = await fetch(`${server.url}/ids`, { headers: { 'x-correlation-id': 'after-431' } })
    expect(next.headers.get('x-correlation-id')).toBe('after-431')
  })

  it('does not leave the context open outside the request', async () => {
    await (await fetch(`${server.url}/ids`, { headers: { 'x-correlation-id': 'inside' } })).text()
    expect(tryGetContext()).toBeUndefined()
  })
})

/** A POST whose body arrives in pieces after the headers: its 'data' and 'end' come from the socket. */
function slowPost(port: number, path: string, id: string, parts: string[], type: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        port,
        host: '127.0.0.1',
        method: 'POST',
        path,
        headers: { 'content-type': type, 'transfer-encoding': 'chunked', 'x-correlation-id': id },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => {
          text += c
        })
        res.on('end', () => resolve(text))
      },
    )
    req.on('error', reject)
    req.flushHeaders()
    void (async () => {
      for (const [i, part] of parts.entries()) {
        await sleep(15)
        if (i === parts.length - 1) req.end(part)
        else req.write(part)
      }
    })()
  })
}

/** An API Gateway REST (payload 1.0) event, as Lambda delivers it. */
function apiGatewayEvent(method: string, path: string, headers: Record<string, string>, body?: string) {
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers: { Host: 'abc.execute-api.eu-west-1.amazonaws.com', ...headers },
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc',
      httpMethod: method,
      path: `/prod${path}`,
      stage: 'prod',
      requestId: 'apigw-request-1',
      resourcePath: '/{proxy+}',
      identity: { sourceIp: '203.0.113.10', userAgent: 'test' },
    },
    body: body ?? null,
    isBase64Encoded: false,
  }
}

/** A response header, from `headers` or, when the event had them, `multiValueHeaders`. */
const header = (result: any, name: string): unknown =>
  result.headers?.[name] ?? result.multiValueHeaders?.[name]?.[0]

const lambdaContext = (awsRequestId: string): any => ({
  awsRequestId,
  functionName: 'orders-api',
  functionVersion: '$LATEST',
  memoryLimitInMB: '256',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api',
  getRemainingTimeInMillis: () => 10_000,
  callbackWaitsForEmptyEventLoop: true,
})

describe.each([
  ['Express 5', express5],
  ['Express 4', express4 as unknown as Express],
])('%s on Lambda', (_name, express) => {
  const errors: unknown[] = []
  let flushes = 0
  const plugin: Plugin = {
    name: 'recorder',
    onError: (err) => {
      errors.push(err)
      return { recorded: true }
    },
    flush: () => {
      flushes++
    },
  }
  let thrown: Error | undefined

  function makeApp(): App {
    const app = express()
    app.use(correlation())
    app.get('/ids', echo)
    app.post('/json', express.json(), echo)
    app.get('/fail', () => {
      thrown = new Error('lambda boom')
      throw thrown
    })
    app.use(errorLogger())
    return app
  }

  beforeEach(() => {
    errors.length = 0
    flushes = 0
  })

  type Handler = (event: unknown, context: any) => Promise<any>
  const adapters: Array<[string, (app: App) => Handler]> = [
    ['serverless-http', (app) => wrap(serverless(app), { plugins: [plugin] }) as Handler],
    ['@codegenie/serverless-express', (app) => wrap(serverlessExpress({ app }), { plugins: [plugin] })],
  ]

  describe.each(adapters)('wrap(%s)', (_adapter, make) => {
    const handler = make(makeApp())

    it("gives the route the event's IDs and returns x-correlation-id", async () => {
      const event = apiGatewayEvent('GET', '/ids', {
        'X-Correlation-Id': 'lambda-1',
        'x-correlation-user-id': 'user-3',
        'call-chain-length': '4',
      })
      const result = await handler(event, lambdaContext('aws-req-1'))
      expect(result.statusCode).toBe(200)
      expect(header(result, 'x-correlation-id')).toBe('lambda-1')
      expect(JSON.parse(result.body).ids).toEqual({
        'x-correlation-id': 'lambda-1',
        'x-correlation-user-id': 'user-3',
        'debug-log-enabled': 'false',
        'call-chain-length': '5',
      })
      expect(linesWith('in route')).toEqual([
        expect.objectContaining({
          'x-correlation-id': 'lambda-1',
          awsRequestId: 'aws-req-1',
          function_name: 'orders-api',
        }),
      ])
      expect(flushes).toBe(1)
    })

    it('falls back to the API Gateway request id, and parses a JSON body', async () => {
      const event = apiGatewayEvent('POST', '/json', { 'content-type': 'application/json' }, '{"n":5}')
      const result = await handler(event, lambdaContext('aws-req-2'))
      expect(header(result, 'x-correlation-id')).toBe('apigw-request-1')
      expect(JSON.parse(result.body)).toMatchObject({
        ids: { 'x-correlation-id': 'apigw-request-1' },
        body: { n: 5 },
      })
      expect(linesWith('in route')[0]).toMatchObject({ awsRequestId: 'aws-req-2', body: { n: 5 } })
    })

    it("reports a route's error to wrap's plugins with the identical object, and answers 500", async () => {
      const event = apiGatewayEvent('GET', '/fail', { 'x-correlation-id': 'lambda-err' })
      const result = await handler(event, lambdaContext('aws-req-3'))
      expect(result.statusCode).toBe(500)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toBe(thrown)
      expect(linesWith('request failed')).toEqual([
        expect.objectContaining({ level: 'error', 'x-correlation-id': 'lambda-err', recorded: true }),
      ])
      expect(flushes).toBe(1)
    })
  })
})

describe('correlation() options', () => {
  it('samples debug logging when no upstream decision arrived', async () => {
    const app = express5()
    app.use(correlation({ debugSampleRate: 1, accessLog: false }))
    app.get('/', (_req, res) => {
      logger.debug('detail')
      res.json(correlationIds())
    })
    const server = await listen(app)
    try {
      const sampled = await json(await fetch(server.url))
      expect(sampled['debug-log-enabled']).toBe('true')
      const upstream = await json(await fetch(server.url, { headers: { 'debug-log-enabled': 'false' } }))
      expect(upstream['debug-log-enabled']).toBe('false')
      expect(linesWith('detail')).toHaveLength(1)
      expect(linesWith('request completed')).toHaveLength(0)
    } finally {
      await server.close()
    }
  })

  it('refuses a sample rate outside 0–1, naming the option', () => {
    expect(() => correlation({ debugSampleRate: 2 })).toThrow(
      expect.objectContaining({
        code: 'ERR_SIGHTLINE_INVALID_OPTION',
        message: expect.stringContaining('`debugSampleRate`'),
      }),
    )
  })

  it('does not reuse a context left open by another request', async () => {
    const app = express5()
    app.use(correlation({ accessLog: false }))
    app.get('/', (_req, res) => res.json(correlationIds()))
    // A server started inside a request: its connections inherit that request's context.
    const outer = express5()
    outer.use(correlation({ accessLog: false }))
    let inner: Running | undefined
    outer.get(
      '/',
      route(async (_req, res) => {
        inner = await listen(app)
        res.end()
      }),
    )
    const server = await listen(outer)
    try {
      await (await fetch(server.url, { headers: { 'x-correlation-id': 'outer' } })).text()
      const ids = await json(await fetch(inner!.url, { headers: { 'x-correlation-id': 'inner' } }))
      expect(ids['x-correlation-id']).toBe('inner')
    } finally {
      await inner?.close()
      await server.close()
    }
  })
})
