import { writeFile } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { parseArgs } from 'node:util'
import { SightlineError } from '@sightline/correlation'
import { cliCodes } from './errors.js'
import { renderHtml } from './html.js'
import type { MalformedReason } from './line.js'
import { readStory, type StoryInput } from './read.js'
import type { StoryStats } from './story.js'
import { formatStory, formatWaterfall, printable } from './text.js'
import { VERSION } from './version.js'

export interface Io {
  readonly stdin: Readable
  readonly stdout: { write(text: string): unknown }
  readonly stderr: { write(text: string): unknown }
}

export const USAGE = `Usage: sightline story <correlation-id|trace-root> [files…] [options]

Prints every log line that carries the id (any x-correlation-* value, or the X-Ray Root), from every
service and function, in time order, then a waterfall with one bar per hop. Reads JSON log lines
(Sightline's, also inside Lambda's JSON or text log format) from the files, or from stdin when no
file is given or a file is "-". Lines that cannot be read are skipped and counted.

Options:
  --html <file>   also write the story as a self-contained HTML page with the waterfall drawn
  --width <n>     characters of the waterfall's track (10–500, default 50)
  -h, --help      show this help
  -v, --version   show the version

Exit status: 0 when the story has lines, 1 when no line carries the id, 2 on a usage or read error.
`

function usage(message: string): never {
  throw new SightlineError(cliCodes.USAGE, message)
}

interface Command {
  readonly id: string
  readonly files: readonly string[]
  readonly html: string | undefined
  readonly width: number
}

function parse(argv: readonly string[]): Command | 'help' | 'version' {
  let parsed: ReturnType<typeof parseOptions>
  try {
    parsed = parseOptions(argv)
  } catch (error) {
    usage((error as Error).message)
  }
  const { values, positionals } = parsed
  if (values.help) return 'help'
  if (values.version) return 'version'
  const [command, id, ...files] = positionals
  if (command === undefined) usage('A command is required: sightline story <id> [files…]')
  if (command !== 'story') usage(`Unknown command ${JSON.stringify(command)}: the command is story`)
  if (id === undefined || id.trim() === '') usage('sightline story needs a correlation id or an X-Ray Root')
  const width = values.width === undefined ? 50 : Number(values.width)
  if (!Number.isInteger(width) || width < 10 || width > 500)
    usage(`--width must be an integer from 10 to 500, got ${JSON.stringify(values.width)}`)
  return { id, files, html: values.html, width }
}

function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      html: { type: 'string' },
      width: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  })
}

const REASONS: Readonly<Record<MalformedReason, string>> = {
  'not-json': 'not JSON',
  'invalid-json': 'broken JSON',
  'not-an-object': 'not an object',
  'too-long': 'too long',
}

const plural = (n: number, word: string) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`

/** One line for stderr: what was read and what was skipped. */
export function formatStats(stats: StoryStats): string {
  const parts = [`${plural(stats.matched, 'line')} in the story`]
  if (stats.unrelated > 0) parts.push(`${stats.unrelated.toLocaleString('en')} of other requests`)
  if (stats.metrics > 0) parts.push(`${plural(stats.metrics, 'metric line')}`)
  if (stats.platform > 0) parts.push(`${plural(stats.platform, 'Lambda platform record')}`)
  if (stats.other > 0) parts.push(`${stats.other.toLocaleString('en')} not Sightline log lines`)
  if (stats.malformed > 0) {
    const reasons = Object.entries(stats.malformedReasons)
      .filter(([, n]) => n > 0)
      .map(([reason, n]) => `${n} ${REASONS[reason as MalformedReason]}`)
    parts.push(`${plural(stats.malformed, 'malformed line')} skipped (${reasons.join(', ')})`)
  }
  return `Read ${plural(stats.lines, 'line')}: ${parts.join(', ')}.\n`
}

/** The CLI: runs `argv` (without node and the script) and resolves with the exit status. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let command: ReturnType<typeof parse>
  try {
    command = parse(argv)
  } catch (error) {
    io.stderr.write(`sightline: ${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (command === 'help') {
    io.stdout.write(USAGE)
    return 0
  }
  if (command === 'version') {
    io.stdout.write(`${VERSION}\n`)
    return 0
  }
  const { id, files, html, width } = command
  const inputs: StoryInput[] = (files.length === 0 ? ['-'] : files).map((f) =>
    f === '-' ? { stream: io.stdin, label: 'stdin' } : f,
  )
  try {
    const story = await readStory(id, inputs)
    io.stdout.write(formatStory(story))
    if (story.hops.length > 0) io.stdout.write(`\n${formatWaterfall(story, { width })}`)
    if (html !== undefined) {
      await writeFile(html, renderHtml(story)).catch((cause: Error) => {
        throw new SightlineError(cliCodes.UNWRITABLE, `Cannot write ${html}: ${cause.message}`, { cause })
      })
      io.stderr.write(`Wrote ${printable(html)}\n`)
    }
    io.stderr.write(formatStats(story.stats))
    return story.lines.length > 0 ? 0 : 1
  } catch (error) {
    if (
      error instanceof SightlineError &&
      (error.code === cliCodes.UNREADABLE || error.code === cliCodes.UNWRITABLE)
    ) {
      io.stderr.write(`sightline: ${error.message}\n`)
      return 2
    }
    throw error
  }
}
