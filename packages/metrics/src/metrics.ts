import { performance } from 'node:perf_hooks'
import { type CorrelationContext, invalidOption } from '@sightline/correlation'
import { writeLine } from '@sightline/logger'
import { createBuffers } from './buffers.js'
import { cleanName } from './clean.js'
import { type Env, settingsFrom } from './config.js'
import type { Datum, Sink } from './datum.js'
import { bump } from './diagnostics.js'
import { register } from './global.js'
import { looksLikeIdentifier } from './identifier.js'
import { epochSeconds, formatLine, type MetricType } from './line.js'
import { createPeriodicFlush } from './periodic.js'
import { createPlugin, type MetricsPlugin } from './plugin.js'
import { createTagger, type Tags } from './tags.js'
import type { Unit } from './units.js'
import { warnOnce } from './warn.js'

export interface MetricsOptions {
  /**
   * Where metrics go. Default: MONITORING lines, written at the moment of the call. `emf(...)` or
   * `putMetricData(...)` (from `@sightline/metrics/cloudwatch`) buffer per invocation instead and send
   * during the wrapper's flush (add `metrics.plugin()` to `wrap()`).
   */
  readonly sink?: Sink
  /** Tags on every metric. Default: `defaultTags(env)` (service, env, function_name). */
  readonly tags?: Readonly<Record<string, string>>
  /** Distinct values kept per tag key per process; later ones become `__other__`. Default 100. */
  readonly maxTagValues?: number
  /** Which tag keys to refuse. Default: `looksLikeIdentifier` (request, correlation, user… ids). */
  readonly refuseTag?: (key: string) => boolean
  /**
   * With a buffering sink, how often what was recorded outside invocations is sent (an unref'd interval,
   * plus a flush on `beforeExit` and SIGTERM). Default: 10 000 outside Lambda, 0 (off) inside Lambda,
   * where the next invocation's flush sends it.
   */
  readonly flushIntervalMs?: number
  /** Time allowed to the periodic, shutdown and `flush()` sends. Default 5 000. */
  readonly flushTimeoutMs?: number
}

export interface Metrics {
  /** Adds `value` (default 1) to a counter. */
  count(name: string, value?: number, tags?: Tags): void
  /** Records the current value of something (last value wins per second). */
  gauge(name: string, value: number, tags?: Tags): void
  /** Records one sample of a distribution (latencies, sizes). */
  histogram(name: string, value: number, tags?: Tags): void
  /** Runs `fn`; records its duration in ms as a histogram when it returns, throws or settles. */
  time<T>(name: string, fn: () => T, tags?: Tags): T
  /** For `wrap(handler, { plugins: [metrics.plugin()] })`: flushes, and records the built-in metrics. */
  plugin(): MetricsPlugin
  /** Sends what was recorded outside invocations now (buffering sinks). Never rejects. */
  flush(): Promise<void>
  /** Flushes, stops the periodic flush and removes the shutdown listeners. */
  close(): Promise<void>
}

/** The internals the plugin works with. */
export interface Recorder {
  record(
    type: MetricType,
    name: string,
    value: number,
    tags: Tags | undefined,
    unit: Unit | undefined,
    scope?: CorrelationContext,
  ): void
  open(scope: CorrelationContext): void
  /** Sends the scope's (and the process's) datums by `deadline`; undefined when there were none. */
  flush(deadline: number, scope?: CorrelationContext): PromiseLike<void> | undefined
}

const NAME_CACHE = 1000

/**
 * A metrics instance. Reads the environment once, here (`env` is for tests). Nothing it does throws into
 * the caller once it is created: bad names, values and tags are dropped or cleaned and counted in
 * `getMetricsDiagnostics()`, and reported by one warning per kind.
 */
export function createMetrics(options: MetricsOptions = {}, env: Env = process.env): Metrics {
  return build(options, env, true)
}

