import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseDsn } from '../src/index.js'

const key = fc.stringMatching(/^\w{1,40}$/)
// Labels start with a letter (the URL parser reads all-digit hosts as IPv4 numbers) and are not broken
// punycode ('xn--0'): the URL parser refuses those hosts, and so does the SDK's transport.
const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,20}[a-z0-9])?$/).filter((l) => !l.startsWith('xn--'))
const host = fc.oneof(
  fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.')),
  fc.ipV4(),
)
const port = fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined })
const prefix = fc.array(fc.stringMatching(/^[a-z0-9_-]{1,10}$/), { maxLength: 3 })
const project = fc.stringMatching(/^[1-9]\d{0,9}$/)

describe('parseDsn', () => {
  it('reads the key, host and project of every well-formed DSN', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('http', 'https'),
        key,
        host,
        port,
        prefix,
        project,
        (proto, k, h, p, pre, id) => {
          const hostPort = p === undefined ? h : `${h}:${p}`
          const path = [...pre, id].join('/')
          const dsn = parseDsn(`${proto}://${k}@${hostPort}/${path}`)
          expect(dsn?.publicKey).toBe(k)
          expect(dsn?.projectId).toBe(id)
          expect(dsn?.protocol).toBe(proto)
          // The URL parser drops a scheme's default port.
          expect([hostPort, h]).toContain(dsn?.host)
        },
      ),
      { numRuns: 10_000 },
    )
  })

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.anything()), (value) => {
        const dsn = parseDsn(value)
        if (dsn !== undefined) expect(dsn.projectId).toMatch(/^\d+$/)
      }),
      { numRuns: 10_000 },
    )
  })

  it.each([
    ['no key', 'http://127.0.0.1:9000/1'],
    ['a key the SDK refuses', 'http://pub-key@127.0.0.1/1'],
    ['no project', 'https://abc@o1.ingest.sentry.io/'],
    ['a project that is not a number', 'https://abc@o1.ingest.sentry.io/orders'],
    ['another scheme', 'ftp://abc@host/1'],
    ['a query string', 'https://abc@host/1?x=1'],
    ['not a URL', 'abc@host/1'],
  ])('refuses a DSN with %s', (_what, value) => {
    expect(parseDsn(value)).toBeUndefined()
  })

  it('refuses a host the URL parser refuses, where the SDK could never send', () => {
    expect(parseDsn('http://abc@xn--0.a/1')).toBeUndefined()
  })

  it('accepts a secret, as old DSNs carry one', () => {
    expect(parseDsn('https://abc:def@o1.ingest.sentry.io/42')).toMatchObject({
      publicKey: 'abc',
      projectId: '42',
    })
  })
})
