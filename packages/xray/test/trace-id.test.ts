import { parseTraceHeader } from '@sightline/correlation'
import { describe, expect, it } from 'vitest'
import { headerTail, newRoot } from '../src/trace-id.js'

describe('newRoot', () => {
  it('is a valid Root carrying the epoch seconds, different every time', () => {
    const at = Date.UTC(2026, 10, 22, 12, 0, 0)
    const root = newRoot(at)
    expect(root).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/)
    expect(Number.parseInt(root.slice(2, 10), 16)).toBe(at / 1000)
    expect(parseTraceHeader(`Root=${root}`).root).toBe(root)
    expect(newRoot(at)).not.toBe(root)
  })
})

describe('headerTail', () => {
  it('keeps Lineage, Self and unknown keys in order, with the leading separator', () => {
    const trace = parseTraceHeader(
      'Self=1-abc;Root=1-5f84c7a4-1234567890abcdef12345678;Parent=1234567890abcdef;Sampled=1;Lineage=a:1;Fut=x',
    )
    expect(headerTail(trace)).toBe(';Lineage=a:1;Self=1-abc;Fut=x')
    expect(headerTail(parseTraceHeader('Root=1-5f84c7a4-1234567890abcdef12345678;Sampled=1'))).toBe('')
    expect(headerTail(undefined)).toBe('')
  })
})
