import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_DAEMON_ADDRESS, parseDaemonAddress, resolveTracing } from '../src/options.js'

describe('resolveTracing', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['false', false],
    ['0', false],
    ['yes', false],
    ['', false],
    [undefined, false],
  ])('SIGHTLINE_TRACING=%j turns tracing %s', (value, on) => {
    expect(resolveTracing({ env: { SIGHTLINE_TRACING: value } }).enabled).toBe(on)
  })

  it('lets the option win over the environment', () => {
    expect(resolveTracing({ enabled: false, env: { SIGHTLINE_TRACING: 'true' } }).enabled).toBe(false)
    expect(resolveTracing({ enabled: true, env: {} }).enabled).toBe(true)
  })

  it('sends to AWS_XRAY_DAEMON_ADDRESS, else to the default, unless the option says otherwise', () => {
    expect(resolveTracing({ enabled: true, env: {} }).daemon).toEqual(
      parseDaemonAddress(DEFAULT_DAEMON_ADDRESS),
    )
    const env = { AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000' }
    expect(resolveTracing({ enabled: true, env }).daemon).toEqual({ host: '169.254.79.129', port: 2000 })
    expect(resolveTracing({ enabled: true, env, daemonAddress: 'xray:3000' }).daemon).toEqual({
      host: 'xray',
      port: 3000,
    })
  })
})

describe('parseDaemonAddress', () => {
  it.each([
    ['127.0.0.1:2000', { host: '127.0.0.1', port: 2000 }],
    ['xray-daemon.internal:2000', { host: 'xray-daemon.internal', port: 2000 }],
    ['udp:10.0.0.1:2000 tcp:10.0.0.2:2001', { host: '10.0.0.1', port: 2000 }],
    ['tcp:10.0.0.2:2001 udp:10.0.0.1:2000', { host: '10.0.0.1', port: 2000 }],
    [' 127.0.0.1:2000 ', { host: '127.0.0.1', port: 2000 }],
  ])('reads %j', (address, expected) => {
    expect(parseDaemonAddress(address)).toEqual(expected)
  })

  it.each([
    '',
    '127.0.0.1',
    ':2000',
    '127.0.0.1:0',
    '127.0.0.1:65536',
    'udp:127.0.0.1:2000',
    'udp:a:1 udp:b:2',
    'udp:a:1 tcp:b',
    'a:1 b:2 c:3',
    'http://127.0.0.1:2000',
    '[::1]:2000',
  ])('refuses %j', (address) => {
    expect(parseDaemonAddress(address)).toBeUndefined()
  })

  it('never throws, and what it accepts is a host and a port in range', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme-ascii' }), fc.anything()), (input) => {
        const parsed = parseDaemonAddress(input)
        if (parsed === undefined) return
        expect(parsed.port).toBeGreaterThanOrEqual(1)
        expect(parsed.port).toBeLessThanOrEqual(65_535)
        expect(parsed.host).toMatch(/^[A-Za-z0-9.-]+$/)
      }),
      { numRuns: 10_000 },
    )
  })

  it('reads back every host:port it is given', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/)
    fc.assert(
      fc.property(
        fc.array(label, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 65_535 }),
        (labels, port) => {
          const host = labels.join('.')
          expect(parseDaemonAddress(`${host}:${port}`)).toEqual({ host, port })
          expect(parseDaemonAddress(`udp:${host}:${port} tcp:${host}:${port}`)).toEqual({ host, port })
        },
      ),
      { numRuns: 10_000 },
    )
  })
})
