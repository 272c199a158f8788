import { codes } from '@sightline/correlation'
import { describe, expect, it } from 'vitest'
import { readmeOf } from '../../../tools/test-helpers/readme.js'
import { metricsCodes } from '../src/index.js'

describe('metricsCodes', () => {
  it('are exactly the codes the README documents (with the core’s INVALID_OPTION), each once', () => {
    const documented = readmeOf(import.meta.url).documentedCodes()
    expect(new Set(documented).size).toBe(documented.length)
    expect([...documented].sort()).toEqual([codes.INVALID_OPTION, ...Object.values(metricsCodes)].sort())
  })

  it('are stable ERR_SIGHTLINE_ names derived from their keys', () => {
    for (const [key, code] of Object.entries(metricsCodes)) expect(code).toBe(`ERR_SIGHTLINE_${key}`)
    expect(Object.isFrozen(metricsCodes)).toBe(true)
  })
})
