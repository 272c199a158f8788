import { setOutput } from '@sightline/logger'
import { afterEach, beforeEach } from 'vitest'

export type Line = Record<string, unknown>

/** Captures every line Sightline writes during each test of the file. */
export function captureLines(): { lines: string[]; records: () => Line[] } {
  const lines: string[] = []
  let previous: ReturnType<typeof setOutput> | undefined
  beforeEach(() => {
    lines.length = 0
    previous = setOutput({ write: (l) => void lines.push(l) })
  })
  afterEach(() => {
    setOutput(previous)
  })
  return { lines, records: () => lines.map((l) => JSON.parse(l) as Line) }
}
