import { writeSync } from 'node:fs'

/** Where Sightline's lines go: stdout by default; tests swap in a capture with `setOutput`. */
export interface Output {
  write(line: string): void
}

/**
 * One synchronous write per line to fd 1, never through `console` (Lambda patches it). A pipe that is
 * non-blocking may answer EAGAIN: retry the rest rather than lose or split the line.
 */
const stdout: Output = {
  write(line) {
    let first: number
    try {
      first = writeSync(1, line)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return
      first = 0
    }
    // Characters and bytes agree only for ASCII: check bytes before declaring the line written.
    if (first === line.length && first === Buffer.byteLength(line)) return
    let rest = Buffer.from(line, 'utf8').subarray(first)
    for (let attempt = 0; rest.length > 0; ) {
      try {
        const n = writeSync(1, rest)
        rest = rest.subarray(n)
        attempt = 0
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || ++attempt > 1000) return
        Atomics.wait(waitCell, 0, 0, 1)
      }
    }
  },
}
const waitCell = new Int32Array(new SharedArrayBuffer(4))

const key = Symbol.for('sightline.output.v1')
type Slot = { current: Output }
const g = globalThis as { [key]?: Slot }
const slot: Slot = (g[key] ??= { current: stdout })

/** Redirects every line Sightline writes (logger, metrics lines, wrapper diagnostics). Returns the previous output. */
export function setOutput(output: Output | undefined): Output {
  const previous = slot.current
  slot.current = output ?? stdout
  return previous
}

/** Writes one complete line (it must end with `\n`). */
export function writeLine(line: string): void {
  slot.current.write(line)
}
