import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hostFilter, hostTag, urlHost } from '../src/hosts.js'

/** Where superagent connects: it prefixes `http://` unless the URL starts with "http", then uses URL. */
function superagentTarget(url: string): { hostname: string; port: string } | undefined {
  let parsed: URL
  try {
    parsed = new URL(url.indexOf('http') === 0 ? url : `http://${url}`)
  } catch {
    return undefined
  }
  const defaults: Record<string, string> = { 'http:': '80', 'https:': '443' }
  return parsed.hostname === ''
    ? undefined
    : { hostname: parsed.hostname, port: parsed.port || defaults[parsed.protocol]! }
}

const authorityChars = fc.constantFrom(
  ...'aZ09-._~:@[]%!$&()*+,;=/\\?# \t\n\u00e9\u0130'.split(''),
  'xn--',
  '127',
  '0x7f',
  '256',
  '..',
  ':80',
  ':0080',
  ':65536',
)
const authority = fc.array(authorityChars, { maxLength: 12 }).map((parts) => parts.join(''))
const scheme = fc.constantFrom('http://', 'https://', '')
const rest = fc.constantFrom('', '/', '/a/b?x=1#f', '?q=http://evil.example', '#frag', '/\\evil')

describe('urlHost()', () => {
  it('reads the host superagent connects to, for any URL', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        expect(urlHost(url)).toEqual(superagentTarget(url))
      }),
      { numRuns: 10_000 },
    )
  })

  it('reads the host superagent connects to on hostile authorities, and never throws', () => {
    fc.assert(
      fc.property(scheme, authority, rest, (s, a, r) => {
        const url = `${s}${a}${r}`
        if (s === '' && a.startsWith('http')) return // superagent would not prefix it and fail anyway
        expect(urlHost(url)).toEqual(superagentTarget(url))
      }),
      { numRuns: 10_000 },
    )
  })

  it('reads where tricky URLs really go', () => {
    expect(urlHost('http://allowed.example\\@evil.example/')).toEqual({
      hostname: 'allowed.example',
      port: '80',
    })
    expect(urlHost('http://allowed.example:443@evil.example/')).toEqual({
      hostname: 'evil.example',
      port: '80',
    })
    expect(urlHost('http://evil.example#@allowed.example')).toEqual({ hostname: 'evil.example', port: '80' })
    expect(urlHost('http://127.1/')).toEqual({ hostname: '127.0.0.1', port: '80' })
    // Found by the property above: superagent prefixes anything not starting with `http`, scheme or not.
    expect(urlHost('a://')).toEqual(superagentTarget('a://'))
    expect(urlHost('a://')).toEqual({ hostname: 'a', port: '80' })
    expect(urlHost('https://API.Example.COM:8443/x')).toEqual({ hostname: 'api.example.com', port: '8443' })
    expect(urlHost('api.example.com:3000/path?next=https://evil.example')).toEqual({
      hostname: 'api.example.com',
      port: '3000',
    })
    expect(urlHost('http://[::1]:8080/')).toEqual({ hostname: '[::1]', port: '8080' })
    expect(urlHost('http://')).toBeUndefined()
    expect(urlHost('')).toBeUndefined()
  })
})

describe('hostFilter()', () => {
  it('allows exact hosts, on any port unless the entry names one', () => {
    const allows = hostFilter(['api.example.com', 'billing.example.com:8443', '[::1]'])!
    expect(allows('https://api.example.com/x')).toBe(true)
    expect(allows('http://API.example.com:8080/x')).toBe(true)
    expect(allows('https://billing.example.com:8443/')).toBe(true)
    expect(allows('https://billing.example.com/')).toBe(false)
    expect(allows('http://[::1]:3000/')).toBe(true)
    expect(allows('https://api.example.com.evil.example/')).toBe(false)
    expect(allows('https://evil.example/?host=api.example.com')).toBe(false)
  })

  it('matches a port entry against the default port of the scheme', () => {
    const allows = hostFilter(['api.example.com:443'])!
    expect(allows('https://api.example.com/')).toBe(true)
    expect(allows('http://api.example.com/')).toBe(false)
  })

  it('allows subdomains for a `*.` entry, not the domain itself nor look-alikes', () => {
    const allows = hostFilter(['*.internal.example'])!
    expect(allows('https://a.internal.example/')).toBe(true)
    expect(allows('https://b.a.internal.example:9000/')).toBe(true)
    expect(allows('https://internal.example/')).toBe(false)
    expect(allows('https://evilinternal.example/')).toBe(false)
    expect(allows('https://a.internal.example.evil.example/')).toBe(false)
  })

  it('asks a predicate with the lowercase hostname and the URL', () => {
    const seen: string[][] = []
    const allows = hostFilter((hostname, url) => {
      seen.push([hostname, url])
      return hostname.endsWith('.corp')
    })!
    expect(allows('https://Svc.CORP/a')).toBe(true)
    expect(allows('https://svc.example/a')).toBe(false)
    expect(seen).toEqual([
      ['svc.corp', 'https://Svc.CORP/a'],
      ['svc.example', 'https://svc.example/a'],
    ])
  })

  it('allows nothing when the URL has no host', () => {
    expect(hostFilter(['api.example.com'])!('not a url')).toBe(false)
    expect(hostFilter(() => true)!('http://')).toBe(false)
  })

  it('allows every host without a list', () => {
    expect(hostFilter(undefined)).toBeUndefined()
  })

  it('compiles a list once', () => {
    const list = ['api.example.com']
    expect(hostFilter(list)).toBe(hostFilter(list))
  })

  it.each([
    [['https://api.example.com']],
    [['api.example.com/path']],
    [['*']],
    [['*.']],
    [['*.example.com:443']],
    [['api.*.com']],
    [['']],
    [[null]],
    ['api.example.com'],
    [{ hosts: [] }],
  ])('refuses %j with ERR_SIGHTLINE_INVALID_OPTION', (hosts) => {
    expect(() => hostFilter(hosts as never)).toThrow(
      expect.objectContaining({ code: 'ERR_SIGHTLINE_INVALID_OPTION' }),
    )
  })
})

describe('hostTag()', () => {
  it('is the hostname, with the port only when it is not the default', () => {
    expect(hostTag('https://api.example.com/users/42')).toBe('api.example.com')
    expect(hostTag('http://api.example.com:80/users/42')).toBe('api.example.com')
    expect(hostTag('http://127.0.0.1:3000/users/42?token=x')).toBe('127.0.0.1:3000')
    expect(hostTag('::nonsense::')).toBe('unknown')
  })
})
