import { randomBytes } from 'node:crypto'
import { formatTraceHeader, type TraceHeader } from '@sightline/correlation'

/** A new X-Ray trace id: `1-<epoch seconds, 8 hex>-<96 random bits, 24 hex>`. */
export function newRoot(now: number = Date.now()): string {
  const seconds = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0')
  return `1-${seconds}-${randomBytes(12).toString('hex')}`
}

/** What follows Root, Parent and Sampled in a forwarded header (Lineage, Self, unknown keys), with its `;`. */
export function headerTail(trace: TraceHeader | undefined): string {
  if (trace === undefined) return ''
  const { lineage, self, extra } = trace
  if (lineage === undefined && self === undefined && extra.length === 0) return ''
  const rest: TraceHeader = { extra }
  if (lineage !== undefined) (rest as { lineage?: string }).lineage = lineage
  if (self !== undefined) (rest as { self?: string }).self = self
  return `;${formatTraceHeader(rest)}`
}
