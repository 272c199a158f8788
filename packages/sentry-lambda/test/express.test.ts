import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as Sentry from '@sentry/node'
import { correlation, errorLogger } from '@sightline/handler-wrapper/express'
import { captureLogs, type LogCapture } from '@sightline/testing'
import express from 'express'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { initSentry, type SentryService, sentryEventIdOf } from '../src/index.js'
import { type Receiver, startReceiver } from './receiver.js'

let receiver: Receiver
let logs: LogCapture
let service: SentryService
let server: Server
let base = ''

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

beforeAll(async () => {
  receiver = await startReceiver()
  service = initSentry({ dsn: receiver.dsn(), env: {}, redact: { headers: ['x-partner-token'] } })
  expect(await service.plugin.load()).toBe(true)
  const app = express()
  app.use(correlation({ accessLog: false }))
  app.get('/boom', () => {
    throw new Error('kaput')
  })
  app.get('/missing', () => {
    throw new HttpError(404, 'no such order')
  })
  app.get('/tagged/:who', async (req) => {
    Sentry.setTag('who', req.params.who)
    await new Promise((resolve) => setImmediate(resolve))
    throw new Error(`failure of ${req.params.who}`)
  })
  app.use(service.errorHandler())
  app.use(errorLogger())
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ eventId: sentryEventIdOf(err) ?? null })
  })
  server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  await service.flush(1000)
  await receiver.close()
})
beforeEach(async () => {
  await receiver.reset()
  logs = captureLogs()
})
afterEach(() => logs.restore())

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { headers }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as any,
  }))

describe('initSentry() for an Express service', () => {
  it('captures a server error once, with the IDs, method, path and redacted headers', async () => {
    const res = await get('/boom?token=abc', {
      'x-correlation-id': 'web-1',
      authorization: 'Bearer secret',
      'x-partner-token': 'p4ss',
    })
    expect(res.status).toBe(500)
    const [event] = await receiver.waitForEvents(1)
    expect(event).toMatchObject({
      event_id: res.body.eventId,
      exception: { values: [{ value: 'kaput', mechanism: { handled: false } }] },
      tags: { 'x-correlation-id': 'web-1', event_source: 'http' },
      request: {
        method: 'GET',
        url: expect.stringMatching(/\/boom(\?|$)/),
        headers: { authorization: '[REDACTED]', 'x-partner-token': '[REDACTED]' },
      },
    })
    expect(event!.request.url).not.toContain('abc')
    expect(logs.find((r) => r.msg === 'request failed')).toMatchObject({ 'x-correlation-id': 'web-1' })
  })

  it('leaves client errors (a 4xx status) to the logs', async () => {
    expect((await get('/missing')).body).toEqual({ eventId: null })
    await get('/boom', { 'x-correlation-id': 'after-404' })
    const events = await receiver.waitForEvents(1)
    expect(events.map((e) => e.tags['x-correlation-id'])).toEqual(['after-404'])
  })

  it('keeps the tags of concurrent requests apart', async () => {
    await Promise.all([get('/tagged/a'), get('/tagged/b')])
    const events = await receiver.waitForEvents(2)
    const who = Object.fromEntries(events.map((e) => [e.exception.values.at(-1).value, e.tags.who]))
    expect(who).toEqual({ 'failure of a': 'a', 'failure of b': 'b' })
  })
})
