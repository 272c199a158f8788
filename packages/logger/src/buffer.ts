import { type CorrelationContext, tryGetContext } from '@sightline/correlation'
import { contextFragment } from './fragment.js'
import { writeLine } from './output.js'

/** Debug lines held for one invocation (or batch record), written only if it fails. */
interface DebugBuffer {
  lines: string[]
  sizes: number[]
  bytes: number
  dropped: number
}

const BUFFER = Symbol('sightline.logger.debugBuffer')
type WithBuffer = CorrelationContext & { [BUFFER]?: DebugBuffer | undefined }

/** Keeps the newest lines within `maxBytes`: the trail closest to the failure matters most. */
export function bufferLine(ctx: CorrelationContext, line: string, maxBytes: number): void {
  const c = ctx as WithBuffer
  const buf = (c[BUFFER] ??= { lines: [], sizes: [], bytes: 0, dropped: 0 })
  const size = Buffer.byteLength(line)
  if (size > maxBytes) {
    buf.dropped++
    return
  }
  buf.lines.push(line)
  buf.sizes.push(size)
  buf.bytes += size
  let i = 0
  while (buf.bytes > maxBytes) {
    buf.bytes -= buf.sizes[i]!
    i++
  }
  if (i > 0) {
    buf.lines.splice(0, i)
    buf.sizes.splice(0, i)
    buf.dropped += i
  }
}

/**
 * Writes the buffered debug lines of `ctx` (default: the current context) and empties the buffer; the
 * wrapper calls it before the error line of a failed invocation. Returns how many lines were written.
 */
export function flushDebugBuffer(ctx: CorrelationContext | undefined = tryGetContext()): number {
  const buf = (ctx as WithBuffer | undefined)?.[BUFFER]
  if (buf === undefined) return 0
  ;(ctx as WithBuffer)[BUFFER] = undefined
  for (const line of buf.lines) writeLine(line)
  if (buf.dropped > 0) {
    const msg = `${buf.dropped} older debug lines were dropped from the buffer`
    writeLine(
      `{"level":"warn","time":${Date.now()}${contextFragment(ctx!)},"msg":${JSON.stringify(msg)},"droppedDebugLines":${buf.dropped}}\n`,
    )
  }
  return buf.lines.length
}

/** Forgets the buffered lines of a successful invocation. */
export function discardDebugBuffer(ctx: CorrelationContext | undefined = tryGetContext()): void {
  if (ctx !== undefined) (ctx as WithBuffer)[BUFFER] = undefined
}
