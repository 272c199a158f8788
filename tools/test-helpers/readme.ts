import { readFileSync } from 'node:fs'
import { expect } from 'vitest'

/** A package's README as its tests read it: `## ` sections, their ```ts blocks, the errors table. */
export interface Readme {
  readonly text: string
  /** The `## <title>` section (without its heading line's `## `); fails the test when there is none. */
  section(title: string): string
  /** Every ```ts block of a section, in order; fails the test when there is none. */
  tsBlocks(title: string): string[]
  /** The first ```ts block of a section. */
  tsBlock(title: string): string
  /** The `code` column of the `| code | when |` table under `## Errors`, backticks removed. */
  documentedCodes(): string[]
}

/** The README.md next to the `test/` folder of the test file at `testFileUrl` (`import.meta.url`). */
export function readmeOf(testFileUrl: string): Readme {
  const text = readFileSync(new URL('../README.md', testFileUrl), 'utf8')
  const sections = text.split(/^## /m)
  const section = (title: string): string => {
    const found = sections.find((s) => s.startsWith(`${title}\n`))
    expect(found, `README.md has a "## ${title}" section`).toBeDefined()
    return found!
  }
  const tsBlocks = (title: string): string[] => {
    const blocks = [...section(title).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)
    expect(blocks.length, `README.md has a ts block under "## ${title}"`).toBeGreaterThan(0)
    return blocks
  }
  return {
    text,
    section,
    tsBlocks,
    tsBlock: (title) => tsBlocks(title)[0]!,
    documentedCodes() {
      const rows = section('Errors')
        .split('\n')
        .filter((line) => line.startsWith('|'))
      expect(rows[0]).toMatch(/^\|\s*code\s*\|\s*when\s*\|$/)
      return rows.slice(2).map((row) => row.split('|')[1]!.trim().replace(/^`|`$/g, ''))
    },
  }
}
