import { childContext, createContext } from '@sightline/correlation'
import { describe, expect, it } from 'vitest'
import { eventData } from '../src/tags.js'
import { TRACE_HEADER, TRACE_ROOT } from './helpers.js'

const lambda = {
  functionName: 'orders',
  functionVersion: '7',
  memoryLimitInMB: 512,
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders:7',
  logGroupName: '/aws/lambda/orders',
  logStreamName: '2026/11/22/[7]abcdef',
  coldStart: true,
}
const invocationCtx = () =>
  createContext({
    ids: { 'x-correlation-id': 'c-1', 'x-correlation-user-id': 'u-1' },
    awsRequestId: 'req-1',
    traceHeader: TRACE_HEADER,
    source: 'api-gateway-rest',
    lambda,
  })

describe('eventData', () => {
  it('tags the function, the invocation and every correlation ID', () => {
    const data = eventData(invocationCtx(), undefined, 'eu-west-1')
    expect(data.tags).toEqual({
      function_name: 'orders',
      function_version: '7',
      region: 'eu-west-1',
      cold_start: 'true',
      aws_request_id: 'req-1',
      xray_trace_id: TRACE_ROOT,
      event_source: 'api-gateway-rest',
      'x-correlation-id': 'c-1',
      'x-correlation-user-id': 'u-1',
    })
    expect(data.transaction).toBe('orders')
    expect(data.contexts['aws.lambda']).toMatchObject({
      memory_limit_mb: 512,
      invoked_function_arn: lambda.invokedFunctionArn,
      log_group: '/aws/lambda/orders',
      log_stream: '2026/11/22/[7]abcdef',
    })
    expect(data.contexts.correlation).toEqual({
      'x-correlation-id': 'c-1',
      'x-correlation-user-id': 'u-1',
      'debug-log-enabled': false,
      'call-chain-length': 1,
      trace_header: TRACE_HEADER,
    })
  })

  it('keeps IDs that Sentry would refuse as tags (key over 32, value over 200) in the context only', () => {
    const long = 'v'.repeat(201)
    const ctx = createContext({
      ids: { 'x-correlation-id': long, 'x-correlation-a-very-long-key-name-here': 'short' },
    })
    const data = eventData(ctx, undefined, undefined)
    expect(data.tags).not.toHaveProperty('x-correlation-id')
    expect(data.tags).not.toHaveProperty('x-correlation-a-very-long-key-name-here')
    expect(data.contexts.correlation).toMatchObject({
      'x-correlation-id': long,
      'x-correlation-a-very-long-key-name-here': 'short',
    })
  })

  it('gives a batch record its own IDs with the invocation’s function', () => {
    const record = childContext(invocationCtx(), { ids: { 'x-correlation-id': 'rec-1' }, source: 'sqs' })
    expect(eventData(record, undefined, undefined).tags).toMatchObject({
      'x-correlation-id': 'rec-1',
      function_name: 'orders',
      event_source: 'sqs',
    })
  })

  it('has no Lambda context outside Lambda', () => {
    const data = eventData(createContext({ source: 'http' }), undefined, undefined)
    expect(data.contexts).not.toHaveProperty('aws.lambda')
    expect(data.transaction).toBeUndefined()
  })
})
