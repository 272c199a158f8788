/**
 * Service limits the injection stays within: ours is skipped (never the caller's message) when it would
 * push a message over one of them.
 */
export const awsLimits = Object.freeze({
  /** SNS and SQS message attributes per message; SNS→SQS raw delivery drops a message with more. */
  maxMessageAttributes: 10,
  /** SNS message, SQS message (a queue's default), SNS/SQS batch: body plus attribute names, types, values. */
  maxMessageBytes: 262_144,
  /** Kinesis record: data plus partition key. */
  maxKinesisRecordBytes: 1_048_576,
  /** Kinesis PutRecords: every record's data plus partition key. */
  maxKinesisRequestBytes: 5_242_880,
  /** Firehose record data, before base64. */
  maxFirehoseRecordBytes: 1_024_000,
  /** Firehose PutRecordBatch: every record's data. */
  maxFirehoseRequestBytes: 4_194_304,
  /** EventBridge PutEvents: the entries' Source, DetailType, Detail, Resources and Time, all together. */
  maxEventBytes: 262_144,
  /** Lambda Invoke `ClientContext`, base64. */
  maxClientContextBytes: 3_583,
  /** Lambda asynchronous (`Event`) invocation payload. */
  maxAsyncPayloadBytes: 262_144,
  /** Step Functions execution input. */
  maxExecutionInputBytes: 262_144,
  /** Step Functions `traceHeader`. */
  maxStepFunctionsTraceHeader: 256,
})
