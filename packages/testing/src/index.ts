export { type AlbEventOptions, albEvent } from './alb.js'
export { type ApiGatewayV1EventOptions, apiGatewayV1Event, apiGatewayV2Event } from './api-gateway.js'
export { expectEveryLineHas, type FieldExpectations } from './assertions.js'
export type { Attributes } from './attributes.js'
export type { LogCapture, LogOutput, LogRecord, SetOutput } from './capture.js'
export { type CaptureLogsOptions, captureLogs } from './capture-logs.js'
export { type Clock, type ManualClock, manualClock } from './clock.js'
export {
  type CloudWatchLogsEventOptions,
  cloudWatchLogsEvent,
  type LogEventInput,
} from './cloudwatch-logs.js'
export { type FakeClientContext, type FakeContext, type FakeContextOptions, fakeContext } from './context.js'
export { type DirectInvokeOptions, directInvokeEvent } from './direct.js'
export { type DynamodbEventOptions, type DynamodbRecordInput, dynamodbEvent } from './dynamodb.js'
export {
  type EventBridgeEventOptions,
  eventBridgeEvent,
  type ScheduledEventOptions,
  scheduledEvent,
} from './eventbridge.js'
export { functionUrlEvent } from './function-url.js'
export type { HeaderInput, HttpEventOptions } from './http.js'
export { type KinesisEventOptions, type KinesisRecordInput, kinesisEvent } from './kinesis.js'
export { type SnsEventOptions, type SnsMessageInput, snsEvent } from './sns.js'
export {
  type SnsSqsEventOptions,
  type SnsSqsRecordInput,
  type SqsEventOptions,
  type SqsRecordInput,
  snsSqsEvent,
  sqsEvent,
} from './sqs.js'
