import { invalidOption } from '@sightline/correlation'

/** CloudWatch's standard units (EMF and PutMetricData). */
export const UNITS = Object.freeze([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
] as const)

export type Unit = (typeof UNITS)[number]

export interface ShapeOptions {
  /** Unit per metric name. Default: `Milliseconds` for `time()`, none otherwise. */
  readonly units?: Readonly<Record<string, Unit>>
  /** Store these metrics (or all with `true`) at 1-second resolution. Default: none (60 s). */
  readonly highResolution?: boolean | readonly string[]
}

export interface Shape {
  readonly unit: Unit | undefined
  readonly storageResolution: 1 | 60
}

/** How a sink stores each metric name: its unit and storage resolution, validated once. */
export function shapeResolver({
  units = {},
  highResolution = false,
}: ShapeOptions): (name: string, fallbackUnit: Unit | undefined) => Shape {
  if (units === null || typeof units !== 'object') invalidOption('units', 'an object of unit by name', units)
  for (const [name, unit] of Object.entries(units)) {
    if (!(UNITS as readonly string[]).includes(unit))
      invalidOption(`units.${name}`, `one of ${UNITS.join(', ')}`, unit)
  }
  const all = highResolution === true
  if (typeof highResolution !== 'boolean' && !Array.isArray(highResolution))
    invalidOption('highResolution', 'a boolean or an array of metric names', highResolution)
  const high = new Set(Array.isArray(highResolution) ? highResolution : [])
  const own = new Map(Object.entries(units))
  // Shapes are asked for per datum: keep one frozen object per name and unit.
  const shapes = new Map<string, Shape>()
  return (name, fallbackUnit) => {
    const key = fallbackUnit === undefined ? name : `${name}\u0000${fallbackUnit}`
    let shape = shapes.get(key)
    if (shape === undefined) {
      shape = Object.freeze({
        unit: own.get(name) ?? fallbackUnit,
        storageResolution: all || high.has(name) ? 1 : 60,
      })
      if (shapes.size < 10_000) shapes.set(key, shape)
    }
    return shape
  }
}
