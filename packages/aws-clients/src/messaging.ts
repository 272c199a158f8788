import { addAttributes, attributesBytes, utf8Bytes } from './attributes.js'
import type { CapturedIds } from './capture.js'
import { type Injector, idsFor, isObj, type Obj, type Sending } from './injector.js'
import { awsLimits } from './limits.js'

type BodyKey = 'Message' | 'MessageBody'

/**
 * One SNS or SQS message with the IDs as attributes and, on SQS, the trace header as the `AWSTraceHeader`
 * system attribute (which SQS does not count against the 10 attributes nor the size).
 */
function message(
  entry: Obj,
  captured: CapturedIds,
  body: BodyKey,
  bodyBytes: number,
  spareBytes: number,
  sending: Sending,
): { entry: Obj; addedBytes: number } | undefined {
  const added = addAttributes(entry.MessageAttributes, captured.ids, bodyBytes, spareBytes)
  if (added === 'attributes-full' || added === 'too-large') sending.skip(added)
  const system = body === 'MessageBody' ? traceAttribute(entry.MessageSystemAttributes, captured) : undefined
  if (typeof added !== 'object' && system === undefined) return undefined
  const out: Obj = { ...entry }
  if (system !== undefined) out.MessageSystemAttributes = system
  if (typeof added !== 'object') return { entry: out, addedBytes: 0 }
  out.MessageAttributes = added.attributes
  return { entry: out, addedBytes: added.addedBytes }
}

// One frozen attribute per captured set: every message sent with it shares it (the SDK only reads it).
const traceValues = new WeakMap<CapturedIds, Readonly<Obj>>()

/** The caller's `AWSTraceHeader` wins: it may come from a tracer that knows better. */
function traceAttribute(given: unknown, captured: CapturedIds): Obj | undefined {
  const header = captured.traceHeader
  if (header === undefined) return undefined
  if (isObj(given) && Object.hasOwn(given, 'AWSTraceHeader')) return undefined
  let value = traceValues.get(captured)
  if (value === undefined) {
    value = Object.freeze({ DataType: 'String', StringValue: header })
    traceValues.set(captured, value)
  }
  return isObj(given) ? { ...given, AWSTraceHeader: value } : { AWSTraceHeader: value }
}

function single(body: BodyKey): Injector {
  return (input, sending) =>
    message(input, idsFor(undefined, input, sending), body, utf8Bytes(input[body]), Infinity, sending)?.entry
}

/** A batch: each entry with its own IDs, all of them within the batch's total size. */
function batch(list: 'Entries' | 'PublishBatchRequestEntries', body: BodyKey): Injector {
  return (input, sending) => {
    const entries = input[list]
    if (!Array.isArray(entries)) return undefined
    let total = 0
    const bodies: number[] = []
    for (let i = 0; i < entries.length; i++) {
      const e: unknown = entries[i]
      if (!isObj(e)) continue
      bodies[i] = utf8Bytes(e[body])
      total += bodies[i]! + attributesBytes(e.MessageAttributes)
    }
    let spare = awsLimits.maxMessageBytes - total
    let out: unknown[] | undefined
    for (let i = 0; i < entries.length; i++) {
      const entry: unknown = entries[i]
      if (!isObj(entry)) continue
      const done = message(entry, idsFor(entry, input, sending), body, bodies[i]!, spare, sending)
      if (done === undefined) continue
      out ??= entries.slice()
      out[i] = done.entry
      spare -= done.addedBytes
    }
    return out === undefined ? undefined : { ...input, [list]: out }
  }
}

export const sns: Readonly<Record<string, Injector>> = {
  Publish: single('Message'),
  PublishBatch: batch('PublishBatchRequestEntries', 'Message'),
}

export const sqs: Readonly<Record<string, Injector>> = {
  SendMessage: single('MessageBody'),
  SendMessageBatch: batch('Entries', 'MessageBody'),
}
