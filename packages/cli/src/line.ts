// One log line, as found in a file or on stdin: a Sightline (pino) JSON line, the same line inside
// Lambda's JSON log format or behind its text prefix, a Lambda platform record, a MONITORING metric
// line, or something else. Never throws: the input is untrusted.

/** A log line of ours, whatever wrapped it. */
export interface LogRecord {
  /** Epoch milliseconds. */
  readonly time: number
  /** `trace` … `fatal`, or the writer's own label in lower case. */
  readonly level: string
  readonly message: string
  /** `function_name`, else `service`; undefined when the line has neither. */
  readonly name: string | undefined
  readonly awsRequestId: string | undefined
  /** The X-Ray Root the line was written under. */
  readonly traceId: string | undefined
  /** Every `x-correlation-*` entry of the line. */
  readonly ids: Readonly<Record<string, string>>
  /** The line's own JSON object (the inner one when Lambda wrapped it). */
  readonly fields: Readonly<Record<string, unknown>>
}

/** What Lambda itself writes per invocation in its JSON log format (`platform.start`, `platform.report`). */
export interface PlatformRecord {
  readonly type: 'start' | 'report'
  readonly requestId: string
  readonly time: number
  /** `platform.report` only. */
  readonly durationMs?: number
}

export type ParsedLine =
  | { readonly kind: 'log'; readonly record: LogRecord }
  | { readonly kind: 'platform'; readonly platform: PlatformRecord }
  | { readonly kind: 'metric' }
  | { readonly kind: 'blank' }
  /** Readable, but not a line of ours: console text, JSON without a time, START/END/REPORT text. */
  | { readonly kind: 'other' }
  | { readonly kind: 'malformed'; readonly reason: MalformedReason }

/** Text that is not JSON; JSON cut short or corrupt; JSON that is not an object; a line past the limit. */
export type MalformedReason = 'not-json' | 'invalid-json' | 'not-an-object' | 'too-long'

/** Lines longer than this are not parsed (a runaway line would cost its size in memory twice). */
export const MAX_LINE_LENGTH = 1_048_576

type Obj = Record<string, unknown>

const PINO_LEVELS: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
}
const ID_PREFIX = 'x-correlation-'
const METRIC = 'MONITORING|'
// `2026-11-22T01:02:03.456Z\t<request id>\tINFO\t<message>`: console output in Lambda's text format.
const CONSOLE_PREFIX = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\t([^\t]*)\t([A-Z]+)\t/
// Epoch seconds below this are read as seconds (1e11 ms is in 1973; 1e11 s is in 5138).
const SECONDS_LIMIT = 1e11

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

export function parseLine(text: string): ParsedLine {
  if (text.length > MAX_LINE_LENGTH) return { kind: 'malformed', reason: 'too-long' }
  const line = text.trim()
  if (line === '') return { kind: 'blank' }
  if (line.startsWith(METRIC)) return { kind: 'metric' }
  const prefixed = CONSOLE_PREFIX.exec(line)
  if (prefixed !== null) {
    const outer = { timestamp: prefixed[1], requestId: prefixed[2], level: prefixed[3] }
    return fromMessage(line.slice(prefixed[0].length).trim(), outer)
  }
  if (isLambdaText(line)) return { kind: 'other' }
  const value = parseJson(line)
  if (value === NOT_JSON)
    return malformed(line.startsWith('{') || line.startsWith('[') ? 'invalid-json' : 'not-json')
  if (!isObj(value)) return malformed('not-an-object')
  return fromObject(value)
}

function malformed(reason: MalformedReason): ParsedLine {
  return { kind: 'malformed', reason }
}

const NOT_JSON = Symbol('not JSON')

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return NOT_JSON
  }
}

// START/END/REPORT/INIT_START lines of Lambda's text format carry no time of their own.
function isLambdaText(line: string): boolean {
  return /^(START|END|REPORT|INIT_START|INIT_REPORT|EXTENSION|TELEMETRY) /.test(line)
}

function fromObject(value: Obj): ParsedLine {
  const platform = platformOf(value)
  if (platform !== undefined) return platform
  if (isLambdaJson(value)) return fromMessage(value.message, value)
  const record = recordOf(value, undefined)
  return record === undefined ? { kind: 'other' } : { kind: 'log', record }
}

// Lambda's JSON log format: `{"timestamp","level","requestId","message"}`; ours never has `timestamp`.
function isLambdaJson(value: Obj): boolean {
  return typeof value.timestamp === 'string' && 'message' in value && !('msg' in value)
}

/** The message of a Lambda wrapper (JSON or text format): our line as a string or an object, or not ours. */
function fromMessage(message: unknown, outer: Obj): ParsedLine {
  let inner: unknown = message
  if (typeof message === 'string') {
    const text = message.trim()
    if (text.startsWith(METRIC)) return { kind: 'metric' }
    if (!text.startsWith('{')) return { kind: 'other' }
    inner = parseJson(text)
  }
  if (!isObj(inner)) return { kind: 'other' }
  const record = recordOf(inner, outer)
  return record === undefined ? { kind: 'other' } : { kind: 'log', record }
}

function platformOf(value: Obj): ParsedLine | undefined {
  const type = value.type
  if (type !== 'platform.start' && type !== 'platform.report') return undefined
  const record = isObj(value.record) ? value.record : {}
  const requestId = str(record.requestId)
  const time = timeOf(value.time)
  if (requestId === undefined || time === undefined) return { kind: 'other' }
  if (type === 'platform.start') return { kind: 'platform', platform: { type: 'start', requestId, time } }
  const metrics = isObj(record.metrics) ? record.metrics : {}
  const duration = metrics.durationMs
  const platform: PlatformRecord =
    typeof duration === 'number' && Number.isFinite(duration) && duration >= 0
      ? { type: 'report', requestId, time, durationMs: duration }
      : { type: 'report', requestId, time }
  return { kind: 'platform', platform }
}

/** A line of ours needs a time and a message; the wrapper fills in what the inner line lacks. */
function recordOf(fields: Obj, outer: Obj | undefined): LogRecord | undefined {
  const time = timeOf(fields.time) ?? timeOf(outer?.timestamp)
  const message = str(fields.msg) ?? str(fields.message) ?? ''
  if (time === undefined) return undefined
  const ids: Record<string, string> = {}
  for (const key of Object.keys(fields)) {
    const v = fields[key]
    if (key.startsWith(ID_PREFIX) && key.length > ID_PREFIX.length && (typeof v === 'string' || isNum(v)))
      ids[key] = String(v)
  }
  return {
    time,
    level: levelOf(fields.level) ?? levelOf(outer?.level) ?? 'info',
    message,
    name: str(fields.function_name) ?? str(fields.service),
    awsRequestId: str(fields.awsRequestId) ?? str(outer?.requestId),
    traceId: str(fields.traceId),
    ids,
    fields,
  }
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
// What a Date can hold: a time beyond it could not be printed.
const MAX_TIME = 8.64e15

function timeOf(value: unknown): number | undefined {
  let ms: number | undefined
  if (isNum(value)) ms = value < SECONDS_LIMIT ? value * 1000 : value
  else if (typeof value === 'string' && value !== '') ms = Date.parse(value)
  return ms !== undefined && ms >= 0 && ms <= MAX_TIME ? ms : undefined
}

function levelOf(value: unknown): string | undefined {
  if (isNum(value)) return PINO_LEVELS[value] ?? String(value)
  return typeof value === 'string' && value !== '' ? value.toLowerCase() : undefined
}
