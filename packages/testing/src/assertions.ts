import { isDeepStrictEqual } from 'node:util'
import type { LogCapture, LogRecord } from './capture.js'

/**
 * What each line must have: names that must be present, or expected values by name. A function as the
 * value is a predicate. A name with dots (`'lambda.requestId'`) reads a nested member when no member
 * has that exact name.
 */
export type FieldExpectations = readonly string[] | Readonly<Record<string, unknown>>

const MAX_SHOWN = 10
const MAX_LINE = 300

/**
 * Throws an Error listing every line that lacks a field or has another value. No lines at all is a
 * failure too: an assertion over nothing would pass when logging is broken.
 */
export function expectEveryLineHas(
  records: LogCapture | readonly LogRecord[],
  fields: FieldExpectations,
): void {
  const list = 'records' in records ? records.records() : records
  const checks: Array<[string, unknown]> = Array.isArray(fields)
    ? fields.map((name) => [name, PRESENT])
    : Object.entries(fields)
  const wanted = checks.map(([name, value]) => describeCheck(name, value)).join(', ')
  if (list.length === 0) throw new Error(`Expected every log line to have ${wanted}, but no line was written`)
  const failures: string[] = []
  list.forEach((record, i) => {
    const problems = checks.flatMap(([name, expected]) => {
      const problem = check(record, name, expected)
      return problem === undefined ? [] : [problem]
    })
    if (problems.length > 0) failures.push(`  line ${i + 1}: ${problems.join('; ')}\n    ${truncate(record)}`)
  })
  if (failures.length === 0) return
  const shown = failures.slice(0, MAX_SHOWN)
  if (failures.length > MAX_SHOWN) shown.push(`  … and ${failures.length - MAX_SHOWN} more`)
  throw new Error(
    `Expected every log line to have ${wanted}; ${failures.length} of ${list.length} do not:\n${shown.join('\n')}`,
  )
}

const PRESENT = Symbol('present')

function check(record: LogRecord, name: string, expected: unknown): string | undefined {
  const found = read(record, name)
  if (!found.present) return `missing \`${name}\``
  if (expected === PRESENT) return undefined
  if (typeof expected === 'function') {
    return expected(found.value)
      ? undefined
      : `\`${name}\` is ${show(found.value)}, which fails ${describeFn(expected)}`
  }
  return isDeepStrictEqual(found.value, expected)
    ? undefined
    : `\`${name}\` is ${show(found.value)}, expected ${show(expected)}`
}

function read(record: LogRecord, name: string): { present: boolean; value?: unknown } {
  if (Object.hasOwn(record, name)) return { present: true, value: record[name] }
  if (!name.includes('.')) return { present: false }
  let node: unknown = record
  for (const part of name.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return { present: false }
    node = (node as Record<string, unknown>)[part]
  }
  return { present: true, value: node }
}

function describeCheck(name: string, value: unknown): string {
  if (value === PRESENT) return `\`${name}\``
  if (typeof value === 'function') return `\`${name}\` passing ${describeFn(value)}`
  return `\`${name}\` = ${show(value)}`
}

function describeFn(fn: Function): string {
  return fn.name === '' ? 'the predicate' : `\`${fn.name}\``
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined'
  return JSON.stringify(value) ?? String(value)
}

function truncate(record: LogRecord): string {
  const text =
    typeof record.raw === 'string' && Object.keys(record).length === 1 ? record.raw : JSON.stringify(record)
  const line = text.trimEnd()
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line
}
