import { defineConfig } from 'tsup'

// pino is CommonJS and requires Node builtins. Left external, a user's ESM bundle of it (esbuild, no
// banner) fails with "Dynamic require of 'os' is not supported". So the ESM build carries pino inside,
// with a module-local `require` for the builtins: the user's bundler then leaves those calls alone.
// The CJS build keeps pino as an ordinary dependency.
const localRequire = [
  "import { createRequire as __sightlineCreateRequire } from 'node:module'",
  "const require = __sightlineCreateRequire(process.cwd() + '/')",
].join('\n')

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    clean: true,
    target: 'node20',
    splitting: false,
    noExternal: ['pino'],
    banner: { js: localRequire },
  },
  {
    entry: ['src/index.ts'],
    format: ['cjs'],
    dts: true,
    target: 'node20',
    splitting: false,
  },
])
