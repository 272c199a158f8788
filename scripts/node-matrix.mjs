// Runs the core suites (correlation, logger, handler-wrapper in-process tests) again on Node 22 and 24,
// the runtimes our users deploy, with the binaries tools/lambda-runtime installs from the npm registry.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const suites = [
  'packages/correlation',
  'packages/logger',
  'packages/handler-wrapper/test/wrap.test.ts',
  'packages/handler-wrapper/test/batch.test.ts',
  'packages/handler-wrapper/test/express.test.ts',
  'packages/handler-wrapper/test/middy.test.ts',
  'packages/http-client',
  'packages/aws-clients',
  'packages/xray',
]
let failed = 0
for (const major of [22, 24]) {
  const node = `tools/lambda-runtime/node_modules/node${major}/bin/node`
  if (!existsSync(node)) {
    console.log(`node-matrix: Node ${major} is not installed (it ships for linux-x64 only): skipped`)
    continue
  }
  console.log(`node-matrix: Node ${major}`)
  const r = spawnSync(node, ['node_modules/vitest/vitest.mjs', 'run', '--reporter=dot', ...suites], {
    stdio: 'inherit',
  })
  if (r.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
