import { cloudWatchLogsEvent } from '@sightline/testing'
import { Bench } from 'tinybench'
import { report } from '../../../scripts/bench-report.js'
import { createLogMetricsHandler, decodeSubscription } from '../src/processor.js'

// A realistic subscription batch from a busy function: 5,000 log events, a third of them metric lines
// (raw, behind the console prefix, in the JSON log format), the rest ordinary JSON log lines.
const s = Math.floor(Date.now() / 1000)
const messages: string[] = []
for (let i = 0; i < 5_000; i++) {
  const type = i % 3 === 0 ? 'histogram' : 'count'
  const tags = `service:orders,env:prod,channel:c${i % 5}`
  const line = `MONITORING|${s}|${i % 97}|${type}|orders.m${i % 40}|#${tags}`
  if (i % 3 === 0) messages.push(`${line}\n`)
  else if (i % 9 === 1)
    messages.push(`2026-11-22T01:02:03.456Z\tc6af9ac6-7b61-11e6-9a41-93e812345678\tINFO\t${line}\n`)
  else if (i % 9 === 2)
    messages.push(
      JSON.stringify({ timestamp: '2026-11-22T01:02:03.456Z', level: 'INFO', requestId: 'r', message: line }),
    )
  else
    messages.push(
      `${JSON.stringify({ level: 'info', time: Date.now(), id: 'f3a1', msg: `order ${i} placed` })}\n`,
    )
}
const event = cloudWatchLogsEvent({ logGroup: '/aws/lambda/orders', logStream: 's', messages })
const decoded = decodeSubscription(event)
const bytes = decoded.ok ? decoded.bytes : 0

// No network: a client that accepts every request, so the figure is the processor's own work.
const handler = createLogMetricsHandler({ namespace: 'Orders', client: { send: async () => ({}) }, env: {} })

const bench = new Bench({ time: 3000, warmup: true })
bench
  .add('decode only (base64 + gunzip + JSON.parse)', () => {
    decodeSubscription(event)
  })
  .add('processor: decode, find, parse, aggregate, batch', async () => {
    await handler(event)
  })
await bench.run()
report(bench, 'decode only (base64 + gunzip + JSON.parse)')
// Throughput from the median as well as the mean: the mean moves with the shared machine's load.
for (const t of bench.tasks) {
  const latency = (t.result as { latency?: Record<string, number> } | undefined)?.latency ?? {}
  const rate = (ms = Number.NaN) => (bytes / 1e6 / (ms / 1e3)).toFixed(1)
  process.stderr.write(
    `${t.name}: ${rate(latency.mean)} MB/s (mean), ${rate(latency.p50)} MB/s (median) ` +
      `of decoded log data, ${(bytes / 1e6).toFixed(2)} MB per batch\n`,
  )
}
