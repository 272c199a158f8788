import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sentry } from '@sightline/sentry-lambda'
import { captureLogs } from '@sightline/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { readmeOf } from '../../../tools/test-helpers/readme.js'
import { lambdaContext } from './helpers.js'
import { startReceiver } from './receiver.js'

const { tsBlock } = readmeOf(import.meta.url)
const dir = mkdtempSync(join(tmpdir(), 'sightline-sentry-readme-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('README', () => {
  it('has a usage example of at most 16 lines that runs and delivers what it says', async () => {
    const code = tsBlock('Usage')
    expect(code.trimEnd().split('\n').length).toBeLessThanOrEqual(16)
    const receiver = await startReceiver()
    const previous = process.env.SENTRY_DSN
    process.env.SENTRY_DSN = receiver.dsn()
    using logs = captureLogs()
    try {
      // Loaded beforehand (the process-wide SDK the example's plugin then uses): loading it at the first
      // failure, inside the example's default one-second budget, is too slow on a loaded CI machine.
      expect(await sentry({ dsn: receiver.dsn() }).load()).toBe(true)
      const file = join(dir, 'usage.ts')
      writeFileSync(file, code)
      const { handler } = await import(/* @vite-ignore */ file)
      expect(await handler({ orderId: 'o-1' }, lambdaContext())).toEqual({ statusCode: 201 })
      expect(receiver.received).toHaveLength(0)
      await expect(handler({}, lambdaContext())).rejects.toThrow('orderId is required')
      const [event] = receiver.events()
      expect(event).toMatchObject({ exception: { values: [{ type: 'TypeError' }] } })
      expect(logs.find((r) => r.msg === 'invocation failed')).toMatchObject({
        sentryEventId: event!.event_id,
      })
    } finally {
      if (previous === undefined) delete process.env.SENTRY_DSN
      else process.env.SENTRY_DSN = previous
      await receiver.close()
    }
  })
})
