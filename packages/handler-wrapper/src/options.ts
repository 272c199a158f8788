import { invalidOption } from '@sightline/correlation'

type Env = Readonly<Record<string, string | undefined>>

/** A finite number ≥ 0, or the fallback when not given. */
export function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value))
    invalidOption(name, 'a number ≥ 0', value)
  return value
}

/** The debug sample rate: the option (validated), else `SIGHTLINE_DEBUG_SAMPLE_RATE` when it is a valid rate, else 0. */
export function sampleRate(option: number | undefined, env: Env): number {
  if (option !== undefined) {
    if (!(option >= 0 && option <= 1)) invalidOption('debugSampleRate', 'a number from 0 to 1', option)
    return option
  }
  const fromEnv = Number(env.SIGHTLINE_DEBUG_SAMPLE_RATE)
  return fromEnv >= 0 && fromEnv <= 1 ? fromEnv : 0
}
