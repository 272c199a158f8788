// One fresh process of the benchmark: loads one handler (a module or an esbuild bundle), invokes it as the
// Lambda runtime would, and reports on stderr as one `@@result <json>` line. Its stdout is /dev/null (or a
// file, in `bytes` mode), so log lines cost their write and nothing else.
//   node child.mjs <mode: cold|warm|error|bytes> <handler file> [receiver port]
import { fstatSync, readFileSync } from 'node:fs'
import { get } from 'node:http'
import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'

const [mode, file, port] = process.argv.slice(2)
const event = JSON.parse(
  readFileSync(
    new URL(
      '../../../packages/correlation/test/fixtures/apiGatewayProxyEvent.correlated.json',
      import.meta.url,
    ),
    'utf8',
  ),
)

let n = 0
// A new context per invocation, as the runtime gives: its own request id and deadline.
function contextFor() {
  const deadline = Date.now() + 30_000
  const id = `c6af9ac6-7b61-11e6-9a41-${String(++n).padStart(12, '0')}`
  return {
    awsRequestId: id,
    functionName: 'orders-api',
    functionVersion: '$LATEST',
    memoryLimitInMB: '1024',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api',
    logGroupName: '/aws/lambda/orders-api',
    logStreamName: '2026/11/22/[$LATEST]0123456789abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  }
}

// CPU time of the whole process (all its threads) so far: steadier than wall time on a shared machine.
const cpuMs = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const done = (result) => {
  process.stderr.write(`@@result ${JSON.stringify(result)}\n`)
  process.exit(0)
}

async function load() {
  if (file.endsWith('.cjs')) return createRequire(import.meta.url)(file).handler
  return (await import(pathToFileURL(file).href)).handler
}

// node:http rather than fetch: loading undici would add to the process's own figures.
function eventsReceived() {
  return new Promise((resolve, reject) => {
    get(`http://127.0.0.1:${port}/count`, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => resolve(JSON.parse(body).events))
    }).on('error', reject)
  })
}

// Failing invocations: each must have been delivered by the time the call returned, so the count the
// receiver reports right after the return (outside the timed window) must already include it.
async function failing(handler, expected) {
  const t0 = performance.now()
  let threw = false
  try {
    await handler(event, contextFor())
  } catch {
    threw = true
  }
  const endAt = performance.now()
  const cpuAt = cpuMs()
  const received = port ? await eventsReceived() : 0
  return { ms: endAt - t0, endAt, cpuAt, threw, delivered: received >= expected }
}

const handler = await load()
const importMs = performance.now()

if (mode === 'error') {
  // The receiver's count was reset before this process started.
  const first = await failing(handler, 1)
  const samples = []
  let delivered = first.delivered
  for (let i = 0; i < 20; i++) {
    const r = await failing(handler, i + 2)
    samples.push(r.ms)
    delivered &&= r.delivered && r.threw
  }
  done({
    importMs,
    firstMs: first.ms,
    coldMs: first.endAt,
    warmMs: median(samples),
    delivered,
    threw: first.threw,
  })
}

const first = await handler(event, contextFor())
const firstMs = performance.now()
const firstCpuMs = cpuMs()
const rss = process.memoryUsage.rss()
if (first?.statusCode !== 200) throw new Error(`unexpected response ${JSON.stringify(first)}`)

if (mode === 'cold') done({ importMs, firstMs, firstCpuMs, rss })

if (mode === 'bytes') {
  const afterFirst = fstatSync(1).size
  const count = 20
  for (let i = 0; i < count; i++) await handler(event, contextFor())
  done({ firstBytes: afterFirst, perInvocation: (fstatSync(1).size - afterFirst) / count })
}

// warm: run until the JIT settles, then time batches of ~50 ms and keep their median per invocation.
const WARMUP_MS = 400
const MEASURE_MS = 1500
let warmed = 0
const warmEnd = performance.now() + WARMUP_MS
while (warmed < 200 || performance.now() < warmEnd) {
  await handler(event, contextFor())
  warmed++
}
const batch = Math.max(20, Math.round((warmed / WARMUP_MS) * 50))
const perInvocationUs = []
const cpuPerInvocationUs = []
const end = performance.now() + MEASURE_MS
while (perInvocationUs.length < 7 || performance.now() < end) {
  const c0 = cpuMs()
  const t0 = performance.now()
  for (let i = 0; i < batch; i++) await handler(event, contextFor())
  perInvocationUs.push(((performance.now() - t0) / batch) * 1000)
  cpuPerInvocationUs.push(((cpuMs() - c0) / batch) * 1000)
}
done({
  importMs,
  firstMs,
  firstCpuMs,
  rss,
  warmUs: median(perInvocationUs),
  warmCpuUs: median(cpuPerInvocationUs),
  batches: perInvocationUs.length,
  batch,
})
