import { count } from './diagnostics.js'

/** The IDs Sightline forwards: every `x-correlation-*` key plus `debug-log-enabled` and `call-chain-length`. */
export type Ids = Readonly<Record<string, string>>

export const ID_PREFIX = 'x-correlation-'
export const PRIMARY_ID = 'x-correlation-id'
export const DEBUG_KEY = 'debug-log-enabled'
export const CHAIN_KEY = 'call-chain-length'
/** One entry holding several IDs as JSON, for transports with a budget of entries (SNS/SQS: 10). */
export const PACKED_KEY = 'sightline-ids'

/** Bounds on untrusted inbound IDs. Anything outside them is dropped and counted, never thrown. */
export const limits = Object.freeze({
  maxValueLength: 256,
  maxKeyLength: 64,
  maxIds: 16,
  maxTotalBytes: 4096,
  maxCallChainLength: 100_000,
})

const SAFE_VALUE = /^[\x20-\x7e]{1,256}$/
const SAFE_KEY = /^x-correlation-[a-z0-9][a-z0-9_.-]{0,49}$/
const DIGITS = /^\d{1,6}$/

/** Printable ASCII, 1–256 characters: no CR, LF, NUL, escape sequences or non-ASCII. */
export function isSafeValue(value: unknown): value is string {
  return typeof value === 'string' && SAFE_VALUE.test(value)
}

/** A lowercase `x-correlation-<name>` key within the length limit. */
export function isIdKey(key: string): boolean {
  return SAFE_KEY.test(key)
}

/** `'user-id'` → `'x-correlation-user-id'`; keys are case-insensitive on every transport. */
export function normalizeKey(key: string): string {
  const lower = key.toLowerCase()
  return lower.startsWith(ID_PREFIX) ? lower : ID_PREFIX + lower
}

/**
 * Accumulates inbound IDs under the limits. `accept` returns false (and counts) for a refused entry;
 * keys that are not Sightline's are ignored without counting.
 */
export class IdCollector {
  readonly ids: Record<string, string> = {}
  debug: boolean | undefined
  callChainLength: number | undefined
  private n = 0
  private bytes = 0

  /** Offers one raw entry; `key` may have any case. */
  offer(rawKey: string, value: unknown): void {
    const key = rawKey.toLowerCase()
    if (key.startsWith(ID_PREFIX)) this.addId(key, value)
    else if (key === DEBUG_KEY) this.setDebug(value)
    else if (key === CHAIN_KEY) this.setChain(value)
    else if (key === PACKED_KEY) this.unpack(value)
  }

  /** Offers every entry of a plain object (an ID map or a `__context__` envelope). */
  offerAll(source: unknown): void {
    if (source === null || typeof source !== 'object') return
    for (const key in source) {
      if (Object.hasOwn(source, key)) this.offer(key, (source as Record<string, unknown>)[key])
    }
  }

  get size(): number {
    return this.n
  }

  private addId(key: string, value: unknown): void {
    if (Object.hasOwn(this.ids, key)) return // first occurrence wins; a later duplicate is not an error
    if (!isIdKey(key) || !isSafeValue(value) || this.n >= limits.maxIds) return void count('droppedIds')
    const size = key.length + value.length
    if (this.bytes + size > limits.maxTotalBytes) return void count('droppedIds')
    this.ids[key] = value
    this.n++
    this.bytes += size
  }

  private setDebug(value: unknown): void {
    if (this.debug !== undefined) return
    if (value === 'true' || value === true) this.debug = true
    else if (value === 'false' || value === false) this.debug = false
    else count('droppedIds')
  }

  private setChain(value: unknown): void {
    if (this.callChainLength !== undefined) return
    const n =
      typeof value === 'number' ? value : typeof value === 'string' && DIGITS.test(value) ? +value : NaN
    if (Number.isSafeInteger(n) && n >= 0 && n <= limits.maxCallChainLength) this.callChainLength = n
    else count('droppedIds')
  }

  private unpack(value: unknown): void {
    if (typeof value !== 'string' || value.length > limits.maxTotalBytes + 512)
      return void count('droppedIds')
    let parsed: unknown
    try {
      parsed = JSON.parse(value)
    } catch {
      return void count('droppedIds')
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      return void count('droppedIds')
    for (const key in parsed) {
      if (Object.hasOwn(parsed, key) && key.toLowerCase() !== PACKED_KEY)
        this.offer(key, (parsed as Record<string, unknown>)[key])
    }
  }
}
