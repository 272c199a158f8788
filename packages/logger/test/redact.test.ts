import { defaultRedaction, headerRedactor, redaction, redactValue } from '@sightline/logger'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const R = '[REDACTED]'

function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value
  seen.add(value)
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key], seen)
  return Object.freeze(value)
}

describe('redaction', () => {
  it('adds headers (lowercased, once) and paths to the defaults', () => {
    const config = redaction({ headers: ['X-Custom', 'Authorization'], paths: ['body.password'] })
    expect(config.headers).toEqual([...defaultRedaction.headers, 'x-custom'])
    expect(config.paths).toEqual(['body.password'])
    expect(config.censor).toBe(R)
    expect(redaction({ censor: '***' }).censor).toBe('***')
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('redacts Authorization, cookies and API keys by default', () => {
    expect(defaultRedaction.headers).toEqual(
      expect.arrayContaining(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']),
    )
  })
})

describe('headerRedactor', () => {
  const redact = headerRedactor(redaction({ headers: ['x-tenant-secret'] }))

  it('censors secret headers in any casing, at the top and under req, request and event', () => {
    const line = {
      headers: { AUTHORIZATION: 'a', 'X-API-Key': 'k', 'x-tenant-secret': 's', accept: 'json' },
      req: { headers: { Cookie: 'c' } },
      event: { multiValueHeaders: { 'set-COOKIE': ['x'] }, headers: { Authorization: 'b' } },
    }
    expect(redact(line)).toEqual({
      headers: { AUTHORIZATION: R, 'X-API-Key': R, 'x-tenant-secret': R, accept: 'json' },
      req: { headers: { Cookie: R } },
      event: { multiValueHeaders: { 'set-COOKIE': R }, headers: { Authorization: R } },
    })
  })

  it('returns the same object, untouched, when there is nothing to censor', () => {
    const line = deepFreeze({ orderId: 1, headers: { accept: 'json' }, req: { method: 'GET' } })
    expect(redact(line)).toBe(line)
  })

  it('never mutates the logged object', () => {
    const line = deepFreeze({ headers: { Authorization: 'secret' } })
    expect(redact(line)).toEqual({ headers: { Authorization: R } })
    expect(line.headers.Authorization).toBe('secret')
  })
})

describe('redactValue', () => {
  it('redacts header names in any case, in headers and multiValueHeaders at any depth', () => {
    const event = {
      headers: { AUTHORIZATION: 'Bearer a', 'X-API-Key': 'k', Accept: 'text/html' },
      multiValueHeaders: { Cookie: ['a=b'], accept: ['*/*'] },
      records: [{ request: { Headers: { 'set-cookie': 'c' } } }],
      authorization: 'not in a header object, kept',
    }
    expect(redactValue(event)).toEqual({
      headers: { AUTHORIZATION: R, 'X-API-Key': R, Accept: 'text/html' },
      multiValueHeaders: { Cookie: R, accept: ['*/*'] },
      records: [{ request: { Headers: { 'set-cookie': R } } }],
      authorization: 'not in a header object, kept',
    })
  })

  it('redacts configured dotted paths, with * for any one segment', () => {
    const config = redaction({ paths: ['body.password', '*.token', 'items.0.secret'], censor: '***' })
    expect(
      redactValue(
        {
          body: { password: 'p', user: 'u' },
          session: { token: 't' },
          items: [{ secret: 's' }, { secret: 'kept' }],
        },
        config,
      ),
    ).toEqual({
      body: { password: '***', user: 'u' },
      session: { token: '***' },
      items: [{ secret: '***' }, { secret: 'kept' }],
    })
  })

  it('bounds depth and array length', () => {
    let deep: Record<string, unknown> = { leaf: 1 }
    for (let i = 0; i < 20; i++) deep = { next: deep }
    let out = redactValue(deep) as Record<string, unknown>
    let depth = 0
    while (typeof out === 'object') {
      out = out.next as Record<string, unknown>
      depth++
    }
    expect(out).toBe('[Object]')
    expect(depth).toBe(8)
    expect(redactValue(Array.from({ length: 100 }, (_, i) => i))).toHaveLength(50)
  })

  it('copes with cycles', () => {
    const a: Record<string, unknown> = { headers: { cookie: 'c' } }
    a.self = a
    expect(() => redactValue(a)).not.toThrow()
    expect((redactValue(a) as { headers: unknown }).headers).toEqual({ cookie: R })
  })

  it('returns primitives as they are', () => {
    for (const v of [null, undefined, 0, 'text', true, 10n]) expect(redactValue(v)).toBe(v)
  })

  it('never mutates its input and never throws (property)', () => {
    const headerish = fc.dictionary(
      fc.oneof(fc.mixedCase(fc.constantFrom('authorization', 'cookie', 'x-api-key', 'accept')), fc.string()),
      fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 })),
    )
    const value = fc.oneof(
      fc.anything({
        maxDepth: 5,
        withNullPrototype: true,
        withBoxedValues: true,
        withMap: true,
        withDate: true,
      }),
      fc.record({ headers: headerish, body: fc.anything({ maxDepth: 2 }) }),
      fc.record({ event: fc.record({ multiValueHeaders: headerish }) }),
    )
    const config = redaction({ paths: ['body.password', '*.token'] })
    fc.assert(
      fc.property(value, (v) => {
        const before = structuredClone(v)
        // A frozen input makes any write throw (ES modules are strict).
        redactValue(deepFreeze(v), config)
        expect(v).toEqual(before)
      }),
      { numRuns: 5_000 },
    )
  })

  it('never leaves a secret header value in its output (property)', () => {
    const secret = fc.string({ minLength: 8, maxLength: 16 }).map((s) => `SECRET-${s}`)
    fc.assert(
      fc.property(
        fc.mixedCase(fc.constantFrom(...defaultRedaction.headers)),
        secret,
        fc.constantFrom('headers', 'multiValueHeaders', 'Headers'),
        (name, value, holder) => {
          const out = JSON.stringify(redactValue({ event: { [holder]: { [name]: value, other: 'x' } } }))
          expect(out).not.toContain(value)
          expect(out).toContain('"other":"x"')
        },
      ),
      { numRuns: 2_000 },
    )
  })

  it('does not throw on an object whose getter throws', () => {
    const event = {
      headers: { authorization: 'a' },
      get body(): unknown {
        throw new Error('getter')
      },
    }
    expect(() => redactValue(event)).not.toThrow()
  })
})
