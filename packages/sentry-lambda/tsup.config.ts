import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  // No `splitting` option: tsup's default splits the ESM build, so src/sdk.ts (the lazy import of
  // @sentry/node) is a chunk of its own, loaded at the first capture (one file would hoist its static
  // import to the top), and keeps the CommonJS build in one file, where the SDK is required lazily.
  external: ['@sentry/node'],
  esbuildOptions(options, { format }) {
    // src/runtime.ts requires the ESM chunk by this name (no hash), and tells the builds apart.
    options.chunkNames = 'sightline-sentry-[name]'
    options.define = { ...options.define, SIGHTLINE_FORMAT: JSON.stringify(format) }
  },
})
