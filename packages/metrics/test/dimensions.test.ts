import { describe, expect, it } from 'vitest'
import { dimensionsOf, storable } from '../src/dimensions.js'
import { getMetricsDiagnostics } from '../src/index.js'
import { capture } from './helpers.js'

capture()

describe('dimensionsOf', () => {
  it('keeps printable ASCII and percent-encodes the rest as UTF-8', () => {
    expect(
      dimensionsOf([
        ['city', 'Zürich'],
        ['plain', 'a b-c'],
      ]),
    ).toEqual([
      { Name: 'city', Value: 'Z%C3%BCrich' },
      { Name: 'plain', Value: 'a b-c' },
    ])
  })

  it('cuts at 255 (names) and 1,024 (values) characters without leaving half an escape', () => {
    const [d] = dimensionsOf([['k'.repeat(300), `${'v'.repeat(1_022)}é`]])
    expect(d!.Name).toHaveLength(255)
    expect(d!.Value).toBe('v'.repeat(1_022))
  })

  it('drops and counts a pair left blank', () => {
    expect(dimensionsOf([['k', '   ']])).toEqual([])
    expect(getMetricsDiagnostics().droppedTags).toBe(1)
  })
})

describe('storable', () => {
  it.each([
    [0, true],
    [-0, true],
    [1e100, true],
    [-(2 ** 360), true],
    [2 ** 361, false],
    [2 ** -360, true],
    [2 ** -361, false],
    [5e-324, false],
  ])('%d → %s', (value, expected) => {
    expect(storable(value)).toBe(expected)
  })
})
