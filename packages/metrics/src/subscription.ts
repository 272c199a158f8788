import { gunzipSync } from 'node:zlib'

export interface LogEvent {
  readonly id?: string
  readonly timestamp?: number
  readonly message: string
}

/** The decoded `awslogs.data` of a CloudWatch Logs subscription event. */
export interface LogsData {
  readonly messageType: string
  readonly logGroup: string | undefined
  readonly logStream: string | undefined
  readonly logEvents: readonly LogEvent[]
}

export type Decoded = { ok: true; data: LogsData; bytes: number } | { ok: false; reason: string }

/** Decoded batches past this are refused: a subscription batch is about 1 MB at most. Stops gzip bombs. */
export const MAX_DECODED = 16 * 1024 * 1024
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

type Obj = Record<string, unknown>
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x)

/**
 * `{"awslogs":{"data":"<base64 of gzip of JSON>"}}` → the JSON, checked. Never throws: says why it could
 * not (not an object, not base64, not gzip, too large, not JSON, not the expected shape).
 */
export function decodeSubscription(event: unknown): Decoded {
  const data = isObj(event) && isObj(event.awslogs) ? event.awslogs.data : undefined
  if (typeof data !== 'string' || data.length === 0) return { ok: false, reason: 'no awslogs.data' }
  // The head only: a full regex pass costs as much as the decoding; gunzip refuses the rest.
  if (data.length % 4 !== 0 || !BASE64.test(data.slice(0, 256)))
    return { ok: false, reason: 'awslogs.data is not base64' }
  let json: Buffer
  try {
    json = gunzipSync(Buffer.from(data, 'base64'), { maxOutputLength: MAX_DECODED })
  } catch (error) {
    return { ok: false, reason: `awslogs.data is not gzip: ${(error as Error).message}` }
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(json.toString('utf8'))
  } catch {
    return { ok: false, reason: 'awslogs.data is not JSON' }
  }
  if (!isObj(parsed) || typeof parsed.messageType !== 'string')
    return { ok: false, reason: 'no messageType in the payload' }
  const events = parsed.logEvents
  if (parsed.messageType === 'DATA_MESSAGE' && !Array.isArray(events))
    return { ok: false, reason: 'no logEvents in the payload' }
  return {
    ok: true,
    bytes: json.length,
    data: {
      messageType: parsed.messageType,
      logGroup: typeof parsed.logGroup === 'string' ? parsed.logGroup : undefined,
      logStream: typeof parsed.logStream === 'string' ? parsed.logStream : undefined,
      logEvents: Array.isArray(events)
        ? events.filter((e): e is LogEvent => isObj(e) && typeof e.message === 'string')
        : [],
    },
  }
}
