import { describe, expect, it } from 'vitest'
import { kinesisEvent } from '../src/kinesis.js'
import { decodeBase64, fixture, shapeDiff } from './helpers.js'

const data = (event: ReturnType<typeof kinesisEvent>, i: number) =>
  decodeBase64(event.Records[i]!.kinesis.data)

describe('kinesisEvent', () => {
  it('has the shape of the sample event', () => {
    const event = kinesisEvent({ records: [{ data: 'Hello, this is a test.' }] })
    expect(shapeDiff(event, fixture('kinesisStreamEvent.json'))).toEqual({ extra: [], missing: [] })
  })

  it('base64-encodes text as is and objects as JSON', () => {
    const event = kinesisEvent({ records: [{ data: 'Hello, this is a test.' }, { data: { orderId: 1001 } }] })
    expect(data(event, 0)).toBe('Hello, this is a test.')
    expect(JSON.parse(data(event, 1))).toEqual({ orderId: 1001 })
  })

  it('sends bytes untouched', () => {
    const bytes = new Uint8Array([0xde, 0xad, 0xbe, 0xef])
    const event = kinesisEvent({ records: [{ data: bytes }], correlation: { 'x-correlation-id': 'abc' } })
    expect(Buffer.from(event.Records[0]!.kinesis.data, 'base64')).toEqual(Buffer.from(bytes))
  })

  it('splices the IDs in as the first member, keeping the producer bytes, like the correlated sample', () => {
    const sample = fixture('kinesisStreamEvent.correlated.json')
    const event = kinesisEvent({
      records: [
        {
          data: '{ "orderId": 1003, "items": [ "sku-1", "sku-2" ] }',
          correlation: {
            'x-correlation-id': '4a5b6c7d-8e9f-4011-9223-34455667788a',
            'x-correlation-user-id': 'u-31337',
            'debug-log-enabled': 'false',
            'call-chain-length': '3',
          },
        },
        {
          data: { orderId: 1001 },
          correlation: {
            'x-correlation-id': '0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f',
            'debug-log-enabled': 'false',
            'call-chain-length': '1',
          },
        },
        { data: 'Hello, this is a test.', correlation: { 'x-correlation-id': 'cannot ride on text' } },
      ],
    })
    expect(event.Records[0]!.kinesis.data).toBe(sample.Records[2].kinesis.data)
    expect(event.Records[1]!.kinesis.data).toBe(sample.Records[0].kinesis.data)
    expect(event.Records[2]!.kinesis.data).toBe(sample.Records[3].kinesis.data)
  })

  it('merges the shared IDs under a record’s own', () => {
    const event = kinesisEvent({
      correlation: { 'x-correlation-id': 'shared', 'debug-log-enabled': 'true' },
      records: [{ data: { n: 1 } }, { data: { n: 2 }, correlation: { 'x-correlation-id': 'own' } }],
    })
    expect(JSON.parse(data(event, 0))).toEqual({
      __context__: { 'x-correlation-id': 'shared', 'debug-log-enabled': 'true' },
      n: 1,
    })
    expect(JSON.parse(data(event, 1)).__context__).toEqual({
      'x-correlation-id': 'own',
      'debug-log-enabled': 'true',
    })
  })

  it('handles an empty object and leaves arrays and JSON that has an envelope alone', () => {
    const ids = { 'x-correlation-id': 'abc' }
    const event = kinesisEvent({
      correlation: ids,
      records: [
        { data: '{}' },
        { data: [1, 2] },
        { data: '{"__context__":{"x-correlation-id":"old"},"a":1}' },
      ],
    })
    expect(data(event, 0)).toBe('{"__context__":{"x-correlation-id":"abc"}}')
    expect(data(event, 1)).toBe('[1,2]')
    expect(JSON.parse(data(event, 2)).__context__).toEqual({ 'x-correlation-id': 'old' })
  })

  it('numbers records in growing sequence order with matching event ids', () => {
    const event = kinesisEvent({ records: [{ data: 'a' }, { data: 'b' }, { data: 'c' }] })
    const sequences = event.Records.map((r) => BigInt(r.kinesis.sequenceNumber))
    expect(sequences[0]! < sequences[1]! && sequences[1]! < sequences[2]!).toBe(true)
    for (const r of event.Records) {
      expect(r.kinesis.sequenceNumber).toMatch(/^\d{56}$/)
      expect(r.eventID).toBe(`shardId-000000000000:${r.kinesis.sequenceNumber}`)
    }
  })
})
