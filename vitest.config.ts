import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}`, import.meta.url))

export default defineConfig({
  resolve: {
    // In-process tests run the TypeScript sources; child processes (runtime harness, bundle smoke) use dist.
    alias: [
      { find: /^@sightline\/handler-wrapper\/(.+)$/, replacement: src('handler-wrapper/src/$1.ts') },
      { find: /^@sightline\/testing\/(.+)$/, replacement: src('testing/src/$1.ts') },
      { find: /^@sightline\/http-client\/(.+)$/, replacement: src('http-client/src/$1.ts') },
      { find: /^@sightline\/metrics\/(.+)$/, replacement: src('metrics/src/$1.ts') },
      { find: /^@sightline\/([a-z-]+)$/, replacement: src('$1/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'tools/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
})
