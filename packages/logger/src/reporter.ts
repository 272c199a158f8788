import { logger } from './default-logger.js'

/** What a package reports instead of throwing: counters, and one warning line per code and process. */
export interface Reporter<Code extends string, Counter extends string> {
  /** Counts a runtime failure under its code and writes the code's warning the first time. Never throws. */
  report(code: Code, detail?: unknown): void
  /** Counts something that is not a failure (documents sent…). */
  count(counter: Counter, n?: number): void
  /** A snapshot of the counters since the process started (or since `reset`). */
  snapshot(): Readonly<Record<Counter, number>>
  /** Zeroes the counters and lets each code be reported once more (tests). */
  reset(): void
}

interface Slot {
  readonly counters: Record<string, number>
  readonly reported: Set<string>
}

/**
 * A package's reporter. The state lives in one global slot per `key` (a `Symbol.for` name), shared by a
 * package's entry points and duplicate installs, so counters add up and each code is reported once.
 * `codes` maps each code to the counter it bumps and the message of its one warning line.
 */
export function reporter<Code extends string, Counter extends string>(
  key: string,
  codes: Readonly<Record<Code, readonly [counter: Counter, message: string]>>,
  counters: readonly Counter[],
): Reporter<Code, Counter> {
  const sym = Symbol.for(key)
  const g = globalThis as { [k: symbol]: Slot | undefined }
  const slot: Slot = (g[sym] ??= { counters: {}, reported: new Set() })
  for (const name of counters) slot.counters[name] ??= 0
  return {
    report(code, detail) {
      const [counter, message] = codes[code]
      slot.counters[counter] = (slot.counters[counter] ?? 0) + 1
      if (slot.reported.has(code)) return
      slot.reported.add(code)
      try {
        logger.warn(detail instanceof Error ? { code, err: detail } : { code, detail }, message)
      } catch {}
    },
    count(counter, n = 1) {
      slot.counters[counter] = (slot.counters[counter] ?? 0) + n
    },
    snapshot: () => ({ ...slot.counters }) as Record<Counter, number>,
    reset() {
      for (const name of Object.keys(slot.counters)) slot.counters[name] = 0
      slot.reported.clear()
    },
  }
}
