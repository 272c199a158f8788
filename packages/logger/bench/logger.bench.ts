import { createContext, withContext } from '@sightline/correlation'
import pino from 'pino'
import { Bench } from 'tinybench'
import { report } from '../../../scripts/bench-report.js'
import { createLogger } from '../src/index.js'

// Both write synchronously to fd 1 (the runner points it at /dev/null).
const raw = pino(pino.destination({ dest: 1, sync: true }))
// The same without pid/hostname, which Sightline's lines leave out (meaningless on Lambda).
const rawNoBase = pino({ base: null }, pino.destination({ dest: 1, sync: true }))
const logger = createLogger({ level: 'info' }, {})
const ctx = createContext({
  ids: { 'x-correlation-id': 'f3a1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b', 'x-correlation-user-id': 'user-42' },
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  traceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
  lambda: {
    functionName: 'orders-api',
    functionVersion: '$LATEST',
    memoryLimitInMB: 1024,
    invokedFunctionArn: undefined,
    logGroupName: undefined,
    logStreamName: undefined,
    coldStart: false,
  },
})

const bench = new Bench({ time: 1500, warmup: true })
bench
  .add('raw pino sync line', () => {
    raw.info({ orderId: 17 }, 'order placed')
  })
  .add('raw pino sync line, no pid/hostname', () => {
    rawNoBase.info({ orderId: 17 }, 'order placed')
  })
  .add('sightline line in context', () => {
    withContext(ctx, () => logger.info({ orderId: 17 }, 'order placed'))
  })
  .add('sightline line, context already open', () => {
    logger.info({ orderId: 17 }, 'order placed')
  })
  .add('sightline debug line dropped (info level)', () => {
    logger.debug({ orderId: 17 }, 'order placed')
  })

await withContext(ctx, () => bench.run())
report(bench, 'raw pino sync line')
