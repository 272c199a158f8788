import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/cloudwatch.ts', 'src/processor.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  splitting: false,
  external: ['@aws-sdk/client-cloudwatch'],
})
