// The usage example of README.md, run as it is written there (between the markers).
import { readFileSync } from 'node:fs'
// --- usage start
import { wrap } from '@sightline/handler-wrapper'
import { logger } from '@sightline/logger'
import { apiGatewayV1Event, captureLogs, expectEveryLineHas, fakeContext } from '@sightline/testing'
import { expect, it } from 'vitest'

const handler = wrap(async (event: { path: string }) => {
  logger.info({ path: event.path }, 'handling')
  return { statusCode: 200, body: 'ok' }
})

it('logs the caller’s correlation ID on every line', async () => {
  using logs = captureLogs()
  const event = apiGatewayV1Event({ path: '/orders', correlation: { 'x-correlation-id': 'abc' } })

  const result = await handler(event, fakeContext())

  expect(result.statusCode).toBe(200)
  expectEveryLineHas(logs, { 'x-correlation-id': 'abc' })
})
// --- usage end

it('README.md shows the usage example above, as it is run here', () => {
  const source = readFileSync(new URL(import.meta.url), 'utf8')
  const start = '// --- usage start\n'
  const usage = source.slice(source.indexOf(start) + start.length, source.indexOf('// --- usage end'))
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  expect(readme).toContain(`\`\`\`ts\n${usage}\`\`\``)
})
