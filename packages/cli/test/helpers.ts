import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createStoryCollector, type Story } from '../src/index.js'

/** Log files recorded from the demo (`pnpm demo --logs`), ids made fixed: see fixtures/README.md. */
export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
export const DEMO = ['services', 'create-post', 'distribute', 'add-to-feed', 'log-metrics'].map((n) =>
  fixture(`demo/${n}.jsonl`),
)
/** alice's request, sent with its own x-correlation-id, and bob's, whose id the API service generated. */
export const ALICE = 'demo-7f3a2c19'
export const BOB = '5b7c2f0e-8d1a-4c3b-9e6f-2a4d8c0b1e73'
export const ALICE_POST = 'post-044d835e'
export const ALICE_ROOT = '1-6b025af0-54faac6ea401bd81b6be3dd5'

/** The story of `id` from lines given as text, all from `source`. */
export function storyOf(id: string, lines: readonly string[], source = 'test'): Story {
  const collector = createStoryCollector(id)
  for (const line of lines) collector.add(line, source)
  return collector.story()
}

/** The story of `id` from the recorded demo logs, each file read whole (the streaming has its own tests). */
export function demoStory(id: string): Story {
  const collector = createStoryCollector(id)
  for (const file of DEMO) {
    const source = file
      .split('/')
      .at(-1)!
      .replace(/\.jsonl$/, '')
    for (const line of readFileSync(file, 'utf8').replace(/\n$/, '').split('\n')) collector.add(line, source)
  }
  return collector.story()
}

/** A Sightline line as the logger writes it. */
export const line = (fields: Record<string, unknown>) => JSON.stringify({ level: 'info', ...fields })
