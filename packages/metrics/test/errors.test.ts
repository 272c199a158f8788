import { readFileSync } from 'node:fs'
import { codes } from '@sightline/correlation'
import { describe, expect, it } from 'vitest'
import { metricsCodes } from '../src/index.js'

/** The `code` column of the table under `## Errors` in the package README. */
function documentedCodes(): string[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const section = readme.split(/^## /m).find((s) => s.startsWith('Errors'))
  expect(section, 'README.md has an "## Errors" section').toBeDefined()
  const rows = section!.split('\n').filter((line) => line.startsWith('|'))
  expect(rows[0]).toMatch(/^\|\s*code\s*\|\s*when\s*\|$/)
  return rows.slice(2).map((row) => row.split('|')[1]!.trim().replace(/^`|`$/g, ''))
}

describe('metricsCodes', () => {
  it('are exactly the codes the README documents (with the core’s INVALID_OPTION), each once', () => {
    const documented = documentedCodes()
    expect(new Set(documented).size).toBe(documented.length)
    expect([...documented].sort()).toEqual([codes.INVALID_OPTION, ...Object.values(metricsCodes)].sort())
  })

  it('are stable ERR_SIGHTLINE_ names derived from their keys', () => {
    for (const [key, code] of Object.entries(metricsCodes)) expect(code).toBe(`ERR_SIGHTLINE_${key}`)
    expect(Object.isFrozen(metricsCodes)).toBe(true)
  })
})
