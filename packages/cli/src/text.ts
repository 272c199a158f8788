import { invalidOption } from '@sightline/correlation'
import type { Hop } from './hops.js'
import type { Story, StoryLine } from './story.js'

export interface TextOptions {
  /** Characters of the waterfall's track. Default 50. */
  readonly width?: number
}

const NAME_MAX = 28
// Log lines are untrusted: control characters (terminal escapes), line and paragraph separators are
// shown as escapes instead of being sent to the terminal.
const UNPRINTABLE = /[\p{Cc}\u2028\u2029]/gu

/** `text` with every control character written as a `\u{…}` escape: one line, no terminal escapes. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`)
}

/** `+12 ms`, `+1.84 s`, `+2 min 5 s`. */
export function formatOffset(ms: number): string {
  return `+${formatDuration(ms)}`
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`
  const seconds = Math.round(ms / 1000)
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`
}

const failed = (level: string) => level === 'error' || level === 'fatal'

function fit(text: string, width: number): string {
  const clean = printable(text)
  return clean.length > width ? `${clean.slice(0, width - 1)}…` : clean.padEnd(width)
}

/** The error a line carries (pino's `err`, or an `error` object), as `Type: message`. */
export function errorOf(line: StoryLine): string | undefined {
  const err = line.fields.err ?? line.fields.error
  if (err === null || typeof err !== 'object') return undefined
  const { type, name, message } = err as Record<string, unknown>
  const label = typeof type === 'string' ? type : typeof name === 'string' ? name : 'Error'
  return typeof message === 'string' ? `${label}: ${message}` : undefined
}

/** `a, b and c`, at most five names and how many more. */
export function namesOf(hops: readonly Hop[]): string {
  const names = [...new Set(hops.map((h) => printable(h.name)))]
  const shown = names.length > 5 ? [...names.slice(0, 4), `${names.length - 4} more`] : names
  return shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`
}

/** The heading, then one line per log line: time offset, service or function, level, message. */
export function formatStory(story: Story): string {
  const { lines, hops, id } = story
  if (lines.length === 0) return `No line carries ${printable(id)}.\n`
  const nameWidth = Math.min(NAME_MAX, Math.max(...lines.map((l) => printable(l.hop).length), 7))
  const offsets = lines.map((l) => formatOffset(l.time - story.start))
  const offsetWidth = Math.max(...offsets.map((o) => o.length))
  const out = [
    `Story of ${printable(id)}: ${lines.length} line${lines.length === 1 ? '' : 's'} from ` +
      `${namesOf(hops)} over ${formatDuration(story.end - story.start)}`,
    '',
  ]
  lines.forEach((line, i) => {
    const error = errorOf(line)
    const message = printable(line.message) + (error === undefined ? '' : ` (${printable(error)})`)
    const offset = offsets[i]!.padStart(offsetWidth)
    out.push(`  ${offset}  ${fit(line.hop, nameWidth)}  ${printable(line.level).padEnd(5)}  ${message}`)
  })
  return `${out.join('\n')}\n`
}

/** One bar per hop on a common time axis: name, bar, start offset, duration. */
export function formatWaterfall(story: Story, { width = 50 }: TextOptions = {}): string {
  if (!Number.isInteger(width) || width < 10 || width > 500)
    invalidOption('width', 'an integer 10–500', width)
  const { hops } = story
  if (hops.length === 0) return ''
  const span = Math.max(story.end - story.start, 1)
  const nameWidth = Math.min(NAME_MAX, Math.max(...hops.map((h) => printable(h.name).length), 4))
  const rows = hops.map((hop) => {
    const { from, to } = columns(hop, story.start, span, width)
    const bar = ' '.repeat(from) + '█'.repeat(to - from) + ' '.repeat(width - to)
    const mark = failed(hop.level) ? `  ${hop.level}` : '' // only `error` or `fatal`: nothing to escape
    const offset = formatOffset(hop.start - story.start).padStart(9)
    return `  ${fit(hop.name, nameWidth)} |${bar}| ${offset}  ${formatDuration(hop.end - hop.start)}${mark}`
  })
  return `Waterfall (${formatDuration(story.end - story.start)})\n\n${rows.join('\n')}\n`
}

/** The hop's first and last column on a track of `width`: at least one column, even for an instant. */
export function columns(hop: Hop, start: number, span: number, width: number): { from: number; to: number } {
  const from = Math.min(width - 1, Math.max(0, Math.floor(((hop.start - start) / span) * width)))
  const to = Math.min(width, Math.max(from + 1, Math.ceil(((hop.end - start) / span) * width)))
  return { from, to }
}
