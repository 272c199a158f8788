import { describe, expect, it } from 'vitest'
import { manualClock } from '../src/clock.js'

describe('manualClock', () => {
  it('stays where it is until told to move', () => {
    const clock = manualClock(1_000)
    expect(clock.now()).toBe(1_000)
    expect(clock.now()).toBe(1_000)
  })

  it('moves forward with advance and anywhere with set', () => {
    const clock = manualClock(1_000)
    expect(clock.advance(250)).toBe(1_250)
    expect(clock.now()).toBe(1_250)
    expect(clock.set(500)).toBe(500)
    expect(clock.now()).toBe(500)
  })

  it('starts at the current time by default', () => {
    const before = Date.now()
    const clock = manualClock()
    expect(clock.now()).toBeGreaterThanOrEqual(before)
    expect(clock.now()).toBeLessThanOrEqual(Date.now())
  })

  it('refuses to go back through advance, and non-finite times', () => {
    const clock = manualClock(0)
    const invalid = (message: string) =>
      expect.objectContaining({ code: 'ERR_SIGHTLINE_INVALID_OPTION', message })
    expect(() => clock.advance(-1)).toThrow(invalid('Expected `ms` to be a finite number ≥ 0, got -1'))
    expect(() => clock.set(Number.NaN)).toThrow(invalid('Expected `ms` to be a finite number, got NaN'))
    expect(() => manualClock(Number.POSITIVE_INFINITY)).toThrow(
      invalid('Expected `start` to be a finite number, got Infinity'),
    )
    expect(clock.now()).toBe(0)
  })
})
