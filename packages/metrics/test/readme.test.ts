import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fakeContext } from '@sightline/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { capture, fields } from './helpers.js'

const out = capture()
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const dir = mkdtempSync(join(tmpdir(), 'sightline-metrics-readme-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The ts blocks of a `## <title>` section. */
function codeOf(title: string): string[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith(`${title}\n`))
  const blocks = [...(section?.matchAll(/```ts\n([\s\S]*?)```/g) ?? [])].map((m) => m[1]!)
  expect(blocks.length, `README.md has ts blocks under "## ${title}"`).toBeGreaterThan(0)
  return blocks
}

async function load(name: string, code: string): Promise<Record<string, any>> {
  const file = join(dir, name)
  writeFileSync(file, code)
  return import(/* @vite-ignore */ file)
}

describe('README', () => {
  it('has a usage example of at most 16 lines that runs and writes what it says', async () => {
    const [usage, outputs] = codeOf('Usage')
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
    const [processor] = codeOf('`@sightline/metrics/processor`')
    const { handler } = await load('processor.ts', processor!)
    await expect(handler({ awslogs: { data: '' } }, fakeContext())).resolves.toMatchObject({
      skipped: 'bad-payload',
    })
  })
})
