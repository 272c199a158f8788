import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, expect, it } from 'vitest'

// An app bundled to ESM (CDK's `format: ESM`, SAM's esbuild with `Format: esm`) needs a banner that gives
// its CommonJS dependencies `require`, and the one everybody copies declares names at the top of the
// bundle. Every entry point of every package (dist, so build first) goes into one unminified bundle (CDK's
// default), as an app importing all of them would have it; the banner must still parse next to our code:
// a top-level `import { createRequire }` of ours would be a duplicate declaration, a SyntaxError at load.
const BANNER = [
  "import { createRequire } from 'module';",
  'const require = createRequire(import.meta.url);',
  "import { fileURLToPath } from 'url';",
  "import path from 'path';",
  'const __filename = fileURLToPath(import.meta.url);',
  'const __dirname = path.dirname(__filename);',
].join(' ')

const packages = fileURLToPath(new URL('../../../packages/', import.meta.url))
const out = mkdtempSync(join(tmpdir(), 'sightline-esm-bundle-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

/** Every `import` entry point the packages publish. */
function entryPoints(): string[] {
  const files: string[] = []
  for (const name of readdirSync(packages)) {
    const manifest = JSON.parse(readFileSync(join(packages, name, 'package.json'), 'utf8')) as {
      exports?: Record<string, { import?: { default?: string } } | string>
    }
    for (const target of Object.values(manifest.exports ?? {})) {
      const file = typeof target === 'object' ? target.import?.default : undefined
      if (file?.endsWith('.js')) files.push(join(packages, name, file))
    }
  }
  return files
}

it('every package, bundled to one ESM file under the usual banner, parses', async () => {
  const entries = entryPoints()
  // The core, the sinks, the clients and the optional integrations all publish ESM.
  expect(entries.length).toBeGreaterThanOrEqual(12)
  const app = join(out, 'app.mjs')
  writeFileSync(app, entries.map((file, i) => `export * as m${i} from ${JSON.stringify(file)}`).join('\n'))
  const bundle = join(out, 'bundle.mjs')
  await build({
    entryPoints: [app],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outfile: bundle,
    banner: { js: BANNER },
    // Our code is what is checked: the dependencies stay imports (they would parse the same either way).
    packages: 'external',
    logLevel: 'silent',
    tsconfigRaw: '{}',
  })
  // The same names declared by our code would be a SyntaxError here, before anything is resolved.
  expect(() => execFileSync(process.execPath, ['--check', bundle], { stdio: 'pipe' })).not.toThrow()
  // The bundle holds our code: the check sees what it looks for.
  const code = readFileSync(bundle, 'utf8')
  expect(code).toContain('sightline-sentry-sdk.js')
  expect(code).toMatch(/from "module"/)
})
