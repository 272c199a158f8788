import { gzipSync } from 'node:zlib'
import { cloudWatchLogsEvent } from '@sightline/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeSubscription } from '../src/processor.js'

const wrapData = (data: string) => ({ awslogs: { data } })
const gz = (s: string) => gzipSync(s).toString('base64')

describe('decodeSubscription', () => {
  it('decodes base64 of gzip of the CloudWatch Logs JSON', () => {
    const event = cloudWatchLogsEvent({
      logGroup: '/aws/lambda/orders',
      logStream: 's',
      messages: ['one', 'two'],
    })
    const decoded = decodeSubscription(event)
    expect(decoded).toMatchObject({
      ok: true,
      data: {
        messageType: 'DATA_MESSAGE',
        logGroup: '/aws/lambda/orders',
        logEvents: [{ message: 'one' }, { message: 'two' }],
      },
    })
  })

  it.each([
    ['no event', undefined, 'no awslogs.data'],
    ['an empty payload', wrapData(''), 'no awslogs.data'],
    ['not base64', wrapData('***not base64***'), 'not base64'],
    ['not gzip', wrapData(Buffer.from('plain text, not gzip').toString('base64')), 'not gzip'],
    ['not JSON', wrapData(gz('not json')), 'not JSON'],
    ['JSON without messageType', wrapData(gz('{"logEvents":[]}')), 'no messageType'],
    ['a DATA_MESSAGE without logEvents', wrapData(gz('{"messageType":"DATA_MESSAGE"}')), 'no logEvents'],
  ])('says why it cannot decode %s', (_, event, reason) => {
    const decoded = decodeSubscription(event)
    expect(decoded.ok).toBe(false)
    expect(!decoded.ok && decoded.reason).toContain(reason)
  })

  it('refuses a gzip bomb instead of inflating it', () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 32))
    expect(decodeSubscription(wrapData(bomb.toString('base64')))).toMatchObject({ ok: false })
  })

  it('keeps only log events that have a string message', () => {
    const data = gz(
      JSON.stringify({
        messageType: 'DATA_MESSAGE',
        logEvents: [{ message: 'ok' }, { message: 5 }, null, 'x'],
      }),
    )
    expect(decodeSubscription(wrapData(data))).toMatchObject({
      ok: true,
      data: { logEvents: [{ message: 'ok' }] },
    })
  })

  it('never throws, whatever the payload (property)', () => {
    const anything = fc.oneof(
      fc.anything(),
      fc.string().map(wrapData),
      fc.uint8Array().map((b) => wrapData(Buffer.from(b).toString('base64'))),
      fc.jsonValue().map((j) => wrapData(gz(JSON.stringify(j)))),
    )
    fc.assert(
      fc.property(anything, (event) => {
        const decoded = decodeSubscription(event)
        expect(typeof decoded.ok).toBe('boolean')
      }),
      { numRuns: 2_000 },
    )
  })
})
