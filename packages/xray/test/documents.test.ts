import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { describeCall, documentName, recordedUrl, recordResult } from '../src/documents.js'
import type { CallResult } from '../src/hook.js'
import { loadSdk } from '../src/sdk.js'

const { Subsegment } = loadSdk()
const documentOf = (result: CallResult | undefined, kind: 'http' | 'aws' = 'http') => {
  const doc = new Subsegment('x')
  describeCall(
    doc,
    kind === 'http'
      ? { kind, name: 'x', http: { method: 'get', url: 'http://x/' } }
      : { kind, name: 'SQS', aws: { operation: 'SendMessage' } },
  )
  recordResult(doc, result)
  doc.close()
  return JSON.parse(doc.format())
}
const flags = (doc: Record<string, unknown>) => ({
  error: doc.error === true,
  fault: doc.fault === true,
  throttle: doc.throttle === true,
})

describe('recordResult', () => {
  it.each([
    ['a 2xx', { status: 200 }, { error: false, fault: false, throttle: false }],
    ['a 404', { status: 404, error: new Error('Not Found') }, { error: true, fault: false, throttle: false }],
    ['a 429', { status: 429 }, { error: true, fault: false, throttle: true }],
    [
      'a throttling error',
      { status: 400, error: new Error('Rate exceeded'), throttled: true },
      { error: true, fault: false, throttle: true },
    ],
    [
      'a throttle without a response',
      { throttled: true, error: new Error('slow down') },
      { error: true, fault: false, throttle: true },
    ],
    ['a 503', { status: 503 }, { error: false, fault: true, throttle: false }],
    ['no response', { error: new Error('ECONNREFUSED') }, { error: false, fault: true, throttle: false }],
    [
      'an error after a 200 (a body that did not parse)',
      { status: 200, error: new SyntaxError('bad json') },
      { error: false, fault: true, throttle: false },
    ],
    ['nothing', undefined, { error: false, fault: false, throttle: false }],
  ] as const)('flags %s as X-Ray reads it', (_, result, expected) => {
    expect(flags(documentOf(result as CallResult | undefined))).toEqual(expected)
  })

  it('records the error as the cause, remote when a response came', () => {
    expect(documentOf({ status: 500, error: new Error('down') }).cause.exceptions[0]).toMatchObject({
      message: 'down',
      remote: true,
    })
    expect(documentOf({ error: new Error('refused') }).cause.exceptions[0]).toMatchObject({
      message: 'refused',
      remote: false,
    })
    expect(documentOf({ error: 'a string' }).cause.exceptions[0]).toMatchObject({ message: 'a string' })
    expect(documentOf({ error: 42 }).cause.exceptions[0]).toMatchObject({ message: '42' })
  })

  it('records the status, and the request id and retries of an AWS call', () => {
    expect(documentOf({ status: 204 }).http).toEqual({
      request: { method: 'GET', url: 'http://x/' },
      response: { status: 204 },
    })
    expect(documentOf({ status: 200, requestId: 'r-1', retries: 1 }, 'aws')).toMatchObject({
      namespace: 'aws',
      aws: { operation: 'SendMessage', request_id: 'r-1', retries: 1 },
      http: { response: { status: 200 } },
    })
  })
})

describe('documentName', () => {
  it('keeps what X-Ray accepts and replaces the rest', () => {
    expect(documentName('api.example.com:8443')).toBe('api.example.com:8443')
    expect(documentName('charge card #2 @ stripe')).toBe('charge card #2 @ stripe')
    expect(documentName('a<b>"c"')).toBe('a_b__c_')
    expect(documentName('x'.repeat(300))).toHaveLength(200)
  })

  it('always gives a name of 1 to 200 accepted characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (name) => {
        const out = documentName(name)
        expect(out.length).toBeGreaterThan(0)
        expect(out.length).toBeLessThanOrEqual(200)
        expect(out).toMatch(/^[\p{L}\p{N}\s_.:/%&#=+\\@-]+$/u)
      }),
      { numRuns: 10_000 },
    )
  })
})

describe('recordedUrl', () => {
  it('drops the query, the fragment and any credentials', () => {
    expect(recordedUrl('https://user:pw@api.example.com:8443/orders/7?token=s3cret#x')).toBe(
      'https://api.example.com:8443/orders/7',
    )
    expect(recordedUrl('/relative/path?token=s3cret')).toBe('/relative/path')
  })

  it('never keeps what follows ? or # nor a password', () => {
    fc.assert(
      fc.property(
        fc.webUrl({ withQueryParameters: true, withFragments: true }),
        fc.string(),
        (url, secret) => {
          const withSecret = url.replace('://', `://u:${encodeURIComponent(`pw${secret}`)}@`)
          const out = recordedUrl(withSecret)
          expect(out).not.toMatch(/[?#]/)
          expect(out).not.toContain('u:pw')
        },
      ),
      { numRuns: 2_000 },
    )
  })
})
