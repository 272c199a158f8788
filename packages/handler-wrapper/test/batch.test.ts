import { Buffer } from 'node:buffer'
import { codes, correlationIds, wrapJson } from '@sightline/correlation'
import { logger } from '@sightline/logger'
import { describe, expect, it } from 'vitest'
import { type Plugin, processBatch, wrap } from '../src/index.js'
import { captureLines } from './capture.js'

const out = captureLines()

const sqsRecord = (n: number, extra: Record<string, unknown> = {}) => ({
  messageId: `msg-${n}`,
  eventSource: 'aws:sqs',
  body: JSON.stringify({ n }),
  attributes: { AWSTraceHeader: `Root=1-5759e988-${String(n).padStart(24, '0')};Sampled=1` },
  messageAttributes: { 'x-correlation-id': { dataType: 'String', stringValue: `record-${n}` } },
  ...extra,
})
const sqsEvent = (count: number) => ({ Records: Array.from({ length: count }, (_, n) => sqsRecord(n)) })
const lambdaContext = () => ({
  awsRequestId: 'batch-req',
  functionName: 'consumer',
  getRemainingTimeInMillis: () => 60_000,
})
const tick = () => new Promise((r) => setTimeout(r, Math.random() * 4))

describe('processBatch', () => {
  it('runs each record in its own context, even concurrently, and reports the failed ones', async () => {
    const seen: Array<[number, string | undefined]> = []
    const h = wrap((event: unknown) =>
      processBatch(
        event,
        async (record: { body: string }) => {
          const { n } = JSON.parse(record.body) as { n: number }
          await tick()
          logger.info({ n }, 'processing')
          await tick()
          seen.push([n, correlationIds()['x-correlation-id']])
          if (n % 4 === 1) throw new Error(`record ${n} is broken`)
        },
        { concurrency: 5 },
      ),
    )
    const result = await h(sqsEvent(12), lambdaContext())
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['msg-1', 'msg-5', 'msg-9'])
    for (const [n, id] of seen) expect(id).toBe(`record-${n}`)
    for (const line of out.records().filter((r) => r.msg === 'processing')) {
      expect(line['x-correlation-id']).toBe(`record-${line.n}`)
      expect(line.traceId).toBe(`1-5759e988-${String(line.n).padStart(24, '0')}`)
      expect(line.awsRequestId).toBe('batch-req')
    }
    const failed = out.records().filter((r) => r.level === 'error')
    expect(failed.map((r) => [r['x-correlation-id'], r.itemIdentifier]).sort()).toEqual([
      ['record-1', 'msg-1'],
      ['record-5', 'msg-5'],
      ['record-9', 'msg-9'],
    ])
  })

  it("reports each failed record to the wrapper's plugins with the record's context", async () => {
    const reported: Array<[string, string | undefined]> = []
    const plugin: Plugin = {
      name: 'errors',
      onError: (error, _inv, scope) =>
        void reported.push([(error as Error).message, scope.ids['x-correlation-id']]),
    }
    const h = wrap(
      (event: unknown) =>
        processBatch(event, (record: { messageId: string }) => {
          if (record.messageId === 'msg-2') throw new Error('bad 2')
        }),
      { plugins: [plugin] },
    )
    expect(await h(sqsEvent(3), lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: 'msg-2' }],
    })
    expect(reported).toEqual([['bad 2', 'record-2']])
  })

  it('stops a FIFO batch at the first failure and reports the rest as failed, in order', async () => {
    const ran: number[] = []
    const fifo = {
      Records: Array.from({ length: 5 }, (_, n) =>
        sqsRecord(n, { attributes: { MessageGroupId: 'g1', SequenceNumber: String(n) } }),
      ),
    }
    const result = await processBatch(
      fifo,
      (record: { body: string }) => {
        const { n } = JSON.parse(record.body) as { n: number }
        ran.push(n)
        if (n === 2) throw new Error('stop here')
      },
      { concurrency: 4 },
    )
    expect(ran).toEqual([0, 1, 2])
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['msg-2', 'msg-3', 'msg-4'])
  })

  it('gives Kinesis handlers the producer payload with the envelope stripped', async () => {
    const payload = '{ "orderId": 42, "items": [1, 2] }'
    const data = Buffer.from(wrapJson(payload, { 'x-correlation-id': 'from-producer' })).toString('base64')
    const event = {
      Records: [
        { eventSource: 'aws:kinesis', kinesis: { data, sequenceNumber: '100' } },
        {
          eventSource: 'aws:kinesis',
          kinesis: { data: Buffer.from('not json').toString('base64'), sequenceNumber: '101' },
        },
      ],
    }
    const got: Array<[string, string | undefined]> = []
    await processBatch(event, (record: { kinesis: { data: string } }) => {
      got.push([Buffer.from(record.kinesis.data, 'base64').toString(), correlationIds()['x-correlation-id']])
    })
    expect(got[0]).toEqual([payload, 'from-producer'])
    expect(got[1]?.[0]).toBe('not json')
  })

  it('fails the whole batch when a record without an identifier fails, so nothing is lost', async () => {
    const event = { Records: [{ eventSource: 'aws:sqs', body: 'no id' }] }
    await expect(
      processBatch(event, () => {
        throw new Error('x')
      }),
    ).rejects.toMatchObject({
      code: codes.UNREPORTABLE_RECORD,
      cause: expect.objectContaining({ message: 'x' }),
    })
  })

  it('refuses an event that is not a batch with a coded error', async () => {
    await expect(processBatch({ httpMethod: 'GET' }, () => {})).rejects.toMatchObject({
      code: codes.NOT_A_BATCH,
    })
    await expect(processBatch(null, () => {})).rejects.toMatchObject({ code: codes.NOT_A_BATCH })
    await expect(processBatch(sqsEvent(1), () => {}, { concurrency: 0 })).rejects.toMatchObject({
      code: codes.INVALID_OPTION,
    })
  })

  it('survives malformed records: each still runs, in a context inherited from the invocation', async () => {
    const event = {
      Records: [null, 7, 'x', { eventSource: 'aws:sqs', messageId: 'ok', messageAttributes: 'junk' }],
    }
    const ids: Array<string | undefined> = []
    const h = wrap((e: unknown) => processBatch(e, () => void ids.push(correlationIds()['x-correlation-id'])))
    expect(await h(event, lambdaContext())).toEqual({ batchItemFailures: [] })
    expect(ids).toEqual(['batch-req', 'batch-req', 'batch-req', 'batch-req'])
  })
})
