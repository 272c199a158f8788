import { type CapturedIds, stampOf } from './capture.js'
import type { SkipReason } from './diagnostics.js'

export type Obj = Record<string, unknown>
export const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x)

/** What an injector knows about the send it works for. */
export interface Sending {
  /** The IDs of the context active when `send` was called. */
  readonly current: CapturedIds
  /** Notes an injection left out (counted; one warning per reason per process). */
  skip(reason: SkipReason): void
}

/**
 * Rewrites one operation's input: a copy with the IDs in, or `undefined` to send the input as it is. Never
 * mutates `input` or anything in it.
 */
export type Injector = (input: Obj, sending: Sending) => Obj | undefined

/** An entry's own stamp (`withIds`), else the whole input's, else the context at send. */
export function idsFor(entry: unknown, input: Obj, sending: Sending): CapturedIds {
  return stampOf(entry) ?? stampOf(input) ?? sending.current
}
