// node runner.mjs <handler file>: one failing invocation, then a report on stdout, then exit at once: an
// event not delivered by the time the call returned is never delivered.
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

const [file] = process.argv.slice(2)
const require = createRequire(import.meta.url)
const { handler } = file.endsWith('.cjs') ? require(file) : await import(pathToFileURL(file).href)
const deadline = Date.now() + 30_000
const context = {
  awsRequestId: 'req-build-1',
  functionName: 'orders',
  getRemainingTimeInMillis: () => deadline - Date.now(),
}
let threw = false
try {
  await handler({ message: 'order rejected' }, context)
} catch {
  threw = true
}
const cjsSdkFiles = Object.keys(require.cache).filter((f) => /[\\/]@sentry[\\/]node[\\/]/.test(f)).length
// The app's own import, after the plugin loaded the SDK.
const Sentry = await import('@sentry/node')
const report = { threw, cjsSdkFiles, appClientDsn: Sentry.getClient()?.getOptions().dsn }
process.stdout.write(`\n@@report ${JSON.stringify(report)}\n`)
process.exit(0)
