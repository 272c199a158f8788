import { describe, expect, it } from 'vitest'
import { snsEvent } from '../src/sns.js'
import { fixture, shapeDiff } from './helpers.js'

describe('snsEvent', () => {
  it('has the shape of the sample event', () => {
    const event = snsEvent({ messages: [{ message: 'Hello from SNS!', subject: 'TestInvoke' }] })
    expect(shapeDiff(event, fixture('snsEvent.json'))).toEqual({ extra: [], missing: [] })
  })

  it('converts attributes and correlation IDs to { Type, Value }, like the correlated sample', () => {
    const sample = fixture('snsEvent.correlated.json')
    const event = snsEvent({
      messages: [
        { message: { orderId: 'ORD-2024-000173', status: 'PLACED' }, attributes: { Test: 'TestString' } },
      ],
      correlation: {
        'x-correlation-id': '2c4e6a8b-0d1f-4325-a769-8b9c0d1e2f3a',
        'x-correlation-order-id': 'ORD-2024-000173',
        'debug-log-enabled': 'true',
        'call-chain-length': '2',
      },
    })
    const attrs = event.Records[0]!.Sns.MessageAttributes
    const expected = sample.Records[0].Sns.MessageAttributes
    for (const name of [
      'Test',
      'x-correlation-id',
      'x-correlation-order-id',
      'debug-log-enabled',
      'call-chain-length',
    ]) {
      expect(attrs[name]).toEqual(expected[name])
    }
    expect(event.Records[0]!.Sns.Message).toBe(sample.Records[0].Sns.Message)
  })

  it('lets a message override the shared IDs, and its attributes override both', () => {
    const event = snsEvent({
      correlation: { 'x-correlation-id': 'shared', 'x-correlation-user-id': 'u1' },
      messages: [
        { message: 'a' },
        { message: 'b', correlation: { 'x-correlation-id': 'own' } },
        {
          message: 'c',
          correlation: { 'x-correlation-id': 'own' },
          attributes: { 'x-correlation-id': 'attr' },
        },
      ],
    })
    const ids = event.Records.map((r) => r.Sns.MessageAttributes['x-correlation-id']?.Value)
    expect(ids).toEqual(['shared', 'own', 'attr'])
    expect(event.Records[1]!.Sns.MessageAttributes['x-correlation-user-id']).toEqual({
      Type: 'String',
      Value: 'u1',
    })
  })

  it('gives every message its own id and an empty attribute map without attributes', () => {
    const event = snsEvent({ messages: [{ message: 'a' }, { message: 'b' }] })
    expect(event.Records[0]!.Sns.MessageId).not.toBe(event.Records[1]!.Sns.MessageId)
    expect(event.Records[0]!.Sns.MessageAttributes).toEqual({})
    expect(event.Records[0]!.Sns).not.toHaveProperty('Subject')
  })
})
