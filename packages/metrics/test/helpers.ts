import { wrap } from '@sightline/handler-wrapper'
import { captureLogs, fakeContext, type LogCapture } from '@sightline/testing'
import { afterEach, beforeAll, beforeEach, expect } from 'vitest'
import { resetMetricsDiagnostics } from '../src/index.js'

/**
 * Every MONITORING line must match this, whatever went in: 10-digit epoch seconds, a finite number, a
 * known type, a clean name, and an optional tag part whose keys and values hold no separator, no control
 * character and no line break. One line, one trailing newline.
 */
const K = '[^|,#:\\p{Cc}\\u2028\\u2029]+' // a tag key
const V = '[^|,#\\p{Cc}\\u2028\\u2029]+' // a tag value
export const STRICT_LINE = new RegExp(
  '^MONITORING\\|\\d{10}\\|-?\\d+(?:\\.\\d+)?(?:e[+-]\\d+)?\\|(?:count|gauge|histogram|check)\\|' +
    `[A-Za-z0-9_.]{1,200}(?:\\|#${K}:${V}(?:,${K}:${V})*)?\\n$`,
  'u',
)

/**
 * Captures what Sightline writes during each test, with fresh diagnostics. The process's cold start is
 * spent first, so that tests see the cold-start metric only where they ask for it.
 */
export function capture(): {
  logs: () => LogCapture
  metricLines: () => string[]
  warnings: () => Array<Record<string, unknown>>
} {
  let logs: LogCapture | undefined
  beforeAll(async () => {
    const quiet = captureLogs()
    await wrap(async () => {})({}, fakeContext())
    quiet.restore()
  })
  beforeEach(() => {
    resetMetricsDiagnostics()
    logs = captureLogs()
  })
  afterEach(() => logs?.restore())
  return {
    logs: () => logs!,
    metricLines: () => strictLines(logs!.lines),
    warnings: () => logs!.byLevel('warn'),
  }
}

/** The MONITORING lines among `lines`, each checked against the strict grammar. */
export function strictLines(lines: readonly string[]): string[] {
  const out = lines.filter((l) => l.startsWith('MONITORING|'))
  for (const line of out) expect(line).toMatch(STRICT_LINE)
  return out
}

/** `MONITORING|<s>|v|type|name|#tags` → its fields, without the timestamp (which moves). */
export function fields(line: string): {
  value: string
  type: string
  name: string
  tags: string | undefined
} {
  const [, , value, type, name, tags] = line.trimEnd().split('|')
  return { value: value!, type: type!, name: name!, tags: tags?.slice(1) }
}
