import { ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs'
import { createContext, extractFromEvent, setCorrelationId, withContext } from '@sightline/correlation'
import { processBatch, wrap } from '@sightline/handler-wrapper'
import { apiGatewayV1Event, fakeContext, sqsEvent } from '@sightline/testing'
import fc from 'fast-check'
import { type FauxqsServer, startFauxqs } from 'fauxqs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { captureIds, instrument, withIds } from '../src/index.js'
import { clientConfig, REGION } from './helpers/clients.js'

describe('captureIds', () => {
  it('is empty outside a context', () => {
    expect(captureIds()).toEqual({ ids: {}, traceHeader: undefined })
  })

  it('gives the IDs to forward and the trace header without Self and unknown keys', () => {
    const ctx = createContext({
      ids: { 'x-correlation-id': 'c-1' },
      traceHeader:
        'Self=1-67891234-abcdef012345678912345678;Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0;Next=v',
      callChainLength: 4,
    })
    expect(captureIds(ctx)).toEqual({
      ids: { 'x-correlation-id': 'c-1', 'debug-log-enabled': 'false', 'call-chain-length': '4' },
      traceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0',
    })
  })

  it('follows setCorrelationId', () => {
    withContext(createContext({ ids: { 'x-correlation-id': 'c-1' } }), () => {
      expect(captureIds().ids['x-correlation-order-id']).toBeUndefined()
      setCorrelationId('order-id', 'ORD-1')
      expect(captureIds().ids['x-correlation-order-id']).toBe('ORD-1')
    })
  })

  it('forwards only safe entries, whatever a context was built from', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 70 }), fc.string({ maxLength: 300 })), (ids) => {
        const { ids: out } = captureIds(createContext({ ids }))
        for (const [key, value] of Object.entries(out)) {
          expect(key).toMatch(
            /^(x-correlation-[a-z0-9][a-z0-9_.-]{0,49}|debug-log-enabled|call-chain-length)$/,
          )
          expect(value).toMatch(/^[\x20-\x7e]{1,256}$/)
        }
      }),
      { numRuns: 10_000 },
    )
  })

  it('forwards none of the unsafe values an upstream sent', () => {
    const event = apiGatewayV1Event({
      headers: {
        'X-Correlation-Id': 'good-id',
        'X-Correlation-Evil': 'a\r\nSet-Cookie: x=1',
        'X-Correlation-Long': 'l'.repeat(300),
        'X-Correlation-Üñí': 'v',
        'Debug-Log-Enabled': 'maybe',
        'Call-Chain-Length': '-1',
      },
    })
    const built = createContext({
      ids: { 'x-correlation-id': 'ok', 'x-correlation-nl': 'a\nb', 'X-Up': 'v' },
    })
    expect(captureIds(extractFromEvent(event, fakeContext())).ids).toEqual({
      'x-correlation-id': 'good-id',
      'debug-log-enabled': 'false',
      'call-chain-length': '1',
    })
    expect(captureIds(built).ids).toEqual({
      'x-correlation-id': 'ok',
      'debug-log-enabled': 'false',
      'call-chain-length': '1',
    })
  })
})

describe('withIds', () => {
  it('returns a stamped copy and leaves the entry as it was', () => {
    const entry = { Id: '1', MessageBody: 'b' }
    const stamped = withContext(createContext({ ids: { 'x-correlation-id': 'c' } }), () => withIds(entry))
    expect(stamped).not.toBe(entry)
    expect(stamped).toMatchObject(entry)
    expect(JSON.stringify(stamped)).toBe(JSON.stringify(entry))
    expect(Object.keys(entry)).toEqual(['Id', 'MessageBody'])
  })

  it('cleans IDs it did not capture itself, and does not throw on nonsense', () => {
    expect(() => withIds({}, null as never)).not.toThrow()
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('boom')
        },
      },
    )
    expect(() => withIds({}, { ids: proxy, traceHeader: undefined })).not.toThrow()
  })
})

describe('fan-out from per-record scopes (through fauxqs)', () => {
  let fauxqs: FauxqsServer
  let sqs: SQSClient
  let queueUrl: string

  beforeAll(async () => {
    fauxqs = await startFauxqs({ port: 0, logger: false })
    queueUrl = fauxqs.createQueue('out', { region: REGION }).queueUrl
    sqs = instrument(new SQSClient(clientConfig(fauxqs.address)))
  })

  afterAll(async () => {
    sqs.destroy()
    await fauxqs.stop()
  })

  it("sends one batch in which each message carries its own record's IDs", async () => {
    const inbound = sqsEvent({
      records: ['a', 'b', 'c'].map((id) => ({
        body: { id },
        correlation: { 'x-correlation-id': `corr-${id}`, 'call-chain-length': '2' },
      })),
    })
    const handler = wrap(async (event: { Records: unknown[] }) => {
      const entries: Array<{ Id: string; MessageBody: string }> = []
      // Each record is handled in its own scope: stamp the entry there, send the batch once afterwards.
      await processBatch(event, async (record: { body: string }) => {
        const { id } = JSON.parse(record.body) as { id: string }
        entries.push(withIds({ Id: id, MessageBody: record.body }))
      })
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }))
    })
    await handler(inbound, fakeContext())
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    )
    const got = Object.fromEntries(
      Messages.map((m) => [
        JSON.parse(m.Body!).id,
        [
          m.MessageAttributes?.['x-correlation-id']?.StringValue,
          m.MessageAttributes?.['call-chain-length']?.StringValue,
        ],
      ]),
    )
    expect(got).toEqual({ a: ['corr-a', '3'], b: ['corr-b', '3'], c: ['corr-c', '3'] })
  })
})
