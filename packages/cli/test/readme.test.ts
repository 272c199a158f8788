import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { codes } from '@sightline/correlation'
import { afterAll, describe, expect, it } from 'vitest'
import { readmeOf } from '../../../tools/test-helpers/readme.js'
import { cliCodes } from '../src/index.js'
import { ALICE, DEMO } from './helpers.js'

const { section } = readmeOf(import.meta.url)
// Inside the package, so the example's imports resolve as they would in a user's project.
const dir = mkdtempSync(join(new URL('.', import.meta.url).pathname, '.readme-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('README', () => {
  it('lists every error code, and nothing else', () => {
    const listed = [...section('Errors').matchAll(/^\| `(ERR_[A-Z_]+)`/gm)].map((m) => m[1])
    expect(listed.sort()).toEqual([codes.INVALID_OPTION, ...Object.values(cliCodes)].sort())
  })

  it('has a library example of at most 15 lines that runs', async () => {
    const code = section('Usage').match(/```ts\n([\s\S]*?)```/)?.[1]
    expect(code?.trimEnd().split('\n').length).toBeLessThanOrEqual(15)
    const file = join(dir, 'usage.ts')
    writeFileSync(file, code!.replace("'story.html'", JSON.stringify(join(dir, 'story.html'))))
    const argv = process.argv
    const write = process.stdout.write
    let out = ''
    process.argv = ['node', 'usage.ts', ALICE, ...DEMO]
    process.stdout.write = ((chunk: string) => {
      out += chunk
      return true
    }) as typeof process.stdout.write
    try {
      await import(/* @vite-ignore */ file)
    } finally {
      process.argv = argv
      process.stdout.write = write
    }
    expect(out).toContain('Story of demo-7f3a2c19: 15 lines')
    expect(readFileSync(join(dir, 'story.html'), 'utf8')).toContain('data-hop="add-to-feed"')
  })

  it('shows the story and waterfall the command prints for the recorded demo logs', async () => {
    const { main } = await import('../src/index.js')
    let out = ''
    await main(['story', ALICE, ...DEMO], {
      stdin: process.stdin,
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: () => true },
    })
    const shown = section('Usage').match(/```text\n([\s\S]*?)```/)?.[1] ?? ''
    for (const l of shown.split('\n').filter((l) => l !== '' && !l.includes('…'))) expect(out).toContain(l)
  })
})
