import { readFileSync } from 'node:fs'
import { availableParallelism, loadavg, release, totalmem } from 'node:os'

/** What the figures were taken on (`node`: the measured processes' version), and how busy the machine was. */
export function machine(node = process.version) {
  let cpu = 'unknown'
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu
  } catch {}
  return {
    cpu,
    cores: availableParallelism(),
    memoryGiB: totalmem() / 2 ** 30,
    node,
    kernel: release(),
    load: loadavg(),
    at: new Date().toISOString(),
  }
}
