import * as Sentry from '@sentry/node'
import { wrap } from '@sightline/handler-wrapper'
import { captureLogs, type LogCapture } from '@sightline/testing'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { sentry } from '../src/index.js'
import { apiEvent, lambdaContext } from './helpers.js'
import { type Receiver, type SentryEvent, startReceiver } from './receiver.js'

let receiver: Receiver
let logs: LogCapture
let plugin: ReturnType<typeof sentry>
let handler: (event: Event, context: unknown) => Promise<never>
beforeAll(async () => {
  receiver = await startReceiver()
  plugin = sentry({ dsn: receiver.dsn(), eager: true, env: {} })
  expect(await plugin.load()).toBe(true)
  // Module-level code, before any invocation: on the process-wide scope every invocation forks from.
  Sentry.setTag('team', 'orders')
  handler = wrap(
    async (event: Event) => {
      if (event.set) {
        Sentry.setTag('who', event.name)
        Sentry.setUser({ id: `user-${event.name}` })
        Sentry.addBreadcrumb({ message: `crumb of ${event.name}` })
      }
      await event.wait?.()
      Sentry.addBreadcrumb({ message: `late crumb of ${event.name}` })
      throw new Error(`failure of ${event.name}`)
    },
    { plugins: [plugin] },
  )
})
afterAll(() => receiver.close())
beforeEach(async () => {
  await receiver.reset()
  logs = captureLogs()
})
afterEach(() => logs.restore())

/** Resolves once `parties` callers wait on it: proves the invocations are in flight together. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0
  let open!: () => void
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return () => {
    if (++arrived === parties) open()
    return opened
  }
}

type Event = { name: string; wait?: () => Promise<void>; set?: boolean }

const own = (e: SentryEvent) => ({
  who: e.tags?.who,
  user: e.user?.id,
  crumbs: (e.breadcrumbs ?? []).map((b: { message?: string }) => b.message).filter(Boolean),
})
const byMessage = (events: SentryEvent[], name: string) =>
  events.find((e) => e.exception.values.at(-1).value === `failure of ${name}`)!

describe('per-invocation Sentry scopes (eager)', () => {
  it('keeps tags, user and breadcrumbs of interleaved invocations apart', async () => {
    const wait = barrier(2)
    const results = await Promise.allSettled([
      handler({ name: 'a', set: true, wait }, lambdaContext()),
      handler({ name: 'b', set: true, wait }, lambdaContext()),
    ])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    const events = receiver.events()
    expect(events).toHaveLength(2)
    expect(own(byMessage(events, 'a'))).toEqual({
      who: 'a',
      user: 'user-a',
      crumbs: ['crumb of a', 'late crumb of a'],
    })
    expect(own(byMessage(events, 'b'))).toEqual({
      who: 'b',
      user: 'user-b',
      crumbs: ['crumb of b', 'late crumb of b'],
    })
  })

  it('starts every invocation without what the previous one set', async () => {
    await handler({ name: 'first', set: true }, lambdaContext()).catch(() => {})
    await handler({ name: 'second' }, lambdaContext()).catch(() => {})
    expect(own(byMessage(receiver.events(), 'second'))).toEqual({
      who: undefined,
      user: undefined,
      crumbs: ['late crumb of second'],
    })
  })

  it('keeps what was set at module level, before any invocation', async () => {
    await handler({ name: 'c' }, lambdaContext()).catch(() => {})
    expect(byMessage(receiver.events(), 'c').tags).toMatchObject({ team: 'orders' })
  })

  it('sends an error the handler captured itself once, and puts its event id on the error line', async () => {
    let captured = ''
    const h = wrap(
      async () => {
        const err = new Error('captured by the app')
        captured = Sentry.captureException(err)
        throw err
      },
      { plugins: [plugin] },
    )
    await expect(h(apiEvent('own-1'), lambdaContext())).rejects.toThrow('captured by the app')
    const events = receiver.events()
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ event_id: captured, tags: { 'x-correlation-id': 'own-1' } })
    expect(logs.find((r) => r.msg === 'invocation failed')).toMatchObject({ sentryEventId: captured })
  })
})
