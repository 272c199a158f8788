import { randomBytes } from 'node:crypto'
import { wrap } from '@sightline/handler-wrapper'
import { captureLogs, type LogCapture } from '@sightline/testing'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { getSentryDiagnostics, sentry } from '../src/index.js'
import { apiEvent, lambdaContext } from './helpers.js'
import { type Receiver, startReceiver } from './receiver.js'

let receiver: Receiver
let logs: LogCapture
beforeAll(async () => {
  receiver = await startReceiver()
})
afterAll(() => receiver.close())
beforeEach(async () => {
  await receiver.reset()
  logs = captureLogs()
})
afterEach(() => logs.restore())

class BigError extends Error {
  // Random, so gzip cannot shrink it to nothing: 48 KiB of hex.
  readonly report = randomBytes(24 * 1024).toString('hex')
}

describe('the tracked transport (the SDK’s own makeNodeTransport)', () => {
  it('gzips bodies above 32 KiB, and the envelope arrives whole', async () => {
    const plugin = sentry({
      dsn: receiver.dsn(7, 'k7'),
      env: {},
      sentry: {
        beforeSend: (event, hint) => {
          event.extra = { report: (hint.originalException as BigError).report }
          return event
        },
      },
    })
    const h = wrap(
      async () => {
        throw new BigError('too much')
      },
      { plugins: [plugin] },
    )
    const before = getSentryDiagnostics().delivered
    await expect(h(apiEvent(), lambdaContext())).rejects.toThrow('too much')
    const [received] = receiver.received
    expect(received).toMatchObject({ gzip: true, project: '7', key: 'k7' })
    expect(received!.bytes).toBeLessThan(48 * 1024)
    expect(receiver.events()[0]!.extra.report).toHaveLength(48 * 1024)
    expect(getSentryDiagnostics().delivered - before).toBe(1)
  })

  it('sends small bodies as they are', async () => {
    const h = wrap(
      async () => {
        throw new Error('small')
      },
      { plugins: [sentry({ dsn: receiver.dsn(), env: {} })] },
    )
    await expect(h(apiEvent(), lambdaContext())).rejects.toThrow('small')
    expect(receiver.received[0]).toMatchObject({ gzip: false })
  })
})
