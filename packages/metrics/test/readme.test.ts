import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fakeContext } from '@sightline/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { readmeOf } from '../../../tools/test-helpers/readme.js'
import { capture, fields } from './helpers.js'

const out = capture()
const { tsBlocks } = readmeOf(import.meta.url)
const dir = mkdtempSync(join(tmpdir(), 'sightline-metrics-readme-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function load(name: string, code: string): Promise<Record<string, any>> {
  const file = join(dir, name)
  writeFileSync(file, code)
  return import(/* @vite-ignore */ file)
}

describe('README', () => {
  it('has a usage example of at most 16 lines that runs and writes what it says', async () => {
    const [usage, outputs] = tsBlocks('Usage')
    expect(usage!.trimEnd().split('\n').length).toBeLessThanOrEqual(16)
    const { handler } = await load('usage.ts', usage!)
    await expect(handler({ items: [1, 2, 3] }, fakeContext())).resolves.toEqual({ statusCode: 201 })
    const lines = out.metricLines().map(fields)
    expect(lines).toContainEqual(
      expect.objectContaining({ name: 'orders.placed', type: 'count', value: '1' }),
    )
    expect(lines).toContainEqual(
      expect.objectContaining({ name: 'order.items', type: 'histogram', value: '3' }),
    )
    expect(lines).toContainEqual(expect.objectContaining({ name: 'order.save', type: 'histogram' }))
    expect(lines.find((l) => l.name === 'orders.placed')?.tags).toMatch(/channel:web$/)
    await load('outputs.ts', outputs!)
  })

  it('shows a processor handler that runs', async () => {
    const [processor] = tsBlocks('`@sightline/metrics/processor`')
    const { handler } = await load('processor.ts', processor!)
    await expect(handler({ awslogs: { data: '' } }, fakeContext())).resolves.toMatchObject({
      skipped: 'bad-payload',
    })
  })
})
