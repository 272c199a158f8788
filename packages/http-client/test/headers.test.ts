import { get, validateHeaderName, validateHeaderValue } from 'node:http'
import { type CorrelationContext, createContext, setCorrelationId, withContext } from '@sightline/correlation'
import {
  correlationHeaders,
  getHttpClientDiagnostics,
  headersFor,
  resetHttpClientDiagnostics,
} from '@sightline/http-client'
import { captureLogs, type LogCapture } from '@sightline/testing'
import fc from 'fast-check'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type RecordingServer, recordingServer, sightlineHeaders } from './servers.js'

const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0;Lineage=a87bd80c:1'
const context = (id: string): CorrelationContext =>
  createContext({ ids: { 'x-correlation-id': id }, traceHeader: TRACE, callChainLength: 2 })
const expected = (id: string) => ({
  'x-correlation-id': id,
  'debug-log-enabled': 'false',
  'call-chain-length': '2',
  'x-amzn-trace-id': TRACE,
})

let api: RecordingServer
let thirdParty: RecordingServer
beforeAll(async () => {
  api = await recordingServer('127.0.0.1')
  thirdParty = await recordingServer('127.0.0.2')
})
afterAll(async () => {
  await api.close()
  await thirdParty.close()
})
let logs: LogCapture
beforeEach(() => {
  resetHttpClientDiagnostics()
  logs = captureLogs()
})
afterEach(() => logs.restore())

describe('correlationHeaders()', () => {
  it('gives nothing outside a context', () => {
    expect(correlationHeaders()).toEqual({})
  })

  it("gives the current context's IDs, debug decision, call-chain length and trace header", () => {
    expect(withContext(context('h-1'), () => correlationHeaders())).toEqual(expected('h-1'))
  })

  it('gives the headers of the context it is passed', () => {
    expect(withContext(context('current'), () => correlationHeaders(context('given')))).toEqual(
      expected('given'),
    )
  })

  it('leaves out the trace header when the context has none', () => {
    const ctx = createContext({ ids: { 'x-correlation-id': 'no-trace' } })
    expect(Object.keys(correlationHeaders(ctx))).toEqual([
      'x-correlation-id',
      'debug-log-enabled',
      'call-chain-length',
    ])
  })

  it('gives the same frozen object until an ID changes', () => {
    withContext(context('h-2'), () => {
      const first = correlationHeaders()
      expect(correlationHeaders()).toBe(first)
      expect(() => {
        ;(first as Record<string, string>)['x-correlation-id'] = 'changed'
      }).toThrow(TypeError)
      setCorrelationId('order-id', 'ORD-1')
      expect(correlationHeaders()).toEqual({ ...expected('h-2'), 'x-correlation-order-id': 'ORD-1' })
    })
  })

  it('is sent by fetch', async () => {
    await withContext(context('fetch-1'), () => fetch(`${api.url}/fetch`, { headers: correlationHeaders() }))
    expect(sightlineHeaders(api.at('/fetch')[0]!.headers)).toEqual(expected('fetch-1'))
  })

  it('is sent by node:http', async () => {
    await withContext(
      context('http-1'),
      () =>
        new Promise((resolve) =>
          get(`${api.url}/node-http`, { headers: correlationHeaders() }, (res) =>
            res.resume().on('end', resolve),
          ),
        ),
    )
    expect(sightlineHeaders(api.at('/node-http')[0]!.headers)).toEqual(expected('http-1'))
  })

  it('only ever gives names and values Node accepts as headers, whatever the context holds', () => {
    const entries = fc.dictionary(
      fc.oneof(
        fc.string(),
        fc.string().map((s) => `x-correlation-${s}`),
      ),
      fc.string(),
      {
        maxKeys: 6,
      },
    )
    fc.assert(
      fc.property(
        entries,
        fc.string({ maxLength: 80 }),
        fc.integer(),
        fc.boolean(),
        (ids, trace, chain, debug) => {
          const ctx = createContext({ ids, traceHeader: trace, callChainLength: chain, debug })
          for (const [name, value] of Object.entries(correlationHeaders(ctx))) {
            validateHeaderName(name)
            validateHeaderValue(name, value)
          }
        },
      ),
      { numRuns: 10_000 },
    )
  })

  it('gives nothing, and reports once, for a context it cannot read', () => {
    const broken = new Proxy({} as CorrelationContext, {
      get() {
        throw new Error('revoked')
      },
    })
    expect(correlationHeaders(broken)).toEqual({})
    expect(correlationHeaders(broken)).toEqual({})
    expect(getHttpClientDiagnostics().injectionFailures).toBe(2)
    expect(logs.byLevel('warn')).toHaveLength(1)
  })
})

describe('headersFor()', () => {
  const hosts = ['127.0.0.1', '*.internal.example']

  it('gives the headers for an allowed host and nothing for another', () => {
    withContext(context('for-1'), () => {
      expect(headersFor(`${api.url}/x`, { hosts })).toEqual(expected('for-1'))
      expect(headersFor(new URL('https://billing.internal.example/pay'), { hosts })).toEqual(
        expected('for-1'),
      )
      expect(headersFor(`${thirdParty.url}/x`, { hosts })).toEqual({})
      expect(headersFor('https://internal.example/', { hosts })).toEqual({})
      expect(headersFor('https://api.partner.com/', { hosts })).toEqual({})
    })
  })

  it('gives the headers for every host without `hosts`', () => {
    withContext(context('for-2'), () =>
      expect(headersFor('https://api.partner.com/')).toEqual(expected('for-2')),
    )
  })

  it('gives nothing for a URL without a host', () => {
    withContext(context('for-3'), () => {
      expect(headersFor('https://', { hosts })).toEqual({})
      expect(headersFor('http://[not-an-ip]/', { hosts })).toEqual({})
    })
  })

  it('feeds fetch: the allowed host receives the IDs, the third party none', async () => {
    await withContext(context('for-4'), async () => {
      for (const url of [`${api.url}/mine`, `${thirdParty.url}/theirs`]) {
        await fetch(url, { headers: headersFor(url, { hosts }) }).then((r) => r.arrayBuffer())
      }
    })
    expect(sightlineHeaders(api.at('/mine')[0]!.headers)).toEqual(expected('for-4'))
    expect(sightlineHeaders(thirdParty.at('/theirs')[0]!.headers)).toEqual({})
  })

  it('refuses invalid `hosts`, inside or outside a context', () => {
    for (const bad of [
      ['http://api.example.com'],
      ['*'],
      ['api.example.com/path'],
      [42],
      'api.example.com',
    ]) {
      expect(() => headersFor('https://api.example.com/', { hosts: bad as never })).toThrow(
        expect.objectContaining({ code: 'ERR_SIGHTLINE_INVALID_OPTION' }),
      )
    }
  })
})
