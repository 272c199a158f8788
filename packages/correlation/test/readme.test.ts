import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readmeOf } from '../../../tools/test-helpers/readme.js'

const { text: readme, tsBlock } = readmeOf(import.meta.url)
const dir = mkdtempSync(join(tmpdir(), 'sightline-readme-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('README', () => {
  it('has a usage example of at most 16 lines that runs and forwards what it says', async () => {
    const code = tsBlock('Usage')
    expect(code.trimEnd().split('\n').length).toBeLessThanOrEqual(16)
    const file = join(dir, 'usage.ts')
    writeFileSync(file, code)
    const { handler } = await import(/* @vite-ignore */ file)
    const event = {
      httpMethod: 'POST',
      requestContext: { requestId: 'api-req-1' },
      headers: { 'X-Correlation-Id': 'abc-123', 'Call-Chain-Length': '2' },
    }
    const out = await handler(event, { awsRequestId: 'lambda-req-1' })
    expect(out.headers).toEqual({
      'x-correlation-id': 'abc-123',
      'x-correlation-order-id': 'ORD-17',
      'debug-log-enabled': expect.stringMatching(/^(true|false)$/),
      'call-chain-length': '3',
    })
    expect(out.MessageAttributes['x-correlation-order-id']).toEqual({
      DataType: 'String',
      StringValue: 'ORD-17',
    })
    expect(JSON.parse(out.Data)).toEqual({
      __context__: out.headers,
      orderId: 'ORD-17',
    })
  })

  it('documents the defaults that limits holds', async () => {
    const { limits } = await import('@sightline/correlation')
    const shown = Object.entries(limits)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')
    expect(readme).toContain(`\`{ ${shown} }\``)
  })
})
