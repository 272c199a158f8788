import { invalidOption } from '@sightline/correlation'
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda'
import { ACCOUNT_ID, REGION, uuid } from './defaults.js'

export interface DynamodbRecordInput {
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE'
  /** Plain values, marshalled to DynamoDB's typed JSON (`{ S }`, `{ N }`, `{ M }`, …). */
  keys: Readonly<Record<string, unknown>>
  newImage?: Readonly<Record<string, unknown>>
  oldImage?: Readonly<Record<string, unknown>>
}

export interface DynamodbEventOptions {
  records: readonly DynamodbRecordInput[]
  tableName?: string
}

/** A DynamoDB Streams event (NEW_AND_OLD_IMAGES). The stream has no place for correlation IDs. */
export function dynamodbEvent({
  records,
  tableName = 'my-table',
}: DynamodbEventOptions): DynamoDBStreamEvent {
  const streamArn = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${tableName}/stream/2026-01-01T00:00:00.000`
  let sequence = 100_000_000_000_000_000_000n
  const created = Math.floor(Date.now() / 1000)
  return {
    Records: records.map(({ eventName = 'INSERT', keys, newImage, oldImage }): DynamoDBRecord => {
      sequence += 100n
      const dynamodb: NonNullable<DynamoDBRecord['dynamodb']> = {
        ApproximateCreationDateTime: created,
        Keys: marshallItem(keys),
        SequenceNumber: String(sequence),
        SizeBytes: 0,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      }
      if (newImage !== undefined) dynamodb.NewImage = marshallItem(newImage)
      if (oldImage !== undefined) dynamodb.OldImage = marshallItem(oldImage)
      dynamodb.SizeBytes = JSON.stringify([dynamodb.Keys, dynamodb.NewImage, dynamodb.OldImage]).length
      return {
        eventID: uuid().replaceAll('-', ''),
        eventName,
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: REGION,
        dynamodb,
        eventSourceARN: streamArn,
      }
    }),
  }
}

function marshallItem(item: Readonly<Record<string, unknown>>, prefix = ''): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {}
  for (const [k, v] of Object.entries(item)) if (v !== undefined) out[k] = marshall(v, `${prefix}${k}`)
  return out
}

function marshall(value: unknown, path: string): AttributeValue {
  if (value === null) return { NULL: true }
  if (typeof value === 'string') return { S: value }
  if (typeof value === 'number' || typeof value === 'bigint') return { N: String(value) }
  if (typeof value === 'boolean') return { BOOL: value }
  if (value instanceof Uint8Array) return { B: Buffer.from(value).toString('base64') }
  if (Array.isArray(value)) return { L: value.map((v, i) => marshall(v, `${path}[${i}]`)) }
  if (value instanceof Set) {
    const items = [...value]
    if (items.every((v) => typeof v === 'string')) return { SS: items }
    if (items.every((v) => typeof v === 'number' || typeof v === 'bigint')) return { NS: items.map(String) }
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return { M: marshallItem(value as Record<string, unknown>, `${path}.`) }
  }
  return invalidOption(
    path,
    'a string, number, bigint, boolean, null, Uint8Array, array, Set or plain object',
    value,
  )
}
