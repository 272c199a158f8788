import { describe, expect, it } from 'vitest'
import { eventBridgeEvent, scheduledEvent } from '../src/eventbridge.js'
import { fixture, shapeDiff } from './helpers.js'

describe('eventBridgeEvent', () => {
  it('has the shape of the sample event', () => {
    const event = eventBridgeEvent({ detail: { instance_id: 'i-1234567890abcdef0', state: 'terminated' } })
    // `replay-name` is only on replayed events.
    expect(shapeDiff(event, fixture('eventBridgeEvent.json'))).toEqual({
      extra: [],
      missing: ['replay-name'],
    })
  })

  it('puts the IDs first in the detail as __context__, like the correlated sample', () => {
    const sample = fixture('eventBridgeEvent.correlated.json')
    const event = eventBridgeEvent({
      source: 'com.example.orders',
      detailType: 'OrderPlaced',
      detail: { orderId: 'ORD-2024-000555', total: 42.5 },
      correlation: {
        'x-correlation-id': '6e5d4c3b-2a19-4087-b6a5-948372615f4e',
        'x-correlation-order-id': 'ORD-2024-000555',
        'debug-log-enabled': 'false',
        'call-chain-length': '2',
      },
    })
    expect(event.detail).toEqual(sample.detail)
    expect(Object.keys(event.detail)[0]).toBe('__context__')
    expect(event).toMatchObject({ source: sample.source, 'detail-type': sample['detail-type'] })
  })

  it('leaves the detail as given without correlation', () => {
    const detail = { a: 1 }
    expect(eventBridgeEvent({ detail }).detail).toEqual({ a: 1 })
  })

  it('writes the time to the second, as EventBridge does', () => {
    const event = eventBridgeEvent({ detail: {}, time: Date.UTC(2026, 0, 2, 3, 4, 5, 678) })
    expect(event.time).toBe('2026-01-02T03:04:05Z')
  })
})

describe('scheduledEvent', () => {
  it('has the shape and fixed members of the documented scheduled event', () => {
    const sample = fixture('scheduledEvent.json')
    const event = scheduledEvent({ ruleName: 'my-scheduled-rule', time: Date.parse(sample.time) })
    expect(shapeDiff(event, sample)).toEqual({ extra: [], missing: [] })
    expect({ ...event, id: sample.id }).toEqual(sample)
  })
})
