import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, expect, it } from 'vitest'

// A function bundled as the Lambda tool chains do it, from ESM sources (so from this package's ESM build,
// dist: build first), with aws-xray-sdk-core external, as this package's README asks. The bundle runs from
// a folder whose node_modules has the SDK, as /var/task has the externals a deployment installs.
const pkg = fileURLToPath(new URL('..', import.meta.url))
mkdirSync(join(pkg, '.tmp'), { recursive: true })
const dir = mkdtempSync(join(pkg, '.tmp', 'bundle-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const entry = join(dir, 'handler.mjs')
writeFileSync(
  entry,
  [
    `import { enableTracing } from ${JSON.stringify(join(pkg, 'dist', 'index.js'))}`,
    'process.stdout.write(`\\n@@tracing ${enableTracing({ enabled: true })}\\n`)',
  ].join('\n'),
)

it.each([
  ["a CommonJS bundle (CDK's and SAM's default)", 'cjs'],
  ['an ESM bundle with the usual banner', 'esm'],
] as const)('%s turns tracing on, loading the external SDK', async (_, format) => {
  const outfile = join(dir, `out-${format}.${format === 'cjs' ? 'cjs' : 'mjs'}`)
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format,
    outfile,
    external: ['aws-xray-sdk-core'],
    banner:
      format === 'esm'
        ? { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" }
        : {},
    logLevel: 'silent',
    tsconfigRaw: '{}',
  })
  const out = execFileSync(process.execPath, [outfile], { encoding: 'utf8', env: { ...process.env } })
  // Tracing on, and no ERR_SIGHTLINE_XRAY_SDK_UNAVAILABLE warning line.
  expect(out.split('\n').filter((l) => l !== '')).toEqual(['@@tracing true'])
})
