import * as Sentry from '@sentry/node'
import { wrap } from '@sightline/handler-wrapper'
import { redaction } from '@sightline/logger'
import { captureLogs, type LogCapture } from '@sightline/testing'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { sentry } from '../src/index.js'
import { scrubEvent } from '../src/scrub.js'
import { apiEvent, lambdaContext } from './helpers.js'
import { type Receiver, startReceiver } from './receiver.js'

let receiver: Receiver
beforeAll(async () => {
  receiver = await startReceiver()
})
afterAll(() => receiver.close())
let logs: LogCapture
beforeEach(() => {
  logs = captureLogs()
})
afterEach(() => logs.restore())

describe('scrubEvent', () => {
  const config = redaction({ headers: ['x-partner-token'], paths: ['password', '*.token'] })

  it('redacts secret headers in any case, cookies, and the configured paths', () => {
    const event = scrubEvent(
      {
        request: {
          headers: { Authorization: 'Bearer a', COOKIE: 'c=1', 'X-Partner-Token': 'p', accept: '*/*' },
          cookies: { session: 's' },
          data: { password: 'hunter2', name: 'ada' },
        },
        extra: { card: { token: 'tok', last4: '4242' } },
        contexts: { payment: { provider: { token: 'tok' } } },
        breadcrumbs: [{ message: 'login', data: { password: 'pw' } }, { message: 'no data' }],
      },
      config,
    )
    expect(event).toEqual({
      request: {
        headers: {
          Authorization: '[REDACTED]',
          COOKIE: '[REDACTED]',
          'X-Partner-Token': '[REDACTED]',
          accept: '*/*',
        },
        cookies: '[REDACTED]',
        data: { password: '[REDACTED]', name: 'ada' },
      },
      extra: { card: { token: '[REDACTED]', last4: '4242' } },
      contexts: { payment: { provider: { token: '[REDACTED]' } } },
      breadcrumbs: [{ message: 'login', data: { password: '[REDACTED]' } }, { message: 'no data' }],
    })
  })

  it('leaves an event without any of those parts as it was', () => {
    const event = { message: 'm', level: 'error' }
    expect(scrubEvent(event, config)).toEqual({ message: 'm', level: 'error' })
  })
})

describe('scrubbing with the real SDK', () => {
  it('applies the shared redaction to what leaves the process, after the app’s beforeSend', async () => {
    const plugin = sentry({
      dsn: receiver.dsn(),
      env: {},
      redact: { paths: ['order.card'] },
      sentry: {
        beforeSend: (event) => {
          event.extra = { ...event.extra, order: { id: 7, card: '4242 4242 4242 4242' } }
          return event
        },
      },
    })
    const h = wrap(
      async () => {
        throw new Error('payment failed')
      },
      { plugins: [plugin] },
    )
    await expect(h(apiEvent('s-1'), lambdaContext())).rejects.toThrow('payment failed')
    const [event] = receiver.events()
    expect(event!.request.headers).toMatchObject({ Authorization: '[REDACTED]', Cookie: '[REDACTED]' })
    expect(event!.extra).toEqual({ order: { id: 7, card: '[REDACTED]' } })
    expect(JSON.stringify(receiver.received[0]!.envelope)).not.toMatch(/secret-token|s3cr3t|4242 4242/)
  })

  it('scrubs what the app captures itself too', async () => {
    const id = Sentry.captureMessage('from the app', { extra: { order: { card: '4111' } } })
    const events = await receiver.waitForEvents(2)
    const event = events.find((e) => e.event_id === id)
    expect(event?.extra.order.card).toBe('[REDACTED]')
    expect(JSON.stringify(event)).not.toMatch(/4111|4242 4242/)
  })
})
