import { ENVELOPE_TRACE_KEY, type Ids } from '@sightline/correlation'
import { utf8Bytes } from './attributes.js'
import type { CapturedIds } from './capture.js'
import { type Injector, idsFor, isObj, type Obj, type Sending } from './injector.js'
import { awsLimits } from './limits.js'
import { dataBytes, wrapData } from './payload.js'

interface Limits {
  /** Per record: data, plus the partition key on Kinesis. */
  readonly record: number
  /** Per request, all records together. */
  readonly request: number
}

// Kinesis and Firehose records have no field for the trace header: it goes in the envelope, next to the IDs.
const envelopes = new WeakMap<CapturedIds, Ids>()

/** What the envelope holds for one capture (built once per capture, which is cached per context). */
function envelopeIds(captured: CapturedIds): Ids | undefined {
  const { ids, traceHeader } = captured
  if (traceHeader === undefined) return Object.keys(ids).length === 0 ? undefined : ids
  let out = envelopes.get(captured)
  if (out === undefined) {
    out = Object.freeze({ ...ids, [ENVELOPE_TRACE_KEY]: traceHeader })
    envelopes.set(captured, out)
  }
  return out
}

/** A record with the envelope in its `Data`, when it is a JSON object that stays within the limits. */
function record(
  entry: Obj,
  input: Obj,
  limits: Limits,
  spareBytes: number,
  sending: Sending,
): { entry: Obj; addedBytes: number } | undefined {
  const ids = envelopeIds(idsFor(entry, input, sending))
  if (ids === undefined) return undefined
  const wrapped = wrapData(entry.Data, ids)
  if (wrapped === undefined) return undefined
  const size = dataBytes(wrapped.data) + utf8Bytes(entry.PartitionKey)
  if (size > limits.record || wrapped.addedBytes > spareBytes) {
    sending.skip('too-large')
    return undefined
  }
  return { entry: { ...entry, Data: wrapped.data }, addedBytes: wrapped.addedBytes }
}

/** Kinesis `PutRecord` (the input is the record), Firehose `PutRecord` (`input.Record`). */
function single(limits: Limits, inRecord: boolean): Injector {
  return (input, sending) => {
    if (!inRecord) return record(input, input, limits, Infinity, sending)?.entry
    if (!isObj(input.Record)) return undefined
    const done = record(input.Record, input, limits, Infinity, sending)
    return done === undefined ? undefined : { ...input, Record: done.entry }
  }
}

/** Kinesis `PutRecords`, Firehose `PutRecordBatch`: each record with its own IDs, within the request limit. */
function batch(limits: Limits): Injector {
  return (input, sending) => {
    const records = input.Records
    if (!Array.isArray(records)) return undefined
    let total = 0
    for (const r of records) if (isObj(r)) total += dataBytes(r.Data) + utf8Bytes(r.PartitionKey)
    let spare = limits.request - total
    let out: unknown[] | undefined
    for (let i = 0; i < records.length; i++) {
      const entry: unknown = records[i]
      if (!isObj(entry)) continue
      const done = record(entry, input, limits, spare, sending)
      if (done === undefined) continue
      out ??= records.slice()
      out[i] = done.entry
      spare -= done.addedBytes
    }
    return out === undefined ? undefined : { ...input, Records: out }
  }
}

const kinesisLimits: Limits = {
  record: awsLimits.maxKinesisRecordBytes,
  request: awsLimits.maxKinesisRequestBytes,
}
const firehoseLimits: Limits = {
  record: awsLimits.maxFirehoseRecordBytes,
  request: awsLimits.maxFirehoseRequestBytes,
}

export const kinesis: Readonly<Record<string, Injector>> = {
  PutRecord: single(kinesisLimits, false),
  PutRecords: batch(kinesisLimits),
}

export const firehose: Readonly<Record<string, Injector>> = {
  PutRecord: single(firehoseLimits, true),
  PutRecordBatch: batch(firehoseLimits),
}
