import { createEmitter } from './emitter.js'
import { getHook, XRAY_KEY, type XrayHook } from './hook.js'
import { resolveTracing, type TracingOptions } from './options.js'
import { report, xrayCodes } from './report.js'
import { loadSdk } from './sdk.js'
import { createTracer } from './tracer.js'

const g = globalThis as { [XRAY_KEY]?: XrayHook }

/**
 * Turns tracing on when the options or `SIGHTLINE_TRACING` say so: loads aws-xray-sdk-core (only then) and
 * installs the tracer at `globalThis[Symbol.for('sightline.xray.v1')]`. Returns whether tracing is on. Once
 * installed it stays until `disableTracing()`. Bad options throw `ERR_SIGHTLINE_INVALID_OPTION`; a missing
 * SDK is reported once and leaves tracing off.
 */
export function enableTracing(options: TracingOptions = {}): boolean {
  const config = resolveTracing(options)
  if (getHook() !== undefined) return true
  if (!config.enabled) return false
  let sdk: ReturnType<typeof loadSdk>
  try {
    sdk = loadSdk()
  } catch (error) {
    report(xrayCodes.SDK_UNAVAILABLE, error)
    return false
  }
  g[XRAY_KEY] = createTracer(
    sdk,
    createEmitter(config.daemon, (error) => report(xrayCodes.EMIT_FAILED, error)),
  )
  return true
}

/** Whether a tracer is installed (by this copy of the package or another). */
export function isTracing(): boolean {
  return getHook() !== undefined
}

/** Removes the tracer, waits for what is in flight and closes its socket (tests, shutdown). */
export async function disableTracing(): Promise<void> {
  const hook = getHook()
  if (hook === undefined) return
  delete g[XRAY_KEY]
  await hook.close()
}
