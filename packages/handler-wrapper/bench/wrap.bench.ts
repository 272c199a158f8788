import { createLogger } from '@sightline/logger'
import { Bench } from 'tinybench'
import { report } from '../../../scripts/bench-report.js'
import event from '../../correlation/test/fixtures/apiGatewayProxyEvent.correlated.json' with { type: 'json' }
import { wrap } from '../src/index.js'

// A realistic Lambda context: getRemainingTimeInMillis is a function, as the runtime's is.
const deadline = Date.now() + 15 * 60_000
const context = {
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  functionName: 'orders-api',
  functionVersion: '$LATEST',
  memoryLimitInMB: '1024',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api',
  logGroupName: '/aws/lambda/orders-api',
  logStreamName: '2026/11/22/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => deadline - Date.now(),
}
const logger = createLogger({ level: 'info' }, {})
const response = { statusCode: 200, body: '{"ok":true}' }

// The baseline does the same user work: one info line (plain logger, no context) and a response.
const bare = async (_event: unknown, _context: unknown) => {
  logger.info({ orderId: 17 }, 'order placed')
  return response
}
const wrapped = wrap(bare, { logger })
const wrappedWithPlugin = wrap(bare, { logger, plugins: [{ name: 'idle-sink', flush: () => undefined }] })

const bench = new Bench({ time: 2000, warmup: true })
bench
  .add('bare handler + 1 log line', async () => {
    await bare(event, context)
  })
  .add('wrap(handler): API GW v1 capture + 1 log line', async () => {
    await wrapped(event, context)
  })
  .add('wrap(handler) + an idle plugin', async () => {
    await wrappedWithPlugin(event, context)
  })
await bench.run()
report(bench, 'bare handler + 1 log line')
