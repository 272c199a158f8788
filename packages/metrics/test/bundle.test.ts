import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'
import { STRICT_LINE } from './helpers.js'

// Bundles a handler and the processor as a user would for Lambda (esbuild, minified, the AWS SDK
// included), from the BUILT packages, and runs each bundle in a fresh Node process elsewhere.
const entry = fileURLToPath(new URL('./bundle/entry.mjs', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'sightline-metrics-bundle-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.each(['esm', 'cjs'] as const)('an esbuild %s bundle', (format) => {
  it('loads, writes strict lines and processes a subscription payload', async () => {
    const outfile = join(dir, format === 'esm' ? 'bundle.mjs' : 'bundle.cjs')
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node20',
      format,
      outfile,
      logLevel: 'silent',
      tsconfigRaw: '{}',
      // The AWS SDK's packages without `exports` have CJS `main`s that require node: modules; an ESM bundle
      // takes their `module` builds instead (what the SDK's own bundling guide does), CJS keeps the default.
      ...(format === 'esm' ? { mainFields: ['module', 'main'] } : {}),
    })
    expect(result.errors).toEqual([])
    const data = gzipSync(
      JSON.stringify({
        messageType: 'DATA_MESSAGE',
        logGroup: '/aws/lambda/x',
        logEvents: [
          {
            id: '1',
            timestamp: Date.now(),
            message: `MONITORING|${Math.floor(Date.now() / 1000)}|1|count|x\n`,
          },
        ],
      }),
    ).toString('base64')
    const load =
      format === 'esm'
        ? `import(${JSON.stringify(outfile)})`
        : `Promise.resolve(require(${JSON.stringify(outfile)}))`
    const runner = join(dir, `run-${format}.${format === 'esm' ? 'mjs' : 'cjs'}`)
    writeFileSync(
      runner,
      `${load}.then(async ({ handler, processor }) => {
        await handler({}, { awsRequestId: 'r', getRemainingTimeInMillis: () => 3000 })
        process.stderr.write(JSON.stringify(await processor({ awslogs: { data: ${JSON.stringify(data)} } })))
      })`,
    )
    const run = spawnSync(process.execPath, ['--no-warnings', runner], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, FORMAT: format, AWS_REGION: 'eu-west-1' },
    })
    expect(run.status, run.stderr).toBe(0)
    const stdout = run.stdout
    const lines = stdout.split(/(?<=\n)/).filter((l) => l.startsWith('MONITORING|'))
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) expect(line).toMatch(STRICT_LINE)
    expect(lines.some((l) => l.includes(`bundled.calls|#format:${format}`))).toBe(true)
    expect(JSON.parse(run.stderr)).toMatchObject({ metrics: 1, datums: 1, requests: 1 })
  })
})
