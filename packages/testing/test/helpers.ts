import { readFileSync } from 'node:fs'

const FIXTURES = new URL('../../correlation/test/fixtures/', import.meta.url)

/** A sample event from the correlation package's fixtures (real AWS shapes). */
export function fixture(name: string): any {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'))
}

// Members whose keys are data (header names, attribute names), not part of the event's shape.
const OPAQUE = new Set([
  'headers',
  'multiValueHeaders',
  'queryStringParameters',
  'multiValueQueryStringParameters',
  'pathParameters',
  'stageVariables',
  'messageAttributes',
  'MessageAttributes',
  'detail',
  'Keys',
  'NewImage',
  'OldImage',
])

/** Every member path of a JSON value (`a.b`, `Records[].c`), undefined members left out. */
export function paths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return []
  const out = new Set<string>()
  if (Array.isArray(value)) {
    for (const item of value) for (const p of paths(item, `${prefix}[]`)) out.add(p)
    return [...out]
  }
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue
    const path = prefix === '' ? key : `${prefix}.${key}`
    out.add(path)
    if (!OPAQUE.has(key)) for (const p of paths(member, path)) out.add(p)
  }
  return [...out].sort()
}

/** How the built event's shape differs from the fixture's: members only one of them has. */
export function shapeDiff(built: unknown, sample: unknown): { extra: string[]; missing: string[] } {
  const a = new Set(paths(built))
  const b = new Set(paths(sample))
  return { extra: [...a].filter((p) => !b.has(p)), missing: [...b].filter((p) => !a.has(p)) }
}

export function decodeBase64(data: string): string {
  return Buffer.from(data, 'base64').toString('utf8')
}
