import type { ALBEvent } from 'aws-lambda'
import { ACCOUNT_ID, hex, REGION } from './defaults.js'
import {
  allValues,
  encodeBody,
  type HttpEventOptions,
  lastValues,
  mergeHeaders,
  withContentType,
} from './http.js'

export interface AlbEventOptions extends HttpEventOptions {
  /** The target group's multi-value headers setting: `multiValueHeaders` only instead of `headers` only. */
  multiValue?: boolean
}

/** An Application Load Balancer event. Header names lowercased; repeated headers need `multiValue`. */
export function albEvent({
  multiValue = false,
  headers,
  body,
  method = 'GET',
  path = '/',
  correlation,
  traceHeader,
}: AlbEventOptions = {}): ALBEvent {
  const encoded = encodeBody(body)
  const defaults = withContentType(
    {
      accept: '*/*',
      host: `my-alb-${hex(8)}.${REGION}.elb.amazonaws.com`,
      'user-agent': 'curl/8.5.0',
      'x-forwarded-for': '203.0.113.10',
      'x-forwarded-port': '80',
      'x-forwarded-proto': 'http',
    },
    encoded,
    'content-type',
  )
  const list = mergeHeaders(defaults, { headers, correlation, traceHeader }, 'x-amzn-trace-id', true)
  const targetGroupArn = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT_ID}:targetgroup/my-targets/${hex(16)}`
  const common = {
    requestContext: { elb: { targetGroupArn } },
    httpMethod: method,
    path,
    // ALB sends an empty body, not null, for a request without one.
    body: encoded.body ?? '',
    isBase64Encoded: encoded.isBase64Encoded,
  }
  return multiValue
    ? { ...common, multiValueQueryStringParameters: {}, multiValueHeaders: allValues(list) }
    : { ...common, queryStringParameters: {}, headers: lastValues(list) }
}
