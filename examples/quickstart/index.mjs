// `pnpm demo`: three API Gateway requests through a wrapped handler, and the log lines they leave.
import { handler } from './handler.mjs'

const event = (headers, body) => ({
  resource: '/orders',
  path: '/orders',
  httpMethod: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  multiValueHeaders: {},
  requestContext: { requestId: `apigw-${Math.random().toString(16).slice(2, 10)}`, stage: 'prod' },
  body: JSON.stringify(body),
  isBase64Encoded: false,
})
const context = (n) => {
  const deadline = Date.now() + 3000
  return {
    awsRequestId: `lambda-req-${n}`,
    functionName: 'orders-api',
    functionVersion: '$LATEST',
    memoryLimitInMB: '512',
    getRemainingTimeInMillis: () => deadline - Date.now(),
  }
}
const say = (text) => process.stderr.write(`\n\x1b[1m${text}\x1b[0m\n`)

say(
  '1. A request that arrives with IDs from upstream (x-correlation-id, a user id, a trace header, debug on):',
)
const r1 = await handler(
  event(
    {
      'X-Correlation-Id': 'checkout-7f3a',
      'x-correlation-user-id': 'user-42',
      'Debug-Log-Enabled': 'true',
      'X-Amzn-Trace-Id': 'Root=1-6740a1b2-5f8d3e2a1c4b6d7e8f9a0b1c;Parent=53995c3f42cd8ad8;Sampled=1',
    },
    { id: 'A-1001', items: [1, 2] },
  ),
  context(1),
)
say(`   → returned ${r1.statusCode} ${r1.body}`)

say('2. A request with no IDs: x-correlation-id becomes the API Gateway request id:')
const r2 = await handler(event({}, { id: 'A-1002', items: [3] }), context(2))
say(`   → returned ${r2.statusCode} ${r2.body}`)

say('3. A request that fails: one error line with the IDs, the cause chain and a redacted summary:')
try {
  await handler(
    event({ 'x-correlation-id': 'checkout-9c1d', Authorization: 'Bearer s3cr3t' }, { id: 'broken' }),
    context(3),
  )
} catch (err) {
  say(`   → the caller received the handler's own error: ${err.message}`)
}
say("Every line above carries its request's IDs. Next: the tests — see README.md.")
