import type { Attributes } from './attributes.js'

/** The member of a JSON payload that carries the IDs (Kinesis data, EventBridge detail, direct invoke). */
export const ENVELOPE_KEY = '__context__'

/** An object with the IDs as its first member, as dazn's clients and Sightline write it. */
export function prependContext<T extends object>(payload: T, ids: Attributes | undefined): T {
  if (ids === undefined || Object.keys(ids).length === 0) return payload
  return { [ENVELOPE_KEY]: { ...ids }, ...payload }
}

/**
 * Sightline's splice: `{"__context__":{…},` in front of the first member of a JSON object text, the
 * producer's bytes kept as they were after it. Text that is not a JSON object comes back unchanged,
 * because no envelope can ride on it.
 */
export function spliceContext(text: string, ids: Attributes | undefined): string {
  if (ids === undefined || Object.keys(ids).length === 0) return text
  const start = text.length - text.trimStart().length
  if (text[start] !== '{' || !isJsonObject(text)) return text
  const rest = text.slice(start + 1)
  const separator = rest.trim() === '}' ? '' : ','
  return `${text.slice(0, start)}{"${ENVELOPE_KEY}":${JSON.stringify(ids)}${separator}${rest}`
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text)
    return value !== null && typeof value === 'object' && !Array.isArray(value)
  } catch {
    return false
  }
}
