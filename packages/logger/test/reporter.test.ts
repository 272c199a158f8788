import { reporter, setOutput } from '@sightline/logger'
import { afterEach, describe, expect, it } from 'vitest'

const lines: string[] = []
const previous = setOutput({ write: (l) => void lines.push(l) })
afterEach(() => {
  lines.length = 0
})
process.on('exit', () => setOutput(previous))

describe('reporter', () => {
  const make = () =>
    reporter<'ERR_SIGHTLINE_TEST_A' | 'ERR_SIGHTLINE_TEST_B', 'a' | 'b' | 'sent'>(
      'sightline.test.reporter.v1',
      { ERR_SIGHTLINE_TEST_A: ['a', 'a failed'], ERR_SIGHTLINE_TEST_B: ['b', 'b failed'] },
      ['a', 'b', 'sent'],
    )

  it('counts every failure and writes one warning per code, with the error', () => {
    const r = make()
    r.reset()
    r.report('ERR_SIGHTLINE_TEST_A', new Error('boom'))
    r.report('ERR_SIGHTLINE_TEST_A', new Error('again'))
    r.report('ERR_SIGHTLINE_TEST_B', 'detail')
    r.count('sent', 3)
    expect(r.snapshot()).toEqual({ a: 2, b: 1, sent: 3 })
    const warnings = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(warnings).toMatchObject([
      { level: 'warn', code: 'ERR_SIGHTLINE_TEST_A', msg: 'a failed', err: { message: 'boom' } },
      { level: 'warn', code: 'ERR_SIGHTLINE_TEST_B', msg: 'b failed', detail: 'detail' },
    ])
  })

  it('shares one state between two reporters of the same key (duplicate installs), until reset', () => {
    const first = make()
    const second = make()
    first.reset()
    first.report('ERR_SIGHTLINE_TEST_A')
    second.report('ERR_SIGHTLINE_TEST_A')
    expect(second.snapshot().a).toBe(2)
    expect(lines).toHaveLength(1)
    second.reset()
    first.report('ERR_SIGHTLINE_TEST_A')
    expect(first.snapshot()).toEqual({ a: 1, b: 0, sent: 0 })
    expect(lines).toHaveLength(2)
  })
})
