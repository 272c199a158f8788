import { describe, expect, it } from 'vitest'
import { directInvokeEvent } from '../src/direct.js'
import { fixture } from './helpers.js'

describe('directInvokeEvent', () => {
  it('puts the IDs at the top level of the payload, like the correlated sample', () => {
    const sample = fixture('directInvoke.correlated.json')
    const ids = {
      'x-correlation-id': '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      'x-correlation-user-id': '8b7a6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d',
      'debug-log-enabled': 'true',
      'call-chain-length': '4',
    }
    const event = directInvokeEvent(
      { orderId: 'ORD-2024-000778', action: 'recalculate' },
      { correlation: ids },
    )
    expect(event).toEqual(sample)
  })

  it('lets the payload win over an ID of the same name', () => {
    const event = directInvokeEvent(
      { 'x-correlation-id': 'mine' },
      { correlation: { 'x-correlation-id': 'ids' } },
    )
    expect(event['x-correlation-id']).toBe('mine')
  })

  it('gives the payload as JSON delivers it, a copy', () => {
    const payload = { when: new Date(0), skip: undefined, list: [1] }
    const event = directInvokeEvent(payload)
    expect(event).toEqual({ when: '1970-01-01T00:00:00.000Z', list: [1] })
    expect(event.list).not.toBe(payload.list)
  })
})
