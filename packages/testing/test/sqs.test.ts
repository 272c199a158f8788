import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { snsSqsEvent, sqsEvent } from '../src/sqs.js'
import { fixture, shapeDiff } from './helpers.js'

describe('sqsEvent', () => {
  it('has the shape of the sample event', () => {
    const event = sqsEvent({ records: [{ body: 'Test message.' }, { body: { message: 'foo1' } }] })
    expect(shapeDiff(event, fixture('sqsEvent.json'))).toEqual({ extra: [], missing: [] })
  })

  it('gives each record its own attributes and trace header, like the correlated sample', () => {
    const sample = fixture('sqsEvent.correlated.json')
    const event = sqsEvent({
      records: [
        {
          body: { orderId: 'ORD-2024-000201' },
          traceHeader: sample.Records[0].attributes.AWSTraceHeader,
          correlation: {
            'x-correlation-id': '7a1c3e5f-9b2d-4f60-8e4a-1c3e5f7a9b2d',
            'debug-log-enabled': 'false',
            'call-chain-length': '1',
          },
        },
        {
          body: { orderId: 'ORD-2024-000202' },
          traceHeader: sample.Records[1].attributes.AWSTraceHeader,
          correlation: {
            'x-correlation-id': 'd4b2f0e8-c6a4-4b29-87e5-d3c1b9a7f5e3',
            'x-correlation-user-id': '9c8b7a69-5847-4362-a150-f9e8d7c6b5a4',
            'debug-log-enabled': 'true',
            'call-chain-length': '5',
          },
        },
      ],
    })
    event.Records.forEach((record, i) => {
      expect(record.messageAttributes).toEqual(sample.Records[i].messageAttributes)
      expect(record.attributes.AWSTraceHeader).toBe(sample.Records[i].attributes.AWSTraceHeader)
      expect(record.body).toBe(sample.Records[i].body)
      // The digests SQS computes, so they match the sample's recomputed ones for the same content.
      expect(record.md5OfBody).toBe(sample.Records[i].md5OfBody)
      expect(record.md5OfMessageAttributes).toBe(sample.Records[i].md5OfMessageAttributes)
    })
  })

  it('leaves a record without IDs with no attributes, no digest of them and no trace header', () => {
    const [record] = sqsEvent({ records: [{ body: 'plain' }] }).Records
    expect(record!.messageAttributes).toEqual({})
    expect(record).not.toHaveProperty('md5OfMessageAttributes')
    expect(record!.attributes).not.toHaveProperty('AWSTraceHeader')
    expect(record!.md5OfBody).toBe(createHash('md5').update('plain').digest('hex'))
  })

  it('applies the shared correlation and trace header to every record, a record overriding them', () => {
    const event = sqsEvent({
      correlation: { 'x-correlation-id': 'shared' },
      traceHeader: 'Root=1-63441c4a-abcdef012345678912345678',
      records: [
        { body: 'a' },
        {
          body: 'b',
          correlation: { 'x-correlation-id': 'own' },
          traceHeader: 'Root=1-63441c4b-0123456789abcdef01234567',
        },
      ],
    })
    expect(event.Records.map((r) => r.messageAttributes['x-correlation-id']?.stringValue)).toEqual([
      'shared',
      'own',
    ])
    expect(event.Records.map((r) => r.attributes.AWSTraceHeader)).toEqual([
      'Root=1-63441c4a-abcdef012345678912345678',
      'Root=1-63441c4b-0123456789abcdef01234567',
    ])
  })

  it('takes the region from the queue ARN', () => {
    const event = sqsEvent({ queueArn: 'arn:aws:sqs:eu-west-1:123456789012:q', records: [{ body: 'x' }] })
    expect(event.Records[0]).toMatchObject({
      awsRegion: 'eu-west-1',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:q',
    })
  })
})

describe('snsSqsEvent', () => {
  it('puts the SNS envelope in the body with raw delivery off, like the sample', () => {
    const sample = fixture('snsSqsEvent.json')
    const event = snsSqsEvent({
      raw: false,
      records: [{ message: { message: 'hello world', username: 'lessa' } }],
    })
    expect(shapeDiff(event, sample)).toEqual({ extra: [], missing: [] })
    const envelope = JSON.parse(event.Records[0]!.body)
    expect(Object.keys(envelope)).toEqual(Object.keys(JSON.parse(sample.Records[0].body)))
    expect(envelope.Message).toBe('{"message":"hello world","username":"lessa"}')
    // SNS's own layout: `"Key" : value`, two-space indent.
    expect(event.Records[0]!.body).toMatch(/^\{\n {2}"Type" : "Notification",\n {2}"MessageId" : "/)
  })

  it('puts the IDs in the envelope MessageAttributes with raw delivery off, like the correlated sample', () => {
    const sample = fixture('snsSqsEvent.correlated.json')
    const event = snsSqsEvent({
      raw: false,
      records: [
        {
          message: { message: 'hello world', username: 'lessa' },
          traceHeader: sample.Records[0].attributes.AWSTraceHeader,
          correlation: {
            'x-correlation-id': '3b5d7f91-a2c4-4e6f-8091-a2b3c4d5e6f7',
            'x-correlation-order-id': 'ORD-2024-000311',
            'debug-log-enabled': 'false',
            'call-chain-length': '2',
          },
        },
        { message: 'no ids' },
      ],
    })
    const [withIds, without] = event.Records.map((r) => JSON.parse(r.body))
    expect(withIds.MessageAttributes).toEqual(JSON.parse(sample.Records[0].body).MessageAttributes)
    expect(without).not.toHaveProperty('MessageAttributes')
    expect(event.Records[0]!.messageAttributes).toEqual({})
    expect(event.Records[0]!.attributes.AWSTraceHeader).toBe(sample.Records[0].attributes.AWSTraceHeader)
    // Same layout as SNS writes it, attributes block included.
    const attributesBlock = (body: string) => body.slice(body.indexOf('  "MessageAttributes" : {'))
    expect(attributesBlock(event.Records[0]!.body)).toBe(attributesBlock(sample.Records[0].body))
  })

  it('puts the message in the body and the IDs in SQS attributes with raw delivery on, like the raw sample', () => {
    const sample = fixture('snsSqsRawEvent.correlated.json')
    const event = snsSqsEvent({
      raw: true,
      records: [
        {
          message: sample.Records[0].body,
          traceHeader: sample.Records[0].attributes.AWSTraceHeader,
          correlation: {
            'x-correlation-id': 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
            'x-correlation-user-id': '6d5c4b3a-2918-4f7e-a6d5-c4b3a2918f7e',
            'debug-log-enabled': 'true',
            'call-chain-length': '3',
          },
        },
      ],
    })
    expect(shapeDiff(event, sample)).toEqual({ extra: [], missing: [] })
    const [record] = event.Records
    expect(record!.body).toBe(sample.Records[0].body)
    expect(record!.messageAttributes).toEqual(sample.Records[0].messageAttributes)
    expect(record!.md5OfMessageAttributes).toBe(sample.Records[0].md5OfMessageAttributes)
    expect(record!.attributes.AWSTraceHeader).toBe(sample.Records[0].attributes.AWSTraceHeader)
  })
})
