import { codes } from '@sightline/correlation'
import { describe, expect, it } from 'vitest'
import { readmeOf } from '../../../tools/test-helpers/readme.js'
import { sentryCodes } from '../src/index.js'

describe('sentryCodes', () => {
  it('are, with the core’s invalid-option code, exactly the codes the README documents, each once', () => {
    const documented = readmeOf(import.meta.url).documentedCodes()
    expect(new Set(documented).size).toBe(documented.length)
    expect([...documented].sort()).toEqual([codes.INVALID_OPTION, ...Object.values(sentryCodes)].sort())
  })

  it('are stable ERR_SIGHTLINE_SENTRY_ names derived from their keys, frozen', () => {
    for (const [key, code] of Object.entries(sentryCodes)) expect(code).toBe(`ERR_SIGHTLINE_SENTRY_${key}`)
    expect(Object.isFrozen(sentryCodes)).toBe(true)
  })
})
