import { describe, expect, it } from 'vitest'
import { looksLikeIdentifier } from '../src/index.js'

describe('looksLikeIdentifier', () => {
  it.each([
    'id',
    'ID',
    'uuid',
    'request_id',
    'requestId',
    'RequestID',
    'awsRequestId',
    'aws_request_id',
    'x-correlation-id',
    'x-correlation-user-id',
    'correlationId',
    'trace.id',
    'traceId',
    'user_id',
    'userid',
    'userIds',
    'session-id',
    'message_id',
    'order_uuid',
  ])('refuses %s', (key) => {
    expect(looksLikeIdentifier(key)).toBe(true)
  })

  it.each([
    'channel',
    'status_class',
    'valid',
    'paid',
    'android',
    'tenant_id',
    'region',
    'error_type',
    'method',
    'host',
  ])('accepts %s', (key) => {
    expect(looksLikeIdentifier(key)).toBe(false)
  })
})
