/**
 * Counters of what Sightline dropped instead of throwing. Shared across duplicate installs so a layer
 * and a bundle report into one place.
 */
export interface Diagnostics {
  /** Inbound correlation IDs refused: unsafe characters, too long, too many, not a string. */
  droppedIds: number
  /** Trace header entries refused (unsafe characters, malformed Root/Parent/Sampled, oversized header). */
  droppedTraceEntries: number
  /** JSON payloads whose Sightline envelope could not be read (the payload itself is passed on untouched). */
  unreadableEnvelopes: number
}

const key = Symbol.for('sightline.diagnostics.v1')
const g = globalThis as { [key]?: Diagnostics }
const counters: Diagnostics = (g[key] ??= { droppedIds: 0, droppedTraceEntries: 0, unreadableEnvelopes: 0 })

export function count(name: keyof Diagnostics, n = 1): void {
  counters[name] += n
}

/** A snapshot of the counters since the process started (or since `resetDiagnostics`). */
export function getDiagnostics(): Readonly<Diagnostics> {
  return { ...counters }
}

export function resetDiagnostics(): void {
  counters.droppedIds = 0
  counters.droppedTraceEntries = 0
  counters.unreadableEnvelopes = 0
}
