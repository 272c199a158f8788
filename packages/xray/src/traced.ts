import { invalidOption } from '@sightline/correlation'
import { getHook, type TracedOptions } from './hook.js'

const ANNOTATION_KEY = /^[A-Za-z0-9_]{1,500}$/

/**
 * Runs `fn` as a named subsegment of the current invocation (a business step between calls), with
 * `annotations` and the correlation id; calls made inside hang under it. Returns what `fn` returns and
 * rethrows what it throws, after recording it. Without tracing (or unsampled) it just runs `fn`.
 */
export async function traced<T>(
  name: string,
  fn: () => T | PromiseLike<T>,
  options: TracedOptions = {},
): Promise<T> {
  if (typeof name !== 'string' || name === '') invalidOption('name', 'a non-empty string', name)
  if (typeof fn !== 'function') invalidOption('fn', 'a function', fn)
  if (options === null || typeof options !== 'object') invalidOption('options', 'an object', options)
  checkAnnotations(options.annotations)
  const hook = getHook()
  return hook === undefined ? fn() : hook.traced(name, fn, options)
}

// Checked with tracing off too, so a bad key shows up in development, not first in production.
function checkAnnotations(annotations: unknown): void {
  if (annotations === undefined) return
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations))
    invalidOption('annotations', 'an object', annotations)
  for (const [key, value] of Object.entries(annotations)) {
    if (!ANNOTATION_KEY.test(key))
      invalidOption('annotations key', 'letters, digits and _ (at most 500)', key)
    const ok =
      typeof value === 'boolean' ||
      (typeof value === 'string' && value.length <= 1000) ||
      (typeof value === 'number' && Number.isFinite(value))
    if (!ok) invalidOption(`annotations.${key}`, 'a string (≤ 1000), a finite number or a boolean', value)
  }
}
