import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, type Metafile } from 'esbuild'
import { describe, expect, it } from 'vitest'

// Deterministic budgets only (sizes and module lists, never times: those are in BENCHMARKS.md, made by
// `pnpm bench:peers`). Both run against the built packages (dist), as a user's bundler and Node see them.
const root = fileURLToPath(new URL('..', import.meta.url))
const packages = fileURLToPath(new URL('../../../packages/', import.meta.url))

// The quick-start handler (correlation + logger + handler-wrapper), minified: ~62 KiB / ~22 KiB gzipped
// today (BENCHMARKS.md). Issue 9's target is 75 / 25 KiB; these budgets are today's size plus a small margin.
const BUDGET = { minified: 64 * 1024, gzipped: 23 * 1024 }

// Loaded only when used: a handler that configures Sentry, or imports Sightline at all, pays nothing for them.
const LAZY = /(?:^|[\\/])node_modules[\\/](?:@sentry|@aws-sdk|@smithy|aws-xray-sdk-core)[\\/]/

async function bundle(format: 'esm' | 'cjs', entry = `${root}handler.mjs`) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format,
    write: false,
    metafile: true,
    logLevel: 'silent',
    // As in a user's project: resolve the published packages (dist), not this repo's source paths.
    tsconfigRaw: '{}',
  })
  const code = result.outputFiles[0]?.contents ?? new Uint8Array()
  // What is in the output: the metafile's inputs also list modules read and then tree-shaken away.
  const [output] = Object.values((result.metafile as Metafile).outputs)
  const inputs = Object.entries(output?.inputs ?? {})
    .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
    .map(([path]) => path)
  return { minified: code.byteLength, gzipped: gzipSync(code).byteLength, inputs }
}

describe.each(['esm', 'cjs'] as const)('the minified %s bundle of the quick-start handler', (format) => {
  it('stays within the size budget, minified and gzipped', async () => {
    const { minified, gzipped } = await bundle(format)
    expect(minified).toBeLessThanOrEqual(BUDGET.minified)
    expect(gzipped).toBeLessThanOrEqual(BUDGET.gzipped)
    // A bundle that lost its contents would pass a ceiling: it also has a floor.
    expect(minified).toBeGreaterThan(20 * 1024)
  })

  it('holds the core packages and no Sentry, AWS SDK or X-Ray module', async () => {
    const { inputs } = await bundle(format)
    expect(inputs.filter((path) => LAZY.test(path))).toEqual([])
    for (const pkg of ['correlation', 'logger', 'handler-wrapper'])
      expect(inputs.some((path) => path.includes(`packages/${pkg}/dist/`))).toBe(true)
  })
})

// A handler with the Sentry plugin, written as ESM and bundled to one CommonJS file (CDK's and SAM's
// default): the bundler follows the plugin's lazy import, so the SDK is in the file and V8 parses it at
// init. The plugin imports it by name, so only its error path comes along (~530 KiB today, Sightline's
// packages included; all of @sentry/node was ~990 KiB): no tracing integrations, no OpenTelemetry
// instrumentations.
describe('the one-file CommonJS bundle of a handler with the Sentry plugin', () => {
  it("holds the SDK's error path only", async () => {
    const entry = `${packages}sentry-lambda/dist/index.js`
    const { minified, inputs } = await bundle('cjs', entry)
    const sdk = inputs.filter((path) => /[\\/]node_modules[\\/]@sentry[\\/]node[\\/]/.test(path))
    expect(sdk.length).toBeGreaterThan(0)
    expect(inputs.filter((path) => /integrations[\\/]tracing[\\/]|instrumentation-/.test(path))).toEqual([])
    expect(minified).toBeLessThanOrEqual(560 * 1024)
  })
})

