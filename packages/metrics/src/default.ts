import { build, type Metrics } from './metrics.js'

let instance: Metrics | undefined
// Made on first use, not at import: importing the package has no side effect (no global hook, no env read).
const get = (): Metrics => (instance ??= build({}, process.env, false))

/**
 * The ready instance: MONITORING lines, default tags from the environment. Made on first use, when it
 * also fills the global hook unless `createMetrics` already did.
 */
const lazy: Metrics = {
  count: (name, value, tags) => get().count(name, value, tags),
  gauge: (name, value, tags) => get().gauge(name, value, tags),
  histogram: (name, value, tags) => get().histogram(name, value, tags),
  time: (name, fn, tags) => get().time(name, fn, tags),
  plugin: () => get().plugin(),
  flush: () => get().flush(),
  close: () => get().close(),
}
export const metrics: Metrics = Object.freeze(lazy)
