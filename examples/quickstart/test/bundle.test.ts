import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'

// Bundles the quick-start handler as a user would for Lambda (esbuild, minified, no banner) from the
// built packages, and runs each bundle in a fresh Node process.
const root = fileURLToPath(new URL('..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'sightline-bundle-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const runner = (bundle: string, format: 'esm' | 'cjs') => `
const load = ${format === 'esm' ? `() => import(${JSON.stringify(bundle)})` : `async () => require(${JSON.stringify(bundle)})`}
load().then(async ({ handler }) => {
  const event = { httpMethod: 'POST', path: '/orders', headers: { 'x-correlation-id': 'bundled-1' },
    requestContext: { requestId: 'r1' }, body: '{"id":"A-1","items":[1]}' }
  const result = await handler(event, { awsRequestId: 'aws-1', getRemainingTimeInMillis: () => 3000 })
  process.stderr.write(JSON.stringify(result))
})
`

describe.each(['esm', 'cjs'] as const)('an esbuild %s bundle of a wrapped handler', (format) => {
  it('builds without a banner, loads and logs with the correlation IDs', async () => {
    const outfile = join(dir, format === 'esm' ? 'handler.mjs' : 'handler.cjs')
    const result = await build({
      entryPoints: [join(root, 'handler.mjs')],
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node20',
      format,
      outfile,
      logLevel: 'silent',
      // As in a user's project: resolve the published packages (dist), not this repo's source paths.
      tsconfigRaw: '{}',
    })
    expect(result.errors).toEqual([])
    const runnerFile = join(dir, `run-${format}.${format === 'esm' ? 'mjs' : 'cjs'}`)
    writeFileSync(runnerFile, runner(outfile, format))
    // A fresh process in another directory: nothing outside the bundle can be resolved.
    const stdout = execFileSync(process.execPath, [runnerFile], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'order received',
        'x-correlation-id': 'bundled-1',
        'x-correlation-order-id': 'A-1',
      }),
    )
  })
})
