import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda'
import { ACCOUNT_ID, clfTime, hex, REGION, uuid } from './defaults.js'
import {
  allValues,
  encodeBody,
  type HeaderInput,
  type HttpEventOptions,
  joinedValues,
  lastValues,
  mergeHeaders,
  withContentType,
} from './http.js'

export interface ApiGatewayV1EventOptions extends HttpEventOptions {
  /** Repeated headers; merged with `headers` (`headers` win). `headers` then holds each last value. */
  multiValueHeaders?: HeaderInput
  stage?: string
}

const SOURCE_IP = '203.0.113.10'
const USER_AGENT = 'curl/8.5.0'

/** An API Gateway REST API (proxy integration, payload 1.0) event. Header names keep the client's case. */
export function apiGatewayV1Event({
  headers,
  multiValueHeaders,
  body,
  method = 'GET',
  path = '/',
  requestId = uuid(),
  correlation,
  traceHeader,
  stage = 'prod',
}: ApiGatewayV1EventOptions = {}): APIGatewayProxyEvent {
  const apiId = hex(10)
  const domainName = `${apiId}.execute-api.${REGION}.amazonaws.com`
  const encoded = encodeBody(body)
  const defaults = withContentType(
    {
      Accept: '*/*',
      Host: domainName,
      'User-Agent': USER_AGENT,
      'X-Forwarded-For': SOURCE_IP,
      'X-Forwarded-Port': '443',
      'X-Forwarded-Proto': 'https',
    },
    encoded,
    'Content-Type',
  )
  const list = mergeHeaders(
    defaults,
    { headers, multiValueHeaders, correlation, traceHeader },
    'X-Amzn-Trace-Id',
    false,
  )
  const now = Date.now()
  return {
    resource: path,
    path,
    httpMethod: method,
    headers: lastValues(list),
    multiValueHeaders: allValues(list),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId,
      authorizer: undefined,
      domainName,
      domainPrefix: apiId,
      extendedRequestId: `${hex(14)}=`,
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: SOURCE_IP,
        user: null,
        userAgent: USER_AGENT,
        userArn: null,
      },
      path: `/${stage}${path}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTime: clfTime(now),
      requestTimeEpoch: now,
      resourceId: hex(6),
      resourcePath: path,
      stage,
    },
    body: encoded.body ?? null,
    isBase64Encoded: encoded.isBase64Encoded,
  }
}

/** An API Gateway HTTP API event (payload 2.0): header names lowercased, repeated headers comma-joined. */
export function apiGatewayV2Event(options: HttpEventOptions = {}): APIGatewayProxyEventV2 {
  const apiId = hex(10)
  return httpApiEvent(options, {
    accountId: ACCOUNT_ID,
    apiId,
    domainName: `${apiId}.execute-api.${REGION}.amazonaws.com`,
  })
}

/** Shared by HTTP API and Function URL events, which have the same shape. */
export function httpApiEvent(
  { headers, body, method = 'GET', path = '/', requestId, correlation, traceHeader }: HttpEventOptions,
  where: { accountId: string; apiId: string; domainName: string },
): APIGatewayProxyEventV2 {
  const encoded = encodeBody(body)
  const defaults = withContentType(
    {
      accept: '*/*',
      'content-length': String(encoded.body === undefined ? 0 : Buffer.byteLength(encoded.body)),
      host: where.domainName,
      'user-agent': USER_AGENT,
      'x-forwarded-for': SOURCE_IP,
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
    },
    encoded,
    'content-type',
  )
  const list = mergeHeaders(defaults, { headers, correlation, traceHeader }, 'x-amzn-trace-id', true)
  const now = Date.now()
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: joinedValues(list),
    requestContext: {
      accountId: where.accountId,
      apiId: where.apiId,
      domainName: where.domainName,
      domainPrefix: where.apiId,
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: SOURCE_IP, userAgent: USER_AGENT },
      requestId: requestId ?? `${hex(14)}=`,
      routeKey: '$default',
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now,
    },
    isBase64Encoded: encoded.isBase64Encoded,
  }
  if (encoded.body !== undefined) event.body = encoded.body
  return event
}
