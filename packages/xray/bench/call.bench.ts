import { createSocket } from 'node:dgram'
import type { AddressInfo } from 'node:net'
import { createContext, withContext } from '@sightline/correlation'
import { Bench } from 'tinybench'
import { report } from '../../../scripts/bench-report.js'
import { disableTracing, enableTracing, getHook, startCall, traced } from '../src/index.js'

// The cost a client pays per outgoing call: startCall() + end(). A sampled call builds the subsegment with
// the SDK's class, serializes it and hands it to a UDP socket (a port with no daemon: our side only).
const socket = createSocket('udp4')
await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r))
const { port } = socket.address() as AddressInfo
await new Promise<void>((r) => socket.close(() => r()))

const header = (sampled: 0 | 1) =>
  `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=${sampled};Lineage=a87bb23b:0`
const ids = { 'x-correlation-id': 'c6af9ac6-7b61-11e6-9a41-93e812345678', 'x-correlation-user-id': 'user-17' }
const sampled = createContext({ ids, traceHeader: header(1), source: 'api-gateway-rest' })
const unsampled = createContext({ ids, traceHeader: header(0), source: 'api-gateway-rest' })
const call = {
  kind: 'http',
  name: 'orders.internal',
  http: { method: 'GET', url: 'https://orders.internal/v1/orders/17?x=1' },
} as const
const work = () => 17

// Tracing on for the rows that need it. Between iterations, untimed, the sends of the last 64 calls leave
// and the socket closes, as at the end of an invocation making 64 calls.
let n = 0
const on = {
  beforeAll: () => void enableTracing({ enabled: true, daemonAddress: `127.0.0.1:${port}` }),
  afterEach: async () => void (++n % 64 === 0 && (await getHook()?.flush())),
  afterAll: () => disableTracing(),
}

const bench = new Bench({ time: 1500, warmup: true })
bench
  .add('tracing off: startCall() finds no hook', () => {
    withContext(sampled, () => startCall(call)?.end({ status: 200 }))
  })
  .add(
    'Sampled=0: startCall() + end()',
    () => {
      withContext(unsampled, () => startCall(call)!.end({ status: 200 }))
    },
    on,
  )
  .add(
    'Sampled=1: startCall() + end(), subsegment sent',
    () => {
      withContext(sampled, () => startCall(call)!.end({ status: 200 }))
    },
    on,
  )
  .add('tracing off: traced(name, fn)', async () => {
    await withContext(sampled, () => traced('step', work))
  })
  .add(
    'Sampled=1: traced(name, fn), subsegment sent',
    async () => {
      await withContext(sampled, () => traced('step', work))
    },
    on,
  )
await bench.run()
report(bench, 'tracing off: startCall() finds no hook')
