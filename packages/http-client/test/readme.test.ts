import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { codes } from '@sightline/correlation'
import { httpClientCodes } from '@sightline/http-client'
import { apiGatewayV1Event, fakeContext } from '@sightline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readmeOf } from '../../../tools/test-helpers/readme.js'
import { type RecordingServer, recordingServer, sightlineHeaders } from './servers.js'

const { section } = readmeOf(import.meta.url)
// Inside the package, so the example's imports resolve as they would in a user's project.
const dir = mkdtempSync(join(new URL('.', import.meta.url).pathname, '.readme-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let orders: RecordingServer
let partner: RecordingServer
beforeAll(async () => {
  orders = await recordingServer('127.0.0.1')
  partner = await recordingServer('127.0.0.2')
})
afterAll(async () => {
  await orders.close()
  await partner.close()
})

describe('README', () => {
  it('has a usage example of at most 16 lines that runs and forwards what it says', async () => {
    const code = section('Usage').match(/```ts\n([\s\S]*?)```/)?.[1]
    expect(code).toBeDefined()
    expect(code!.trimEnd().split('\n').length).toBeLessThanOrEqual(16)
    const file = join(dir, 'usage.ts')
    writeFileSync(file, code!)
    const env = { ORDERS_URL: process.env.ORDERS_URL, PARTNER_URL: process.env.PARTNER_URL }
    Object.assign(process.env, { ORDERS_URL: orders.url, PARTNER_URL: `${partner.url}/quote` })
    try {
      const { handler } = await import(/* @vite-ignore */ file)
      const event = apiGatewayV1Event({ correlation: { 'x-correlation-id': 'readme-1' } })
      expect(await handler(event, fakeContext())).toEqual({ order: { ok: true }, quote: 200 })
    } finally {
      for (const [k, v] of Object.entries(env)) v === undefined ? delete process.env[k] : (process.env[k] = v)
    }
    const ours = { 'x-correlation-id': 'readme-1', 'debug-log-enabled': 'false', 'call-chain-length': '1' }
    expect(sightlineHeaders(orders.at('/orders/17')[0]!.headers)).toEqual(ours)
    expect(sightlineHeaders(orders.at('/audit')[0]!.headers)).toEqual(ours)
    expect(sightlineHeaders(partner.at('/quote')[0]!.headers)).toEqual({})
  })

  it('lists every error code in its errors table', () => {
    const table = section('Errors')
    for (const code of [codes.INVALID_OPTION, ...Object.values(httpClientCodes)]) {
      expect(table).toContain(`\`${code}\``)
    }
  })
})
