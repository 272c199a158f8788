import { gzipSync } from 'node:zlib'
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from 'aws-lambda'
import { ACCOUNT_ID } from './defaults.js'

export type LogEventInput = string | { message: string; timestamp?: number; id?: string }

export interface CloudWatchLogsEventOptions {
  logGroup: string
  logStream: string
  messages: readonly LogEventInput[]
  subscriptionFilters?: string[]
  messageType?: 'DATA_MESSAGE' | 'CONTROL_MESSAGE'
  owner?: string
}

/** A CloudWatch Logs subscription event: `awslogs.data` is base64 of the gzipped JSON batch. */
export function cloudWatchLogsEvent({
  logGroup,
  logStream,
  messages,
  subscriptionFilters = ['my-filter'],
  messageType = 'DATA_MESSAGE',
  owner = ACCOUNT_ID,
}: CloudWatchLogsEventOptions): CloudWatchLogsEvent {
  const now = Date.now()
  const data: CloudWatchLogsDecodedData = {
    messageType,
    owner,
    logGroup,
    logStream,
    subscriptionFilters,
    logEvents: messages.map((m, i) => {
      const {
        message,
        timestamp = now + i,
        id = eventId(timestamp, i),
      } = typeof m === 'string' ? { message: m } : m
      return { id, timestamp, message }
    }),
  }
  return { awslogs: { data: gzipSync(JSON.stringify(data)).toString('base64') } }
}

/** CloudWatch Logs event IDs are 56-digit strings that sort by time. */
function eventId(timestamp: number, index: number): string {
  return `${String(timestamp).padStart(20, '0')}${String(index).padStart(36, '0')}`
}
