import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge'
import { createContext, withContext } from '@sightline/correlation'
import { wrap } from '@sightline/handler-wrapper'
import { logger } from '@sightline/logger'
import { captureLogs, eventBridgeEvent, fakeContext } from '@sightline/testing'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { instrument, resetAwsClientDiagnostics, withIds } from '../src/index.js'
import { clientConfig, upstream } from './helpers/clients.js'
import { warningsOf } from './helpers/consumer.js'
import { type Recorder, startRecorder } from './helpers/recorder.js'

const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'

let recorder: Recorder
let events: EventBridgeClient

beforeAll(async () => {
  recorder = await startRecorder((req) => {
    const { Entries } = JSON.parse(req.body) as { Entries: unknown[] }
    return {
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ FailedEntryCount: 0, Entries: Entries.map((_, i) => ({ EventId: `e-${i}` })) }),
    }
  })
  events = instrument(new EventBridgeClient(clientConfig(recorder.endpoint)))
})

afterAll(async () => {
  events.destroy()
  await recorder.close()
})

beforeEach(() => {
  recorder.requests.length = 0
  resetAwsClientDiagnostics()
})

type Entry = { Detail?: string; TraceHeader?: string }
const sent = (): Entry[] =>
  recorder.requests.flatMap((r) => (JSON.parse(r.body) as { Entries: Entry[] }).Entries)

describe('EventBridge PutEvents', () => {
  it("puts the envelope first in each JSON Detail, and the rule's target logs the producer's IDs", async () => {
    const detail = '{ "orderId": "ORD-1", "total": 12.5 }'
    await withContext(createContext({ ids: upstream, traceHeader: TRACE }), () =>
      events.send(
        new PutEventsCommand({
          Entries: [
            { Source: 'shop', DetailType: 'OrderPlaced', Detail: detail },
            {
              Source: 'shop',
              DetailType: 'Listed',
              Detail: '[1,2]',
              TraceHeader: 'Root=1-00000000-000000000000000000000000',
            },
          ],
        }),
      ),
    )
    const [first, second] = sent()
    expect(first?.Detail).toBe(
      '{"__context__":{"x-correlation-id":"corr-from-api-17","x-correlation-user-id":"user-42",' +
        '"debug-log-enabled":"false","call-chain-length":"1"}, "orderId": "ORD-1", "total": 12.5 }',
    )
    expect(first?.TraceHeader).toBe(TRACE)
    expect(second).toEqual({
      Source: 'shop',
      DetailType: 'Listed',
      Detail: '[1,2]',
      TraceHeader: 'Root=1-00000000-000000000000000000000000',
    })

    const target = wrap(async (event: { detail: { orderId: string } }) => {
      logger.info({ orderId: event.detail.orderId }, 'order seen')
    })
    const logs = captureLogs()
    try {
      await target(eventBridgeEvent({ detail: JSON.parse(first!.Detail!) }), fakeContext())
    } finally {
      logs.restore()
    }
    expect(logs.find((l) => l.msg === 'order seen')).toMatchObject({ ...upstream, orderId: 'ORD-1' })
  })

  it('keeps the entries within 256 KiB together: the entry that would pass it goes without IDs', async () => {
    const big = JSON.stringify({ blob: 'z'.repeat(262_144 - 'shopBig'.length - 12 - 40) })
    const warnings = await warningsOf(() =>
      withContext(createContext({ ids: upstream }), () =>
        events.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Big', Detail: big }] })),
      ),
    )
    expect(sent()[0]?.Detail).toBe(big)
    expect(warnings).toMatchObject([{ reason: 'too-large', operation: 'PutEvents' }])
  })

  it('gives each entry the IDs of the scope it was built in when stamped with withIds', async () => {
    const stamped = withContext(createContext({ ids: { 'x-correlation-id': 'record-1' } }), () =>
      withIds({ Source: 'shop', DetailType: 'A', Detail: '{}' }),
    )
    await withContext(createContext({ ids: upstream }), () =>
      events.send(
        new PutEventsCommand({ Entries: [stamped, { Source: 'shop', DetailType: 'B', Detail: '{}' }] }),
      ),
    )
    const ids = sent().map((e) => JSON.parse(e.Detail!).__context__['x-correlation-id'])
    expect(ids).toEqual(['record-1', 'corr-from-api-17'])
  })
})
