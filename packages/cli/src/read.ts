import { createReadStream } from 'node:fs'
import { basename, extname } from 'node:path'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { SightlineError } from '@sightline/correlation'
import { cliCodes } from './errors.js'
import { createStoryCollector, type Story } from './story.js'

/** Where lines come from: a file path, or a stream with the name the story gives its lines. */
export type StoryInput = string | { readonly stream: Readable; readonly label: string }

/** `logs/create-post.log` → `create-post`: the name of lines that carry no service or function name. */
export function labelOf(path: string): string {
  const file = basename(path)
  const ext = extname(file)
  return ext === '' || ext === file ? file : file.slice(0, -ext.length)
}

/** Feeds every line of `stream` to `add`, one at a time: memory stays flat whatever the input's size. */
export async function eachLine(stream: Readable, add: (line: string) => void): Promise<void> {
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })
  for await (const line of lines) add(line)
}

async function readFile(path: string, add: (line: string, source: string) => void): Promise<void> {
  const source = labelOf(path)
  try {
    await eachLine(createReadStream(path), (line) => add(line, source))
  } catch (cause) {
    // Missing, a directory, no permission, a read error half way: the story would be incomplete.
    throw new SightlineError(cliCodes.UNREADABLE, `Cannot read ${path}: ${(cause as Error).message}`, {
      cause,
    })
  }
}

/** Reads the inputs in order and returns the story of `id` (a correlation id or an X-Ray Root). */
export async function readStory(id: string, inputs: readonly StoryInput[]): Promise<Story> {
  const collector = createStoryCollector(id)
  const add = (line: string, source: string) => collector.add(line, source)
  for (const input of inputs) {
    if (typeof input === 'string') await readFile(input, add)
    else await eachLine(input.stream, (line) => add(line, input.label))
  }
  return collector.story()
}
