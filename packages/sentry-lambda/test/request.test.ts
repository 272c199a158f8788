import { describe, expect, it } from 'vitest'
import { requestOf, requestOfHttp } from '../src/request.js'

describe('requestOf', () => {
  it('reads method, path and headers of API Gateway v1, v2 and Function URL events', () => {
    const headers = { host: 'api.example.com', 'x-correlation-id': 'c' }
    expect(requestOf({ httpMethod: 'POST', path: '/orders', headers }, 'api-gateway-rest')).toEqual({
      method: 'POST',
      url: '/orders',
      headers,
    })
    const v2 = { rawPath: '/v2', requestContext: { http: { method: 'PUT', path: '/v2' } }, headers }
    expect(requestOf(v2, 'api-gateway-http')).toEqual({ method: 'PUT', url: '/v2', headers })
    expect(requestOf(v2, 'function-url')).toEqual({ method: 'PUT', url: '/v2', headers })
  })

  it('has nothing for events that are not HTTP requests, or not objects', () => {
    expect(requestOf({ Records: [] }, 'sqs')).toBeUndefined()
    expect(requestOf('text', 'api-gateway-rest')).toBeUndefined()
    expect(requestOf({ httpMethod: 'GET' }, undefined)).toBeUndefined()
  })

  it('keeps only string header values', () => {
    expect(requestOf({ headers: { a: 'x', b: 1, c: null } }, 'alb')).toEqual({ headers: { a: 'x' } })
  })
})

describe('requestOfHttp', () => {
  it('drops the query string and joins repeated headers', () => {
    expect(
      requestOfHttp({
        method: 'GET',
        originalUrl: '/a/b?token=x',
        headers: { accept: ['a', 'b'], x: undefined },
      }),
    ).toEqual({ method: 'GET', url: '/a/b', headers: { accept: 'a, b' } })
  })
})
