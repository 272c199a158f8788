import { wrap } from '@sightline/handler-wrapper'
import { captureLogs } from '@sightline/testing'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { sentry } from '../src/index.js'
import { apiEvent, lambdaContext } from './helpers.js'
import { type Receiver, startReceiver } from './receiver.js'

// Its own file: one Sentry client per process, and this one is eager with tracing on.
let receiver: Receiver
beforeAll(async () => {
  receiver = await startReceiver()
})
afterAll(() => receiver.close())

it("eager: Sentry's defaults less its tracing integrations and process sessions, even with tracing on", async () => {
  let given: string[] = []
  const plugin = sentry({
    dsn: receiver.dsn(),
    eager: true,
    env: {},
    sentry: {
      tracesSampleRate: 0,
      integrations: (defaults) => {
        given = defaults.map((i) => i.name)
        return defaults
      },
    },
  })
  expect(await plugin.load()).toBe(true)
  const boom = new Error('order rejected')
  const h = wrap(
    async () => {
      throw boom
    },
    { plugins: [plugin] },
  )
  const logs = captureLogs()
  await expect(h(apiEvent('int-1'), lambdaContext()))
    .rejects.toBe(boom)
    .finally(() => logs.restore())
  const [event] = receiver.events()
  const names: string[] = event?.sdk.integrations ?? []
  expect(names).toEqual(expect.arrayContaining(['LinkedErrors', 'Console', 'ContextLines', 'Http']))
  for (const absent of ['ProcessSession', 'Express', 'Postgres', 'Mongo', 'Graphql']) {
    expect(names).not.toContain(absent)
  }
  // The user's function gets that list, and what it returns is what runs.
  expect([...given].sort()).toEqual([...names].sort())
})
