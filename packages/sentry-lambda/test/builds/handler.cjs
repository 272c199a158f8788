// The same handler as a CommonJS app writes it.
const { wrap } = require('@sightline/handler-wrapper')
const { sentry } = require('../../dist/index.cjs')

exports.handler = wrap(
  async (event) => {
    throw new TypeError(event.message)
  },
  { plugins: [sentry()], flushBudgetMs: 10_000 },
)
