import { randomBytes } from 'node:crypto'

/** Where an invocation sits in X-Ray: its trace, the caller's document (if any), the sampling decision. */
export interface TraceContext {
  readonly root: string
  /** The id of the segment or subsegment that called (or published): the function segment's parent. */
  readonly parent?: string | undefined
  readonly sampled: boolean
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex')

/** A new X-Ray Root: `1-<epoch seconds, hex>-<24 hex digits>`. */
export function newRoot(): string {
  return `1-${Math.floor(Date.now() / 1000).toString(16)}-${hex(12)}`
}

export const newSegmentId = () => hex(8)

/** Reads `Root=…;Parent=…;Sampled=…` (any order); undefined without a valid Root. */
export function traceFromHeader(header: string | undefined): TraceContext | undefined {
  if (header === undefined) return undefined
  const parts = new Map(
    header.split(';').map((p) => {
      const at = p.indexOf('=')
      return [p.slice(0, at).trim().toLowerCase(), p.slice(at + 1).trim()] as const
    }),
  )
  const root = parts.get('root')
  if (root === undefined || !/^1-[0-9a-f]{8}-[0-9a-f]{24}$/.test(root)) return undefined
  return { root, parent: parts.get('parent'), sampled: parts.get('sampled') === '1' }
}
