// Bundles a handler as a Lambda user would (esbuild, minified, Node target) and measures the result.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

/** CommonJS is what the common Lambda tool chains emit by default (CDK's NodejsFunction, SAM's esbuild). */
export async function bundle(entry, outDir, name, format = 'cjs') {
  mkdirSync(outDir, { recursive: true })
  const outfile = join(outDir, `${name}.${format === 'cjs' ? 'cjs' : 'mjs'}`)
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format,
    outfile,
    metafile: true,
    logLevel: 'silent',
    // Resolve the packages as published (their dist), not a tsconfig's source paths.
    tsconfigRaw: '{}',
  })
  const output = Object.values(result.metafile.outputs)[0]
  const code = readFileSync(outfile)
  return {
    outfile,
    minBytes: code.length,
    gzipBytes: gzipSync(code).length,
    warnings: result.warnings.length,
    inputs: Object.fromEntries(Object.entries(output.inputs).map(([k, v]) => [k, v.bytesInOutput])),
  }
}

// pino's modules that only serve transports (worker threads), multistream and its SonicBoom destination:
// Sightline writes through its own destination and never runs them.
const EXTRAS =
  /(?:^|[\\/])(?:thread-stream|sonic-boom|on-exit-leak-free|atomic-sleep)[\\/]|[\\/]pino[\\/]lib[\\/](?:transport|multistream)\.js$/

/** Minified bytes of pino as @sightline/logger embeds it, and the share of them its unused extras take. */
export async function pinoExtras(loggerDir, outDir) {
  const entry = join(outDir, 'entry.cjs')
  mkdirSync(outDir, { recursive: true })
  writeFileSync(entry, `module.exports = require(${JSON.stringify(join(loggerDir, 'node_modules', 'pino'))})`)
  const b = await bundle(entry, outDir, 'pino')
  const extras = Object.entries(b.inputs).filter(([k]) => EXTRAS.test(k))
  return {
    pinoBytes: Object.values(b.inputs).reduce((a, n) => a + n, 0),
    extrasBytes: extras.reduce((a, [, n]) => a + n, 0),
    modules: [
      ...new Set(
        extras.map(
          ([k]) =>
            /(thread-stream|sonic-boom|on-exit-leak-free|atomic-sleep|transport|multistream)/.exec(k)?.[1],
        ),
      ),
    ],
  }
}
