import { randomBytes, randomUUID } from 'node:crypto'

// Shared values the builders put where AWS puts account-specific data. Obviously fake on purpose.
export const ACCOUNT_ID = '123456789012'
export const REGION = 'us-east-1'

export function uuid(): string {
  return randomUUID()
}

export function hex(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length)
}

/** `2026-01-02T03:04:05Z`: EventBridge's `time`, second precision. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** `04/Mar/2020:19:15:17 +0000`: API Gateway's `requestTime`. */
export function clfTime(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  const date = `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}`
  return `${date}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
}

/** Objects and arrays are sent as JSON; strings as they are. */
export function toText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}
