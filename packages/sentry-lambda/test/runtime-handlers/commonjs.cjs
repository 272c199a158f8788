// The same, as a CommonJS function: the plugin's CommonJS build requires @sentry/node's CommonJS build.
const { wrap } = require('@sightline/handler-wrapper')
const { sentry } = require('@sightline/sentry-lambda')

const plugin = sentry()
// A generous budget: on a busy 2-core test machine the first failure's SDK load can take over a second.
const options = { plugins: [plugin], flushBudgetMs: 5000 }

exports.failing = wrap(async (event) => {
  throw new TypeError(event.message ?? 'order rejected', { cause: new Error('stock is empty') })
}, options)
