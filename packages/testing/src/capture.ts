/** Where Sightline writes its lines: one call per complete JSON line ending in '\n'. */
export interface LogOutput {
  write(line: string): void
}

/** The signature of `@sightline/logger`'s `setOutput`: installs an output, returns the previous one. */
export type SetOutput = (output: LogOutput | undefined) => LogOutput | undefined

export type LogRecord = Record<string, unknown>

export interface LogCapture {
  /** Every line as written, newline included. */
  readonly lines: string[]
  /** The lines parsed as JSON; a line that is not a JSON object comes back as `{ raw }`. */
  records(): LogRecord[]
  find(predicate: (record: LogRecord) => boolean): LogRecord | undefined
  filter(predicate: (record: LogRecord) => boolean): LogRecord[]
  /** Lines at a level, given as a pino label (`'info'`, any case) or number (`30`); matches either form. */
  byLevel(level: string | number): LogRecord[]
  clear(): void
  /** Puts the previous output back. Safe to call twice. */
  restore(): void
  [Symbol.dispose](): void
}

const LEVELS: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
}

/** Captures every line written through `setOutput` until `restore()` (or the end of a `using` block). */
export function captureWith(setOutput: SetOutput): LogCapture {
  const lines: string[] = []
  const previous = setOutput({ write: (line) => void lines.push(line) })
  let restored = false
  const records = () => lines.map(parse)
  const restore = () => {
    if (restored) return
    restored = true
    setOutput(previous)
  }
  return {
    lines,
    records,
    find: (predicate) => records().find(predicate),
    filter: (predicate) => records().filter(predicate),
    byLevel(level) {
      const number = typeof level === 'number' ? level : LEVELS[level.toLowerCase()]
      const label = typeof level === 'string' ? level.toLowerCase() : labelOf(level)
      return records().filter(({ level: l }) =>
        typeof l === 'number' ? l === number : String(l).toLowerCase() === label,
      )
    },
    clear: () => void lines.splice(0),
    restore,
    [Symbol.dispose]: restore,
  }
}

function parse(line: string): LogRecord {
  try {
    const value: unknown = JSON.parse(line)
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as LogRecord
  } catch {}
  return { raw: line }
}

function labelOf(level: number): string | undefined {
  return Object.keys(LEVELS).find((k) => LEVELS[k] === level)
}
