import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setOutput } from '@sightline/logger'
import { afterAll, afterEach, describe, expect, it } from 'vitest'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const dir = mkdtempSync(join(tmpdir(), 'sightline-logger-readme-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(() => {
  setOutput(undefined)
})

const section = (title: string) => readme.split(/^## /m).find((s) => s.startsWith(`${title}\n`))

describe('README', () => {
  it('has a usage example that runs and writes the fields it promises', async () => {
    const code = section('Usage')?.match(/```ts\n([\s\S]*?)```/)?.[1]
    expect(code).toBeDefined()
    const file = join(dir, 'usage.ts')
    writeFileSync(file, code!)
    const lines: string[] = []
    setOutput({ write: (l) => void lines.push(l) })
    const { handler } = await import(/* @vite-ignore */ file)
    const context = {
      awsRequestId: '8476a536-e9f4-11e8-9739-2dfe598c3fcd',
      functionName: 'orders-api',
      functionVersion: '$LATEST',
      memoryLimitInMB: '1024',
      getRemainingTimeInMillis: () => 30_000,
    }
    const event = {
      path: '/orders',
      headers: { 'x-correlation-id': 'c0a8f1d2' },
      requestContext: {},
      httpMethod: 'GET',
    }
    expect(await handler(event, context)).toEqual({ statusCode: 200 })
    const records = lines.map((l) => JSON.parse(l))
    expect(records.map((r) => r.msg)).toEqual(['request', 'query done'])
    for (const r of records) {
      expect(r).toMatchObject({
        'x-correlation-id': 'c0a8f1d2',
        awsRequestId: context.awsRequestId,
        function_name: 'orders-api',
        function_version: '$LATEST',
        function_memory_size: 1024,
        cold_start: expect.any(Boolean),
      })
    }
    expect(records[0]).toMatchObject({ path: '/orders' })
    expect(records[1]).toMatchObject({ service: 'orders', component: 'db' })
  })

  it('shows a sample line with the fields of the table', () => {
    const sample = section('Usage')?.match(/```json\n([\s\S]*?)```/)?.[1]
    const line = JSON.parse(sample!)
    const table = section('Fields on every line')!
    for (const key of Object.keys(line)) {
      if (['path'].includes(key)) continue
      expect(table).toContain(key.startsWith('x-correlation-') ? '`x-correlation-*`' : `\`${key}\``)
    }
  })
})
