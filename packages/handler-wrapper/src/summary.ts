import type { EventSource } from '@sightline/correlation'
import { type Redaction, redactValue } from '@sightline/logger'

const MAX_SUMMARY = 2048
type Obj = Record<string, unknown>
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x)

/**
 * What the error line says about the event: enough to see what the invocation was doing (method, path,
 * redacted headers, record ids), never the whole payload, and never a secret the redaction knows of.
 */
export function summarizeEvent(event: unknown, source: EventSource, redaction: Redaction): unknown {
  if (!isObj(event)) return typeof event === 'string' ? truncate(event) : event
  switch (source) {
    case 'api-gateway-rest':
    case 'api-gateway-http':
    case 'function-url':
    case 'alb': {
      const rc = isObj(event.requestContext) ? event.requestContext : {}
      const http = isObj(rc.http) ? rc.http : {}
      return redactValue(
        {
          source,
          method: event.httpMethod ?? http.method,
          path: event.path ?? event.rawPath ?? http.path,
          headers: event.headers,
          multiValueHeaders: event.multiValueHeaders,
          queryStringParameters:
            event.queryStringParameters === null ? undefined : keysOf(event.queryStringParameters),
          bodyLength: typeof event.body === 'string' ? event.body.length : undefined,
        },
        redaction,
      )
    }
    case 'sqs':
    case 'sns':
    case 'kinesis':
    case 'dynamodb': {
      const records = Array.isArray(event.Records) ? event.Records : []
      return { source, records: records.length, ids: records.slice(0, 10).map(recordId) }
    }
    default: {
      const copy = redactValue(event, redaction)
      const json = safeJson(copy)
      return json !== undefined && json.length <= MAX_SUMMARY
        ? copy
        : { source, keys: Object.keys(event).slice(0, 20) }
    }
  }
}

function keysOf(x: unknown): string[] | undefined {
  return isObj(x) ? Object.keys(x).slice(0, 20) : undefined
}

function recordId(r: unknown): unknown {
  if (!isObj(r)) return undefined
  if (typeof r.messageId === 'string') return r.messageId
  if (isObj(r.kinesis)) return r.kinesis.sequenceNumber
  if (isObj(r.dynamodb)) return r.dynamodb.SequenceNumber
  if (isObj(r.Sns)) return r.Sns.MessageId
  return undefined
}

function truncate(s: string): string {
  return s.length > MAX_SUMMARY ? `${s.slice(0, MAX_SUMMARY)}…` : s
}

function safeJson(x: unknown): string | undefined {
  try {
    return JSON.stringify(x)
  } catch {
    return undefined
  }
}
