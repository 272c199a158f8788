// A failing handler as an ESM app writes it, on the built packages: run as is and bundled by builds.test.ts.
import { wrap } from '@sightline/handler-wrapper'
import { sentry } from '../../dist/index.js'

export const handler = wrap(
  async (event) => {
    throw new TypeError(event.message)
  },
  // Generous: on a busy test machine the first failure's SDK load can take over a second.
  { plugins: [sentry()], flushBudgetMs: 10_000 },
)
