// Eager Sentry, loaded during init (top-level await), with the app using the Sentry API itself.
import * as Sentry from '@sentry/node'
import { wrap } from '@sightline/handler-wrapper'
import { sentry } from '@sightline/sentry-lambda'

const plugin = sentry({ eager: true })
await plugin.load()
// A generous budget: the test machine has 2 cores, shared.
const options = { plugins: [plugin], flushBudgetMs: 5000 }

const api = `http://${process.env.AWS_LAMBDA_RUNTIME_API}`

export const tagged = wrap(async (event) => {
  Sentry.setTag('who', event.who)
  Sentry.setUser({ id: `user-${event.who}` })
  Sentry.addBreadcrumb({ message: `crumb of ${event.who}` })
  if (event.barrier) {
    const { name, parties } = event.barrier
    await fetch(`${api}/_test/barrier/${name}?parties=${parties}&timeoutMs=20000`).then((r) => r.json())
  }
  throw new Error(`failure of ${event.who}`)
}, options)
