import { invalidOption } from '@sightline/correlation'

/** Where `fakeContext` reads the time. `Date` fits; so does `manualClock()`. */
export interface Clock {
  now(): number
}

/** A clock that only moves when told to, for deterministic remaining-time tests. */
export interface ManualClock extends Clock {
  /** Moves the clock forward by `ms` and returns the new time. */
  advance(ms: number): number
  /** Sets the clock to `ms` (epoch milliseconds; may go backwards) and returns it. */
  set(ms: number): number
}

export const systemClock: Clock = { now: () => Date.now() }

export function manualClock(start: number = Date.now()): ManualClock {
  let time = finite('start', start)
  return {
    now: () => time,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) invalidOption('ms', 'a finite number ≥ 0', ms)
      time += ms
      return time
    },
    set(ms) {
      time = finite('ms', ms)
      return time
    },
  }
}

function finite(name: string, value: number): number {
  return Number.isFinite(value) ? value : invalidOption(name, 'a finite number', value)
}
