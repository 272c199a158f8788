import type { Plugin } from 'esbuild'
import { defineConfig, type Options } from 'tsup'

// pino is CommonJS and requires Node builtins. Left external, a user's ESM bundle of it (esbuild, no
// banner) fails with "Dynamic require of 'os' is not supported". So the builds carry pino inside, and the
// ESM one gives it a module-local `require` for the builtins: the user's bundler leaves those calls alone.
const localRequire = [
  "import { createRequire as __sightlineCreateRequire } from 'node:module'",
  "const require = __sightlineCreateRequire(process.cwd() + '/')",
].join('\n')

// Every line goes through Sightline's own destination, so pino's transports (worker threads through
// thread-stream), multistream and SonicBoom destination never run. Carried along they were a third of a
// user's bundle: stubs stand in for them, and say so if anything ever calls them.
const unavailable = (what: string) =>
  `const e = new Error(${JSON.stringify(
    `@sightline/logger writes through its own destination: pino's ${what} is not included`,
  )}); e.code = 'ERR_SIGHTLINE_PINO_FEATURE_UNAVAILABLE'; throw e`
const stubs: Record<string, string> = {
  transport: `module.exports = function transport () { ${unavailable('transport()')} }`,
  multistream: `module.exports = function multistream () { ${unavailable('multistream()')} }`,
  'sonic-boom': `module.exports = class SonicBoom { constructor () { ${unavailable('destination()')} } }`,
  'on-exit-leak-free': 'module.exports = { register () {}, unregister () {} }',
}
const STUBBED = /^(?:\.\/(?:lib\/)?(transport|multistream)|(sonic-boom|on-exit-leak-free))$/
const stubPinoExtras: Plugin = {
  name: 'sightline-stub-pino-extras',
  setup(build) {
    build.onResolve({ filter: STUBBED }, ({ path, importer }) => {
      if (!/[\\/]pino[\\/](?:lib[\\/])?[^\\/]+\.js$/.test(importer)) return undefined
      const m = STUBBED.exec(path)
      return { path: (m?.[1] ?? m?.[2]) as string, namespace: 'sightline-pino-stub' }
    })
    build.onLoad({ filter: /.*/, namespace: 'sightline-pino-stub' }, ({ path }) => ({
      contents: stubs[path] as string,
      loader: 'js',
    }))
  },
}

const shared: Options = {
  entry: ['src/index.ts'],
  dts: true,
  target: 'node20',
  splitting: false,
  noExternal: ['pino'],
}

export default defineConfig([
  { ...shared, format: ['esm'], clean: true, banner: { js: localRequire }, esbuildPlugins: [stubPinoExtras] },
  // The CommonJS build carries the same trimmed pino, so that a CommonJS user's bundle is as small.
  { ...shared, format: ['cjs'], esbuildPlugins: [stubPinoExtras] },
])
