import { describe, expect, it } from 'vitest'
import { apiGatewayV1Event, apiGatewayV2Event } from '../src/api-gateway.js'
import { fixture, shapeDiff } from './helpers.js'

const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'

describe('apiGatewayV1Event', () => {
  it('has the shape of the sample event', () => {
    const sample = fixture('apiGatewayProxyEvent.correlated.json')
    expect(shapeDiff(apiGatewayV1Event({ body: 'hi' }), sample)).toEqual({
      // Present in real events (the types require them); the sample predates them.
      extra: ['requestContext.identity.apiKey', 'requestContext.identity.apiKeyId'],
      // Only with an authorizer, and with mutual TLS.
      missing: [
        'requestContext.authorizer',
        'requestContext.authorizer.claims',
        'requestContext.authorizer.scopes',
        'requestContext.identity.clientCert.clientCertPem',
        'requestContext.identity.clientCert.issuerDN',
        'requestContext.identity.clientCert.serialNumber',
        'requestContext.identity.clientCert.subjectDN',
        'requestContext.identity.clientCert.validity',
        'requestContext.identity.clientCert.validity.notAfter',
        'requestContext.identity.clientCert.validity.notBefore',
      ],
    })
  })

  it('carries correlation IDs and the trace header as headers, like the correlated sample', () => {
    const sample = fixture('apiGatewayProxyEvent.correlated.json')
    const event = apiGatewayV1Event({
      requestId: sample.requestContext.requestId,
      path: '/my/path',
      traceHeader: TRACE,
      headers: {
        'X-Correlation-Id': 'c0a8f1d2-5b7e-4c3a-9f10-2d6e8b4a7c91',
        'x-correlation-user-id': '4e1f6a52-0c7d-4b8e-a3f9-61d2c5e8b0a4',
        'Debug-Log-Enabled': 'true',
        'call-chain-length': '2',
      },
    })
    expect(event.requestContext.requestId).toBe(sample.requestContext.requestId)
    for (const name of [
      'X-Correlation-Id',
      'x-correlation-user-id',
      'Debug-Log-Enabled',
      'call-chain-length',
      'X-Amzn-Trace-Id',
    ]) {
      expect(event.headers[name]).toBe(sample.headers[name])
      expect(event.multiValueHeaders[name]).toEqual(sample.multiValueHeaders[name])
    }
  })

  it('places `correlation` in headers and multiValueHeaders', () => {
    const event = apiGatewayV1Event({
      correlation: { 'x-correlation-id': 'abc', 'debug-log-enabled': 'true' },
    })
    expect(event.headers).toMatchObject({ 'x-correlation-id': 'abc', 'debug-log-enabled': 'true' })
    expect(event.multiValueHeaders).toMatchObject({
      'x-correlation-id': ['abc'],
      'debug-log-enabled': ['true'],
    })
    expect(event.headers).not.toHaveProperty('X-Amzn-Trace-Id')
  })

  it('merges headers over the defaults whatever their case, the caller winning', () => {
    const event = apiGatewayV1Event({
      headers: { 'user-agent': 'my-client/1.0', 'X-Correlation-Id': 'explicit' },
      correlation: { 'x-correlation-id': 'from-correlation' },
    })
    expect(event.headers['user-agent']).toBe('my-client/1.0')
    expect(event.headers).not.toHaveProperty('User-Agent')
    expect(event.headers['X-Correlation-Id']).toBe('explicit')
    expect(event.headers).not.toHaveProperty('x-correlation-id')
    expect(event.headers).toMatchObject({ Accept: '*/*', 'X-Forwarded-Proto': 'https' })
  })

  it('keeps every value of a repeated header in multiValueHeaders and the last in headers', () => {
    const event = apiGatewayV1Event({ multiValueHeaders: { Accept: ['text/html', 'application/json'] } })
    expect(event.multiValueHeaders.Accept).toEqual(['text/html', 'application/json'])
    expect(event.headers.Accept).toBe('application/json')
  })

  it('sends an object body as JSON with its content type, and no body as null', () => {
    const event = apiGatewayV1Event({ method: 'POST', path: '/orders', body: { id: 1 } })
    expect(event).toMatchObject({
      httpMethod: 'POST',
      path: '/orders',
      resource: '/orders',
      body: '{"id":1}',
    })
    expect(event.headers['Content-Type']).toBe('application/json')
    expect(event.requestContext).toMatchObject({
      httpMethod: 'POST',
      path: '/prod/orders',
      resourcePath: '/orders',
    })
    expect(apiGatewayV1Event().body).toBeNull()
  })

  it('base64-encodes a binary body', () => {
    const event = apiGatewayV1Event({ body: new Uint8Array([0, 1, 2, 255]) })
    expect(event.isBase64Encoded).toBe(true)
    expect(Buffer.from(event.body!, 'base64')).toEqual(Buffer.from([0, 1, 2, 255]))
  })
})

describe('apiGatewayV2Event', () => {
  it('has the shape of the sample event', () => {
    const { extra, missing } = shapeDiff(
      apiGatewayV2Event({ body: 'hi' }),
      fixture('apiGatewayProxyV2Event.json'),
    )
    expect(extra).toEqual([])
    // Present only with cookies, a query, path parameters, stage variables, mutual TLS or an authorizer.
    const optional = /^(cookies|queryStringParameters|pathParameters|stageVariables)$|^requestContext\.auth/
    expect(missing.filter((p) => !optional.test(p))).toEqual([])
  })

  it('lowercases header names and carries IDs and the trace header like the correlated sample', () => {
    const sample = fixture('apiGatewayProxyV2Event.correlated.json')
    const event = apiGatewayV2Event({
      requestId: sample.requestContext.requestId,
      traceHeader: sample.headers['x-amzn-trace-id'],
      correlation: {
        'X-Correlation-Id': '8d3c2b1a-6f4e-4a7b-9c2d-0e1f2a3b4c5d',
        'x-correlation-session-id': 'a91b7c3d-2e4f-4061-8273-9485a6b7c8d9',
        'debug-log-enabled': 'false',
        'call-chain-length': '1',
      },
    })
    expect(event.requestContext.requestId).toBe(sample.requestContext.requestId)
    for (const name of [
      'x-correlation-id',
      'x-correlation-session-id',
      'debug-log-enabled',
      'call-chain-length',
      'x-amzn-trace-id',
    ]) {
      expect(event.headers[name]).toBe(sample.headers[name])
    }
    expect(event).not.toHaveProperty('multiValueHeaders')
  })

  it('joins a repeated header with commas', () => {
    const event = apiGatewayV2Event({ headers: { Header2: ['value1', 'value2'] } })
    expect(event.headers.header2).toBe('value1,value2')
  })

  it('leaves the body out when there is none', () => {
    expect(apiGatewayV2Event()).not.toHaveProperty('body')
    expect(apiGatewayV2Event({ method: 'PUT', body: 'x' })).toMatchObject({
      body: 'x',
      requestContext: { http: { method: 'PUT' } },
    })
  })
})
