// Sentry's cost, in three parts, each against its baseline in the same run:
// 1. a successful invocation, with the plugin configured (lazy: nothing loaded) vs without;
//    then with @sentry/node loaded (eager, or after a first failure): one isolation scope per invocation;
// 2. cold start (fresh process to the end of the first invocation), core vs Sentry lazy vs eager;
// 3. a failing invocation, including the event's delivery to a local receiver (another process).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { wrap } from '@sightline/handler-wrapper'
import { setOutput } from '@sightline/logger'
import { build } from 'esbuild'
import { Bench } from 'tinybench'
import { report } from '../../../scripts/bench-report.js'
import { sentry } from '../src/index.js'
import { startReceiver } from '../test/receiver.js'

setOutput({ write() {} })

/** Medians too: on a shared machine a few long pauses move the means. */
function medians(bench: Bench, unit: 'µs' | 'ms'): void {
  const scale = unit === 'µs' ? 1000 : 1
  const rows = bench.tasks.map((t) => {
    const p50 = (t.result as { latency?: { p50?: number } } | undefined)?.latency?.p50 ?? Number.NaN
    return `- ${t.name}: median ${(p50 * scale).toFixed(2)} ${unit}`
  })
  process.stderr.write(`\n${rows.join('\n')}\n`)
}
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
const event = {
  httpMethod: 'POST',
  path: '/orders',
  headers: { 'x-correlation-id': 'bench-1' },
  requestContext: { requestId: 'apigw-1' },
  body: '{}',
}
const response = { statusCode: 200, body: '{"ok":true}' }
const ok = async () => response

const receiver = await startReceiver({ isolated: true })
const plugin = sentry({ dsn: receiver.dsn(), env: { AWS_REGION: 'eu-west-1' } })

// 1a. Before anything loads the SDK.
const bare = wrap(ok)
const withIdle = wrap(ok, {
  plugins: [{ name: 'idle', onInvoke() {}, onError() {}, flush: () => undefined }],
})
const withSentry = wrap(ok, { plugins: [plugin] })
const success = new Bench({ time: 3000, warmup: true })
success
  .add('wrap(handler)', async () => {
    await bare(event, context)
  })
  .add('wrap(handler) + an idle plugin (the pipeline alone)', async () => {
    await withIdle(event, context)
  })
  .add('wrap(handler) + sentry(), lazy: SDK not loaded', async () => {
    await withSentry(event, context)
  })
await success.run()
process.stderr.write('\n### Successful invocation, Sentry configured (lazy) vs not\n\n')
report(success, 'wrap(handler)')
medians(success, 'µs')

// 1b. The SDK loaded (eager, or after a first failure): onInvoke opens an isolation scope per invocation.
await plugin.load()
const loaded = new Bench({ time: 2000, warmup: true })
loaded
  .add('wrap(handler)', async () => {
    await bare(event, context)
  })
  .add('wrap(handler) + sentry(), SDK loaded', async () => {
    await withSentry(event, context)
  })
await loaded.run()
process.stderr.write('\n### Successful invocation, @sentry/node loaded\n\n')
report(loaded, 'wrap(handler)')
medians(loaded, 'µs')

// 3. Failing invocations: the error line, the capture and the delivery to the receiver.
const boom = () => {
  throw new Error('order rejected')
}
const failingBare = wrap(async () => boom())
const failingSentry = wrap(async () => boom(), { plugins: [plugin] })
const failing = new Bench({ time: 3000, warmup: true })
failing
  .add('failing wrap(handler), no Sentry', async () => {
    await failingBare(event, context).catch(() => {})
  })
  .add('failing wrap(handler) + sentry(): event delivered', async () => {
    await failingSentry(event, context).catch(() => {})
  })
await failing.run()
process.stderr.write('\n### Failing invocation, including delivery to a local receiver\n\n')
report(failing, 'failing wrap(handler), no Sentry')
medians(failing, 'ms')

// 2. Cold starts, in fresh processes importing the built packages (run `pnpm --filter
// @sightline/sentry-lambda build` first), interleaved so machine noise hits every variant alike.
const script = fileURLToPath(new URL('./fixtures/cold-start.mjs', import.meta.url))
const cwd = fileURLToPath(new URL('..', import.meta.url))
const runOnce = (variant: string) =>
  new Promise<[number, number]>((resolve, reject) => {
    const child = spawn(process.execPath, [script, variant, receiver.dsn()], {
      cwd,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => {
      out += c
    })
    child.on('error', reject)
    child.on('exit', (code) => {
      const [total, configured] = out.trim().split(' ').map(Number)
      if (code === 0) resolve([total!, configured!])
      else reject(new Error(`${variant}: exit ${code}`))
    })
  })
// Bundled as users ship it: ESM with code splitting (the SDK in its own chunk, loaded at the first
// failure), and one file (the SDK parsed at init, though evaluated only at the first failure).
const out = mkdtempSync(join(tmpdir(), 'sightline-sentry-bench-'))
const banner = {
  js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
}
const bundle = async (entry: string, dir: string, splitting: boolean) => {
  await build({
    entryPoints: [fileURLToPath(new URL(`./fixtures/${entry}.mjs`, import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    splitting,
    outdir: join(out, dir),
    outExtension: { '.js': '.mjs' },
    banner,
    tsconfigRaw: {}, // the published dist, not the workspace's source paths
    logLevel: 'error',
  })
  return `bundle:${join(out, dir, `${entry}.mjs`)}`
}
const bundles = {
  'bundled core': await bundle('bundle-core', 'core', false),
  'bundled + sentry, split': await bundle('bundle-sentry', 'split', true),
  'bundled + sentry, one file': await bundle('bundle-sentry', 'single', false),
}
const variants = ['node', 'core', 'lazy', 'eager', 'lazy-failing', ...Object.keys(bundles)] as const
const samples: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v, []]))
const configure: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v, []]))
const RUNS = 21
for (let i = 0; i < RUNS; i++) {
  for (const v of variants) {
    const [total, configured] = await runOnce(bundles[v as keyof typeof bundles] ?? v)
    samples[v]!.push(total)
    configure[v]!.push(configured)
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
// Bundled variants compare with the bundled core, the others with the unbundled one.
const baseOf = (v: string) => median(samples[v.startsWith('bundled') ? 'bundled core' : 'core']!)
process.stderr.write(
  `\n### Cold start: process start to the end of the first invocation (${RUNS} fresh processes)\n\n` +
    '| variant | median | over its core | configuring Sentry, in-process |\n|---|---|---|---|\n' +
    variants
      .map(
        (v) =>
          `| ${v} | ${median(samples[v]!).toFixed(1)} ms | ${(median(samples[v]!) - baseOf(v)).toFixed(1)} ms | ` +
          `${median(configure[v]!).toFixed(2)} ms |`,
      )
      .join('\n') +
    '\n',
)
rmSync(out, { recursive: true, force: true })
await receiver.close()
process.exit(0)
