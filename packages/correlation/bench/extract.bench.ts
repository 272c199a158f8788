import { readFileSync } from 'node:fs'
import { Bench } from 'tinybench'
import { report } from '../../../scripts/bench-report.js'
import {
  createContext,
  extractFromEvent,
  extractFromRecord,
  parseTraceHeader,
  withContext,
} from '../src/index.js'

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8'))

const context = {
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  functionName: 'orders-api',
  functionVersion: '$LATEST',
  memoryLimitInMB: '1024',
}
const sources: Array<[string, string]> = [
  ['API Gateway REST v1', 'apiGatewayProxyEvent.correlated.json'],
  ['HTTP API v2', 'apiGatewayProxyV2Event.correlated.json'],
  ['Function URL', 'lambdaFunctionUrlEvent.correlated.json'],
  ['ALB multi-value', 'albMultiValueHeadersEvent.correlated.json'],
  ['SNS', 'snsEvent.correlated.json'],
  ['SQS batch (invocation level)', 'sqsEvent.correlated.json'],
  ['SNS→SQS (envelope)', 'snsSqsEvent.correlated.json'],
  ['Kinesis batch (invocation level)', 'kinesisStreamEvent.correlated.json'],
  ['EventBridge', 'eventBridgeEvent.correlated.json'],
  ['DynamoDB Streams', 'dynamoStreamEvent.json'],
  ['direct invoke', 'directInvoke.correlated.json'],
  ['scheduled', 'scheduledEvent.json'],
]

const bench = new Bench({ time: 500, warmup: true })
bench.add('baseline: createContext from known IDs', () => {
  createContext({ ids: { 'x-correlation-id': 'abc' }, awsRequestId: context.awsRequestId })
})
bench.add('withContext(ctx, fn)', () => {
  withContext(createContext({ ids: { 'x-correlation-id': 'abc' } }), () => 1)
})
bench.add('parseTraceHeader', () => {
  parseTraceHeader(
    'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1',
  )
})
for (const [name, file] of sources) {
  const event = fixture(file)
  bench.add(`extractFromEvent: ${name}`, () => {
    extractFromEvent(event, context)
  })
}
for (const [name, file] of [
  ['SQS', 'sqsEvent.correlated.json'],
  ['Kinesis (envelope stripped)', 'kinesisStreamEvent.correlated.json'],
] as const) {
  const event = fixture(file) as { Records: unknown[] }
  const parent = extractFromEvent(event, context)
  bench.add(`extractFromRecord per record: ${name}`, () => {
    for (const record of event.Records) extractFromRecord(record, parent)
  })
}
await bench.run()
report(bench, 'baseline: createContext from known IDs')
