import { describe, expect, it } from 'vitest'
import { sampler } from '../src/sampler.js'

describe('sampler', () => {
  it('takes the first request of each second, then the given share of the rest', () => {
    let now = 10_000
    let random = 0.5
    const sample = sampler(
      0.05,
      () => now,
      () => random,
    )
    expect(sample()).toBe(true) // first of second 10
    expect(sample()).toBe(false) // 0.5 ≥ 0.05
    random = 0.01
    expect(sample()).toBe(true)
    random = 0.99
    now = 10_999
    expect(sample()).toBe(false)
    now = 11_000
    expect(sample()).toBe(true) // first of second 11
  })

  it('takes every request at rate 1 and only the reservoir at rate 0', () => {
    const now = () => 5_000
    const all = sampler(1, now, () => 0.999_999)
    const none = sampler(0, now, () => 0)
    expect([all(), all(), all()]).toEqual([true, true, true])
    expect([none(), none(), none()]).toEqual([true, false, false])
  })
})