export function build(options: MetricsOptions, env: Env, replaceGlobal: boolean): Metrics {
  const settings = settingsFrom(env)
  const {
    sink,
    tags = settings.tags,
    maxTagValues = 100,
    refuseTag = looksLikeIdentifier,
    flushIntervalMs = settings.inLambda ? 0 : 10_000,
    flushTimeoutMs = 5_000,
  } = options
  if (sink !== undefined && (sink === null || typeof sink.send !== 'function'))
    invalidOption('sink', 'a sink such as emf(...) or putMetricData(...)', sink)
  if (tags === null || typeof tags !== 'object') invalidOption('tags', 'an object of strings', tags)
  for (const [k, v] of Object.entries(tags))
    if (typeof v !== 'string') invalidOption(`tags.${k}`, 'a string', v)
  if (!Number.isInteger(maxTagValues) || maxTagValues < 1)
    invalidOption('maxTagValues', 'an integer ≥ 1', maxTagValues)
  if (typeof refuseTag !== 'function') invalidOption('refuseTag', 'a function', refuseTag)
  for (const [name, v] of [
    ['flushIntervalMs', flushIntervalMs],
    ['flushTimeoutMs', flushTimeoutMs],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) invalidOption(name, 'a number ≥ 0', v)
  }

  const tagsFor = createTagger({ defaults: tags, maxTagValues, refuseTag })
  const names = new Map<string, string>()
  const periodic = createPeriodicFlush(sink === undefined ? 0 : flushIntervalMs, () => flushNow())
  const buffers = createBuffers(() => periodic.arm())

  function nameOf(name: string): string | undefined {
    const known = names.get(name)
    if (known !== undefined) return known
    const clean = cleanName(name)
    if (clean === undefined) {
      warnOnce(
        'invalidName',
        'sightline metrics: dropped a metric without a usable name (counted in invalidNames)',
        {
          metric: typeof name === 'string' ? name.slice(0, 100) : typeof name,
        },
      )
      return undefined
    }
    if (names.size < NAME_CACHE) names.set(name, clean)
    return clean
  }

  const recorder: Recorder = {
    record(type, name, value, tagInput, unit, scope) {
      try {
        const clean = nameOf(name)
        if (clean === undefined) return
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          bump('invalidValues')
          warnOnce('invalidValue', 'sightline metrics: dropped a metric whose value is not a finite number', {
            metric: clean,
            value: String(value).slice(0, 40),
          })
          return
        }
        const tagSet = tagsFor(tagInput)
        const now = Date.now()
        if (sink === undefined) {
          writeLine(formatLine(epochSeconds(now), value, type, clean, tagSet.text))
          return
        }
        const datum: Datum = { type, name: clean, value, tags: tagSet, timestamp: now, unit }
        if (!buffers.add(datum, scope)) {
          writeLine(formatLine(epochSeconds(now), value, type, clean, tagSet.text))
          bump('fallbackLines')
        }
      } catch {
        // Metrics never throw into the code that records them.
      }
    },
    open(scope) {
      if (sink !== undefined) buffers.open(scope)
    },
    flush(deadline, scope) {
      if (sink === undefined) return undefined
      const datums = buffers.take(scope)
      if (datums === undefined) return undefined
      return send(sink, datums, deadline)
    },
  }

  function flushNow(): Promise<void> {
    return Promise.resolve(recorder.flush(Date.now() + flushTimeoutMs))
  }

  let plugin: MetricsPlugin | undefined
  const instance: Metrics = {
    count: (name, value = 1, t) => recorder.record('count', name, value, t, undefined),
    gauge: (name, value, t) => recorder.record('gauge', name, value, t, undefined),
    histogram: (name, value, t) => recorder.record('histogram', name, value, t, undefined),
    time(name, fn, t) {
      const started = performance.now()
      const done = () => recorder.record('histogram', name, performance.now() - started, t, 'Milliseconds')
      let result: unknown
      try {
        result = fn()
      } catch (error) {
        done()
        throw error
      }
      if (result !== null && typeof (result as PromiseLike<unknown>)?.then === 'function') {
        ;(result as PromiseLike<unknown>).then(done, done)
      } else {
        done()
      }
      return result as ReturnType<typeof fn>
    },
    plugin: () => (plugin ??= createPlugin(recorder)),
    flush: flushNow,
    async close() {
      periodic.stop()
      await flushNow()
    },
  }
  register(instance, replaceGlobal)
  return instance
}

/** A sink's send, contained: it must not reject or throw, whatever it is. */
function send(sink: Sink, datums: Datum[], deadline: number): PromiseLike<void> | undefined {
  try {
    const r = sink.send(datums, deadline)
    if (r === undefined || r === null || typeof r.then !== 'function') return undefined
    return Promise.resolve(r).catch((error: unknown) => {
      warnOnce('sink', `sightline metrics: the ${sink.name} sink failed; its metrics are lost`, {
        err: error,
      })
    })
  } catch (error) {
    warnOnce('sink', `sightline metrics: the ${sink.name} sink failed; its metrics are lost`, { err: error })
    return undefined
  }
}
