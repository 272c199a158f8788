import { writeSync } from 'node:fs'
import { Bench } from 'tinybench'
import { report } from '../../../scripts/bench-report.js'
import { createMetrics } from '../src/index.js'

// Every task writes the same bytes to fd 1 (the runner points it at /dev/null), so the difference to the
// baseline is what the metrics API costs beyond the write itself.
const env = {
  SIGHTLINE_SERVICE: 'orders',
  SIGHTLINE_ENVIRONMENT: 'prod',
  AWS_LAMBDA_FUNCTION_NAME: 'orders-api',
}
const metrics = createMetrics({}, env)
const seconds = Math.floor(Date.now() / 1000)
const defaults = 'service:orders,env:prod,function_name:orders-api'
const plain = `MONITORING|${seconds}|1|count|orders.placed|#${defaults}\n`
const tagged = `MONITORING|${seconds}|12.5|histogram|order.amount|#${defaults},channel:web,status_class:2xx\n`
const tags = { channel: 'web', status_class: '2xx' }

const bench = new Bench({ time: 3000, warmup: true })
bench
  .add('bare fs.writeSync of the line (count)', () => {
    writeSync(1, plain)
  })
  .add('metrics.count(name) → line', () => {
    metrics.count('orders.placed')
  })
  .add('bare fs.writeSync of the line (2 tags)', () => {
    writeSync(1, tagged)
  })
  .add('metrics.histogram(name, v, 2 tags) → line', () => {
    metrics.histogram('order.amount', 12.5, tags)
  })
await bench.run()
report(bench, 'bare fs.writeSync of the line (count)')
// Medians as well as means: on a shared machine the means move with the neighbours' load.
const stat = (name: string, key: 'mean' | 'p50'): number => {
  const result = bench.tasks.find((t) => t.name === name)?.result as
    | { latency?: Record<string, number> }
    | undefined
  return (result?.latency?.[key] ?? Number.NaN) * 1e3
}
const beyond = (task: string, base: string, key: 'mean' | 'p50') =>
  (stat(task, key) - stat(base, key)).toFixed(2)
for (const key of ['mean', 'p50'] as const) {
  process.stderr.write(
    `beyond the write (${key}): ` +
      `count ${beyond('metrics.count(name) → line', 'bare fs.writeSync of the line (count)', key)} µs, ` +
      `histogram with 2 tags ${beyond(
        'metrics.histogram(name, v, 2 tags) → line',
        'bare fs.writeSync of the line (2 tags)',
        key,
      )} µs\n`,
  )
}
