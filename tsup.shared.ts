import { defineConfig, type Options } from 'tsup'

/** Every package builds the same way: ESM + CJS with types, one file per entry, for Node 20+. */
export function packageConfig(entries: readonly string[], extra: Options = {}) {
  return defineConfig({
    entry: entries.map((e) => `src/${e}.ts`),
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    target: 'node20',
    splitting: false,
    ...extra,
  })
}
