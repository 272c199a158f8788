import { readFileSync } from 'node:fs'
import { codes } from '@sightline/correlation'
import { describe, expect, it } from 'vitest'
import { sentryCodes } from '../src/index.js'

/** The `code` column of the table under `## Errors` in the package README. */
function documentedCodes(): string[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const section = readme.split(/^## /m).find((s) => s.startsWith('Errors'))
  expect(section, 'README.md has an "## Errors" section').toBeDefined()
  const rows = section!.split('\n').filter((line) => line.startsWith('|'))
  expect(rows[0]).toMatch(/^\|\s*code\s*\|\s*when\s*\|$/)
  return rows.slice(2).map((row) => row.split('|')[1]!.trim().replace(/^`|`$/g, ''))
}

describe('sentryCodes', () => {
  it('are, with the core’s invalid-option code, exactly the codes the README documents, each once', () => {
    const documented = documentedCodes()
    expect(new Set(documented).size).toBe(documented.length)
    expect([...documented].sort()).toEqual([codes.INVALID_OPTION, ...Object.values(sentryCodes)].sort())
  })

  it('are stable ERR_SIGHTLINE_SENTRY_ names derived from their keys, frozen', () => {
    for (const [key, code] of Object.entries(sentryCodes)) expect(code).toBe(`ERR_SIGHTLINE_SENTRY_${key}`)
    expect(Object.isFrozen(sentryCodes)).toBe(true)
  })
})
