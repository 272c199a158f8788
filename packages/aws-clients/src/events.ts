import { utf8Bytes } from './attributes.js'
import { type Injector, idsFor, isObj, type Obj } from './injector.js'
import { awsLimits } from './limits.js'
import { wrapText } from './payload.js'

/** An entry's size as EventBridge counts it: Time (14 bytes), Source, DetailType, Detail, Resources. */
function entryBytes(entry: Obj): number {
  let n = entry.Time === undefined ? 0 : 14
  n += utf8Bytes(entry.Source) + utf8Bytes(entry.DetailType) + utf8Bytes(entry.Detail)
  if (Array.isArray(entry.Resources)) for (const r of entry.Resources) n += utf8Bytes(r)
  return n
}

/**
 * EventBridge `PutEvents`: the envelope in each entry's `Detail` (a JSON object text), the trace header in
 * `TraceHeader` unless the caller set one. All entries together stay within 256 KiB.
 */
const putEvents: Injector = (input, sending) => {
  const entries = input.Entries
  if (!Array.isArray(entries)) return undefined
  let total = 0
  for (const e of entries) if (isObj(e)) total += entryBytes(e)
  let spare = awsLimits.maxEventBytes - total
  let out: unknown[] | undefined
  for (let i = 0; i < entries.length; i++) {
    const entry: unknown = entries[i]
    if (!isObj(entry)) continue
    const { ids, traceHeader } = idsFor(entry, input, sending)
    let changed: Obj | undefined
    const wrapped = wrapText(entry.Detail, ids)
    if (wrapped !== undefined) {
      if (wrapped.addedBytes > spare) sending.skip('too-large')
      else {
        changed = { ...entry, Detail: wrapped.data }
        spare -= wrapped.addedBytes
      }
    }
    if (traceHeader !== undefined && (entry.TraceHeader === undefined || entry.TraceHeader === '')) {
      changed = { ...(changed ?? entry), TraceHeader: traceHeader }
    }
    if (changed === undefined) continue
    out ??= entries.slice()
    out[i] = changed
  }
  return out === undefined ? undefined : { ...input, Entries: out }
}

export const eventBridge: Readonly<Record<string, Injector>> = { PutEvents: putEvents }
