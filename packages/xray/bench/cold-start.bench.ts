import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Bench } from 'tinybench'
import { report } from '../../../scripts/bench-report.js'

// Cold start as Lambda pays it: a fresh Node process loads a handler module (the BUILT packages, as
// deployed) and sets it up. Each sample is the time from the process's start to the handler being ready,
// measured by the process itself (spawning and exiting are left out: they are the same for every row).
// Run `pnpm build` first.
const pkg = fileURLToPath(new URL('..', import.meta.url))
const handler = (setup: string) => `
  import { wrap } from '@sightline/handler-wrapper'
  ${setup}
  export const handler = wrap(async () => 'ok', { plugins })
  process.stdout.write(String(performance.now()))
`
const scripts = {
  core: handler('const plugins = []'),
  xray: handler("import { xrayPlugin } from '@sightline/xray'\nconst plugins = [xrayPlugin()]"),
  // What an eager import of the SDK's main entry costs (Powertools' tracer does this, on or off).
  eager: handler(
    "import { createRequire } from 'node:module'\ncreateRequire(import.meta.url)('aws-xray-sdk-core')\nconst plugins = []",
  ),
}
// pnpm's NODE_PATH and the runner's NODE_OPTIONS are not in a Lambda sandbox.
const { NODE_PATH: _, NODE_OPTIONS: __, SIGHTLINE_TRACING: ___, ...clean } = process.env
const lambda = { ...clean, LAMBDA_TASK_ROOT: pkg, AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000' }

/** Milliseconds from the process's start to its handler being ready, as the process measured it. */
function start(script: string, env: NodeJS.ProcessEnv): number {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: pkg,
    env,
    encoding: 'utf8',
  })
  if (r.status !== 0) throw new Error(`cold start failed: ${r.status} ${r.stderr}`)
  return Number(r.stdout)
}

// Round-robin: each round starts every variant once, so the load of this shared machine drifts over all
// rows alike (one row after another, the drift dwarfs the differences). tinybench only aggregates.
const rows: Array<[string, () => number]> = [
  ['core: wrap() with no plugin', () => start(scripts.core, lambda)],
  ['+ xrayPlugin(), tracing off', () => start(scripts.xray, lambda)],
  [
    '+ xrayPlugin(), SIGHTLINE_TRACING=true',
    () => start(scripts.xray, { ...lambda, SIGHTLINE_TRACING: 'true' }),
  ],
  ["core + require('aws-xray-sdk-core') (eager)", () => start(scripts.eager, lambda)],
]
const ROUNDS = 30
const samples = rows.map((): number[] => [])
for (let round = -2; round < ROUNDS; round++) {
  rows.forEach(([, run], i) => {
    const ms = run()
    if (round >= 0) samples[i]!.push(ms) // two rounds to warm the disk cache first
  })
}

const bench = new Bench({ time: 0, iterations: ROUNDS, warmup: false })
rows.forEach(([name], i) => {
  let next = 0
  bench.add(name, () => ({ overriddenDuration: samples[i]![next++ % ROUNDS]! }))
})
await bench.run()
report(bench, 'core: wrap() with no plugin')
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
const medians = rows.map(([name], i) => `${name}: ${median(samples[i]!).toFixed(1)} ms`)
process.stderr.write(`medians: ${medians.join(' · ')}\n`)
