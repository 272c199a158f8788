import { describe, expect, it } from 'vitest'
import { functionUrlEvent } from '../src/function-url.js'
import { fixture, shapeDiff } from './helpers.js'

describe('functionUrlEvent', () => {
  it('has the shape of the sample event', () => {
    // The sample has a query string; the builder sends none.
    expect(shapeDiff(functionUrlEvent(), fixture('lambdaFunctionUrlEventWithHeaders.json'))).toEqual({
      extra: [],
      missing: ['queryStringParameters'],
    })
  })

  it('is addressed to a lambda-url domain with an anonymous account', () => {
    const event = functionUrlEvent()
    expect(event.requestContext.accountId).toBe('anonymous')
    expect(event.requestContext.domainName).toMatch(/^[0-9a-f]{32}\.lambda-url\.us-east-1\.on\.aws$/)
    expect(event.headers.host).toBe(event.requestContext.domainName)
  })

  it('carries IDs and the trace header like the correlated sample', () => {
    const sample = fixture('lambdaFunctionUrlEvent.correlated.json')
    const event = functionUrlEvent({
      requestId: sample.requestContext.requestId,
      traceHeader: sample.headers['x-amzn-trace-id'],
      correlation: {
        'x-correlation-id': '5f0d9e8c-7b6a-4594-8372-6150f4e3d2c1',
        'x-correlation-order-id': 'ORD-2024-000173',
        'debug-log-enabled': 'true',
        'call-chain-length': '3',
      },
    })
    expect(event.requestContext.requestId).toBe(sample.requestContext.requestId)
    for (const name of [
      'x-correlation-id',
      'x-correlation-order-id',
      'debug-log-enabled',
      'call-chain-length',
      'x-amzn-trace-id',
    ]) {
      expect(event.headers[name]).toBe(sample.headers[name])
    }
  })
})
