import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver } from './receiver.js'

// The built plugin as users meet it (the dist, so build first): its ESM and CommonJS builds run as
// installed, and a failing handler bundled the two usual ways, run from a folder where nothing else
// resolves. In each, the first failure loads the SDK and its event is delivered before the call returns.
const run = promisify(execFile)
const here = fileURLToPath(new URL('.', import.meta.url))
const runner = join(here, 'builds', 'runner.mjs')

let receiver: Receiver
let out: string
beforeAll(async () => {
  receiver = await startReceiver()
  out = mkdtempSync(join(tmpdir(), 'sightline-sentry-builds-'))
})
afterAll(async () => {
  await receiver.close()
  rmSync(out, { recursive: true, force: true })
})
beforeEach(() => receiver.reset())

interface Report {
  readonly threw: boolean
  /** Files of @sentry/node in the require cache after the failure: a CommonJS copy of the SDK. */
  readonly cjsSdkFiles: number
  /** The DSN of the client the app's own `import('@sentry/node')` sees afterwards. */
  readonly appClientDsn: string | undefined
  /** Events at the receiver once the process exited, right after the call returned. */
  readonly delivered: number
}

async function invoke(handlerFile: string): Promise<Report> {
  const { stdout } = await run(process.execPath, [runner, handlerFile], {
    cwd: here,
    env: { ...process.env, SENTRY_DSN: receiver.dsn(), AWS_LAMBDA_FUNCTION_NAME: 'orders' },
  })
  const line = stdout.split('\n').find((l) => l.startsWith('@@report ')) ?? ''
  return { ...JSON.parse(line.slice('@@report '.length)), delivered: receiver.events().length }
}

type Layout = 'cjs' | 'esm' | 'esm-split'

async function bundle(layout: Layout): Promise<string> {
  const format = layout === 'cjs' ? 'cjs' : 'esm'
  const outdir = join(out, layout)
  await build({
    entryPoints: [join(here, 'builds', 'handler.mjs')],
    bundle: true,
    // CDK's default: not minified, so the bundle's top level keeps our names next to the banner's.
    minify: format === 'cjs',
    platform: 'node',
    target: 'node20',
    format,
    splitting: layout === 'esm-split',
    outdir,
    outExtension: { '.js': format === 'esm' ? '.mjs' : '.cjs' },
    // The banner every ESM bundle of CommonJS dependencies needs (the SDK's call `require`), as CDK's
    // docs give it.
    banner:
      format === 'esm'
        ? {
            js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
          }
        : {},
    logLevel: 'silent',
    tsconfigRaw: '{}',
  })
  return join(outdir, `handler.${format === 'esm' ? 'mjs' : 'cjs'}`)
}

describe('the built plugin, first failure of a process', () => {
  it('ESM build: delivers, and the SDK is the ESM copy the app imports (no CommonJS copy)', async () => {
    const report = await invoke(join(here, 'builds', 'handler.mjs'))
    expect(report).toEqual({ threw: true, cjsSdkFiles: 0, appClientDsn: receiver.dsn(), delivered: 1 })
  })

  it('CommonJS build: delivers, with the CommonJS copy a CommonJS app requires', async () => {
    const report = await invoke(join(here, 'builds', 'handler.cjs'))
    expect(report).toMatchObject({ threw: true, appClientDsn: receiver.dsn(), delivered: 1 })
    expect(report.cjsSdkFiles).toBeGreaterThan(0)
  })

  it.each([
    ['one CommonJS file', 'cjs'],
    ['one ESM file', 'esm'],
    ['ESM split in chunks', 'esm-split'],
  ] as const)('bundled (%s), run where nothing else resolves: delivers', async (_, layout) => {
    const file = await bundle(layout)
    const report = await invoke(file)
    // The SDK came from the bundle: no copy of it was required from node_modules.
    expect(report).toMatchObject({ threw: true, cjsSdkFiles: 0, delivered: 1 })
  })
})
