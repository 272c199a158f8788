import { randomInt } from 'node:crypto'
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda'
import type { Attributes } from './attributes.js'
import { ACCOUNT_ID, REGION, uuid } from './defaults.js'
import { spliceContext } from './envelope.js'

export interface KinesisRecordInput {
  /** Text as is, bytes as they are, anything else as JSON. */
  data: string | Uint8Array | object
  partitionKey?: string
  /** Correlation IDs for this record, over the builder's `correlation`. */
  correlation?: Attributes
}

export interface KinesisEventOptions {
  records: readonly KinesisRecordInput[]
  streamArn?: string
  /**
   * Correlation IDs spliced in as the first member (`__context__`) of each record's JSON object data.
   * Data that is not a JSON object text or value (plain text, bytes, arrays) carries none.
   */
  correlation?: Attributes
}

/** A Kinesis Data Streams event; each record's data is base64 in `kinesis.data`. */
export function kinesisEvent({
  records,
  streamArn = `arn:aws:kinesis:${REGION}:${ACCOUNT_ID}:stream/my-stream`,
  correlation,
}: KinesisEventOptions): KinesisStreamEvent {
  // 56-digit sequence numbers that grow within the shard, as Kinesis gives them.
  let sequence = BigInt(`49${String(randomInt(1e9)).padStart(9, '0')}${'0'.repeat(45)}`)
  const arrival = Date.now() / 1000
  return {
    Records: records.map((r, i): KinesisStreamRecord => {
      sequence += 10n ** 20n + BigInt(randomInt(1e9))
      const ids = r.correlation === undefined ? correlation : { ...correlation, ...r.correlation }
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: r.partitionKey ?? uuid(),
          sequenceNumber: String(sequence),
          data: encode(r.data, ids),
          approximateArrivalTimestamp: Math.round((arrival + i * 0.001) * 1000) / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${sequence}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: `arn:aws:iam::${ACCOUNT_ID}:role/lambda-role`,
        awsRegion: streamArn.split(':')[3] ?? REGION,
        eventSourceARN: streamArn,
      }
    }),
  }
}

function encode(data: KinesisRecordInput['data'], ids: Attributes | undefined): string {
  if (data instanceof Uint8Array)
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')
  const text = typeof data === 'string' ? data : JSON.stringify(data)
  return Buffer.from(spliceContext(text, ids), 'utf8').toString('base64')
}
