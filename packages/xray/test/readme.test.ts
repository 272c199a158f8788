import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { codes } from '@sightline/correlation'
import { fakeContext } from '@sightline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readmeOf } from '../../../tools/test-helpers/readme.js'
import { disableTracing, xrayCodes } from '../src/index.js'
import { type FakeDaemon, fakeDaemon, ids, traceHeader } from './daemon.js'

const { section } = readmeOf(import.meta.url)
// Inside the package, so the example's imports resolve as they would in a user's project.
const dir = mkdtempSync(join(new URL('.', import.meta.url).pathname, '.readme-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const received: IncomingHttpHeaders[] = []
const billing = createServer((req, res) => {
  received.push(req.headers)
  res.writeHead(201).end()
})
let daemon: FakeDaemon
beforeAll(async () => {
  daemon = await fakeDaemon()
  billing.listen(0, '127.0.0.1')
  await once(billing, 'listening')
})
afterAll(async () => {
  await disableTracing()
  await daemon.close()
  billing.close()
})

describe('README', () => {
  it('has a usage example of at most 16 lines that runs and traces what it says', async () => {
    const code = section('Usage').match(/```ts\n([\s\S]*?)```/)?.[1]
    expect(code).toBeDefined()
    expect(code!.trimEnd().split('\n').length).toBeLessThanOrEqual(16)
    const file = join(dir, 'usage.ts')
    writeFileSync(file, code!)
    const url = `http://127.0.0.1:${(billing.address() as AddressInfo).port}/charge`
    const env = { SIGHTLINE_TRACING: 'true', AWS_XRAY_DAEMON_ADDRESS: daemon.address, BILLING_URL: url }
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
    Object.assign(process.env, env)
    let handler: (event: unknown, context: unknown) => Promise<unknown>
    try {
      ;({ handler } = await import(/* @vite-ignore */ file))
    } finally {
      for (const [k, v] of Object.entries(saved))
        v === undefined ? delete process.env[k] : (process.env[k] = v)
    }
    const { root, parent } = ids()
    const event = { orderId: 'o-17', headers: { 'x-correlation-id': 'readme-1' } }
    expect(await handler(event, fakeContext({ xRayTraceId: traceHeader(root, parent) }))).toEqual({
      total: 42,
      billed: 201,
    })
    const docs = await daemon.trace(root, 2)
    const step = docs.find((d) => d.name === 'price order')
    const call = docs.find((d) => d.name === 'billing')
    expect(step).toMatchObject({ parent_id: parent, annotations: { order_id: 'o-17' } })
    expect(call).toMatchObject({
      parent_id: parent,
      http: { request: { method: 'POST', url }, response: { status: 201 } },
    })
    expect(received[0]!['x-amzn-trace-id']).toBe(`Root=${root};Parent=${call!.id};Sampled=1`)
  })

  it('lists every error code in its errors table', () => {
    const table = section('Errors')
    for (const code of [codes.INVALID_OPTION, ...Object.values(xrayCodes)])
      expect(table).toContain(`\`${code}\``)
  })
})
