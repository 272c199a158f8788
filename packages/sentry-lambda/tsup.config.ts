import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  splitting: false,
  external: ['@sentry/node'],
  // Tells src/runtime.ts which build it is in: the CommonJS build requires @sentry/node, the ESM one
  // imports it, so each loads the copy an app of its kind loads itself.
  esbuildOptions(options, { format }) {
    options.define = { ...options.define, SIGHTLINE_FORMAT: JSON.stringify(format) }
  },
})