// A fresh Node process imports the packages and configures a handler with the metrics and Sentry plugins,
// then prints every module it loaded: ESM modules as the loader hook saw them, CommonJS ones from the
// require cache; then again once it used Sentry (`load()`).
const child = (sentryEntry: string) => `
import { createRequire, register } from 'node:module'
import { MessageChannel } from 'node:worker_threads'
const { port1, port2 } = new MessageChannel()
const seen = new Set()
// Messages on one port arrive in order: once a marker module's URL is back, every URL before it is too.
const waiting = new Map()
port1.on('message', (url) => (waiting.has(url) ? waiting.get(url)() : seen.add(url)))
port1.unref()
const hooks = 'export let port; export function initialize(data) { port = data.port }' +
  ' export async function load(url, context, next) { port.postMessage(url); return next(url, context) }'
register('data:text/javascript,' + encodeURIComponent(hooks), { data: { port: port2 }, transferList: [port2] })
let markers = 0
const loaded = async () => {
  const marker = 'data:text/javascript,export{}//marker-' + ++markers
  const back = new Promise((resolve) => waiting.set(marker, resolve))
  await import(marker)
  await back
  const cjs = Object.keys(createRequire(import.meta.url).cache)
  return [...seen, ...cjs]
}
const { wrap } = await import('@sightline/handler-wrapper')
const { logger } = await import('@sightline/logger')
await import('@sightline/correlation')
const { metrics } = await import(${JSON.stringify(`${packages}metrics/dist/index.js`)})
const { sentry } = await import(${JSON.stringify(sentryEntry)})
const plugin = sentry({ dsn: 'http://key@127.0.0.1:9/1' })
wrap(async () => logger.info('configured'), { plugins: [metrics.plugin(), plugin] })
// Sentry's global carrier and OpenTelemetry's API global: set when the SDK is evaluated, however it was
// loaded (the hook above does not see what \`require(esm)\` loads, which the ESM build uses for the SDK).
const globals = () => ({
  sentry: globalThis.__SENTRY__ !== undefined,
  otel: globalThis[Symbol.for('opentelemetry.js.api.1')] !== undefined,
})
const atImport = await loaded()
const globalsAtImport = globals()
const ready = await plugin.load()
// Its own line: the packages may write theirs on stdout too.
process.stdout.write('\\n@@modules ' + JSON.stringify({ atImport, globalsAtImport, ready, afterUse: await loaded(), globalsAfterUse: globals() }) + '\\n')
`

function listModules(sentryEntry: string) {
  const out = execFileSync(process.execPath, ['--input-type=module', '--eval', child(sentryEntry)], {
    // Bare specifiers of --eval code resolve from the working directory: this package's dependencies.
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, AWS_LAMBDA_FUNCTION_NAME: 'orders-api', LAMBDA_TASK_ROOT: root },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const line = out.split('\n').find((l) => l.startsWith('@@modules ')) ?? ''
  type Globals = { sentry: boolean; otel: boolean }
  return JSON.parse(line.slice('@@modules '.length)) as {
    atImport: string[]
    globalsAtImport: Globals
    ready: boolean
    afterUse: string[]
    globalsAfterUse: Globals
  }
}

describe.each([
  ['ESM', 'index.js'],
  ['CommonJS', 'index.cjs'],
])(
  'importing the packages, with the %s build of the Sentry plugin, and configuring a handler',
  (_, entry) => {
    it('loads no Sentry, AWS SDK or X-Ray module until Sentry is used', () => {
      const { atImport, globalsAtImport, ready, afterUse, globalsAfterUse } = listModules(
        `${packages}sentry-lambda/dist/${entry}`,
      )
      expect(atImport.some((m) => m.includes('packages/logger/dist/'))).toBe(true)
      expect(atImport.some((m) => m.includes(`packages/sentry-lambda/dist/${entry}`))).toBe(true)
      expect(atImport.filter((m) => LAZY.test(m))).toEqual([])
      expect(globalsAtImport).toEqual({ sentry: false, otel: false })
      // Used, it shows up: the checks see what they look for (the ESM build's SDK only in the globals).
      expect(ready).toBe(true)
      expect(globalsAfterUse).toEqual({ sentry: true, otel: true })
      if (entry === 'index.cjs')
        expect(afterUse.some((m) => /[\\/]node_modules[\\/]@sentry[\\/]node[\\/]/.test(m))).toBe(true)
    })
  },
)
