import { createContext, withContext } from '@sightline/correlation'
import { getHttpClientDiagnostics, httpClientCodes, resetHttpClientDiagnostics } from '@sightline/http-client'
import { setOutput } from '@sightline/logger'
import { captureLogs } from '@sightline/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { report } from '../src/report.js'

beforeEach(() => resetHttpClientDiagnostics())

describe('report()', () => {
  it('counts every failure and writes one warning line per code, with the context of the first', () => {
    using logs = captureLogs()
    withContext(createContext({ ids: { 'x-correlation-id': 'first' } }), () => {
      report(httpClientCodes.INJECTION_FAILED, new Error('boom'))
      report(httpClientCodes.INJECTION_FAILED, new Error('again'))
      report(httpClientCodes.UNSAFE_HEADER, 'x-correlation-evil')
    })
    expect(getHttpClientDiagnostics()).toEqual({
      unsafeHeaders: 1,
      injectionFailures: 2,
      hostFilterFailures: 0,
      metricsFailures: 0,
      xrayFailures: 0,
    })
    expect(logs.byLevel('warn')).toMatchObject([
      { code: 'ERR_SIGHTLINE_INJECTION_FAILED', err: { message: 'boom' }, 'x-correlation-id': 'first' },
      { code: 'ERR_SIGHTLINE_UNSAFE_HEADER', detail: 'x-correlation-evil' },
    ])
  })

  it('reports a code again after a reset', () => {
    using logs = captureLogs()
    report(httpClientCodes.METRICS_HOOK_FAILED)
    resetHttpClientDiagnostics()
    report(httpClientCodes.METRICS_HOOK_FAILED)
    expect(logs.byLevel('warn')).toHaveLength(2)
    expect(getHttpClientDiagnostics().metricsFailures).toBe(1)
  })

  it('never throws, even when the warning cannot be written', () => {
    let attempts = 0
    const previous = setOutput({
      write() {
        attempts++
        throw new Error('stdout closed')
      },
    })
    try {
      expect(() => report(httpClientCodes.HOST_FILTER_FAILED, new Error('x'))).not.toThrow()
    } finally {
      setOutput(previous)
    }
    expect(attempts).toBe(1)
    expect(getHttpClientDiagnostics().hostFilterFailures).toBe(1)
  })
})
