import type { StoryLine } from './story.js'

/** What Lambda's platform records say about one invocation (any of it may be missing). */
export interface Invocation {
  start?: number
  reportedAt?: number
  durationMs?: number
}

/** One bar of the waterfall: a service's part of the story, or one invocation of a function. */
export interface Hop {
  /** The function or service name. */
  readonly name: string
  /** Set for a Lambda invocation. */
  readonly awsRequestId: string | undefined
  /** Epoch ms. */
  readonly start: number
  readonly end: number
  readonly lines: number
  /** The worst level among its lines: `error` or `fatal` mark a failed hop. */
  readonly level: string
  /** Whether the bounds come from Lambda's own platform records rather than from the log lines. */
  readonly measured: boolean
}

const SEVERITY: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  warning: 40,
  error: 50,
  fatal: 60,
  critical: 60,
}
const severity = (level: string) => SEVERITY[level] ?? 30

interface Draft {
  name: string
  awsRequestId: string | undefined
  start: number
  end: number
  lines: number
  level: string
}

/**
 * Groups the story's lines into hops: per function invocation (name + request id), per service otherwise.
 * A line with a `durationMs` (the Express access line) reaches back to when its request started; an
 * invocation's platform records, when present, give its exact bounds.
 */
export function hopsOf(lines: readonly StoryLine[], invocations: ReadonlyMap<string, Invocation>): Hop[] {
  const drafts = new Map<string, Draft>()
  for (const line of lines) {
    const key = `${line.hop}\u0000${line.awsRequestId ?? ''}`
    const duration = line.fields.durationMs
    const from = typeof duration === 'number' && duration > 0 ? line.time - duration : line.time
    const draft = drafts.get(key)
    if (draft === undefined) {
      const { hop: name, awsRequestId, time, level } = line
      drafts.set(key, { name, awsRequestId, start: from, end: time, lines: 1, level })
      continue
    }
    draft.start = Math.min(draft.start, from)
    draft.end = Math.max(draft.end, line.time)
    draft.lines++
    if (severity(line.level) > severity(draft.level)) draft.level = line.level
  }
  return [...drafts.values()].map((d) => measure(d, invocations)).sort((a, b) => a.start - b.start)
}

function measure(draft: Draft, invocations: ReadonlyMap<string, Invocation>): Hop {
  const known = draft.awsRequestId === undefined ? undefined : invocations.get(draft.awsRequestId)
  if (known === undefined) return { ...draft, measured: false }
  const { reportedAt, durationMs } = known
  // The report is written when the invocation ends; with its duration it also says when it began.
  const began =
    known.start ??
    (reportedAt !== undefined && durationMs !== undefined ? reportedAt - durationMs : undefined)
  const ended = began !== undefined && durationMs !== undefined ? began + durationMs : reportedAt
  return {
    ...draft,
    start: began === undefined ? draft.start : Math.min(draft.start, began),
    end: ended === undefined ? draft.end : Math.max(draft.end, ended),
    measured: began !== undefined || ended !== undefined,
  }
}
