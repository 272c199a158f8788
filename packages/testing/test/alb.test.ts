import { describe, expect, it } from 'vitest'
import { albEvent } from '../src/alb.js'
import { fixture, shapeDiff } from './helpers.js'

const SELF_TRACE = 'Self=1-5c536349-4e57a9c1b2d3e4f5a6b7c8d9;Root=1-5c536348-3d683b8b04734faae651f476'

describe('albEvent', () => {
  it('has the shape of the sample event', () => {
    expect(shapeDiff(albEvent({ body: 'Test' }), fixture('albEvent.json'))).toEqual({
      extra: [],
      missing: [],
    })
  })

  it('has the shape of the multi-value sample: multiValueHeaders only, no headers', () => {
    const event = albEvent({ multiValue: true })
    expect(shapeDiff(event, fixture('albMultiValueHeadersEvent.json'))).toEqual({ extra: [], missing: [] })
    expect(event).not.toHaveProperty('headers')
    expect(event).not.toHaveProperty('queryStringParameters')
    expect(event.body).toBe('')
  })

  it('carries IDs and the Self-first trace header like the correlated sample', () => {
    const sample = fixture('albEvent.correlated.json')
    const event = albEvent({
      traceHeader: SELF_TRACE,
      correlation: {
        'x-correlation-id': 'b7e6d5c4-b3a2-4910-8f7e-6d5c4b3a2910',
        'x-correlation-tenant-id': 'tenant-42',
        'debug-log-enabled': 'false',
        'call-chain-length': '4',
      },
    })
    for (const name of [
      'x-correlation-id',
      'x-correlation-tenant-id',
      'debug-log-enabled',
      'call-chain-length',
      'x-amzn-trace-id',
    ]) {
      expect(event.headers?.[name]).toBe(sample.headers[name])
    }
  })

  it('carries them in multiValueHeaders with multiValue, like the correlated multi-value sample', () => {
    const sample = fixture('albMultiValueHeadersEvent.correlated.json')
    const event = albEvent({
      multiValue: true,
      traceHeader: sample.multiValueHeaders['x-amzn-trace-id'][0],
      headers: { Accept: ['text/html', 'application/json'] },
      correlation: {
        'x-correlation-id': 'e3d2c1b0-a9f8-47e6-95d4-c3b2a1f0e9d8',
        'x-correlation-user-id': '0f9e8d7c-6b5a-4493-8271-605f4e3d2c1b',
        'debug-log-enabled': 'true',
        'call-chain-length': '3',
      },
    })
    for (const name of [
      'accept',
      'x-correlation-id',
      'x-correlation-user-id',
      'debug-log-enabled',
      'call-chain-length',
      'x-amzn-trace-id',
    ]) {
      expect(event.multiValueHeaders?.[name]).toEqual(sample.multiValueHeaders[name])
    }
  })

  it('gives the last value of a repeated header without multiValue', () => {
    expect(albEvent({ headers: { Accept: ['text/html', 'application/json'] } }).headers?.accept).toBe(
      'application/json',
    )
  })
})
