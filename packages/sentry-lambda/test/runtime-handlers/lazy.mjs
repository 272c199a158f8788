// Handlers run by test/lambda-runtime.test.ts under the official runtime client. They import the built
// packages (dist), as a deployed function would; SENTRY_DSN comes from the environment. Nothing here
// imports @sentry/node: the plugin loads it at the first capture.
import { wrap } from '@sightline/handler-wrapper'
import { sentry } from '@sightline/sentry-lambda'

const plugin = sentry()
// A generous budget: on a busy 2-core test machine the first failure's SDK load can take over a second.
const options = { plugins: [plugin], flushBudgetMs: 5000 }

export const failing = wrap(async (event) => {
  throw new TypeError(event.message ?? 'order rejected', { cause: new Error('stock is empty') })
}, options)

/** Succeeds unless asked to fail, and tells whether @sentry/node is in this process yet (it sets up a
 * global carrier when it loads). */
export const mixed = wrap(async (event) => {
  if (event.fail) throw new Error('asked to fail')
  return { statusCode: 200, sdkLoaded: globalThis.__SENTRY__ !== undefined }
}, options)
