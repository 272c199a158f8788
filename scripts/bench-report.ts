import type { Bench } from 'tinybench'

/** Prints each task's mean and its ratio to the baseline measured in the same run. */
export function report(bench: Bench, baseline: string): void {
  const rows = bench.tasks.map((t) => {
    const r = t.result as
      | { latency?: { mean?: number; p99?: number }; throughput?: { mean?: number } }
      | undefined
    return {
      name: t.name,
      meanNs: (r?.latency?.mean ?? Number.NaN) * 1e6,
      p99Ns: (r?.latency?.p99 ?? Number.NaN) * 1e6,
    }
  })
  const base = rows.find((r) => r.name === baseline)
  const lines = rows.map((r) => {
    const ratio = base ? (r.meanNs / base.meanNs).toFixed(2) : '-'
    const over = base ? ((r.meanNs - base.meanNs) / 1000).toFixed(2) : '-'
    return `| ${r.name} | ${(r.meanNs / 1000).toFixed(2)} µs | ${(r.p99Ns / 1000).toFixed(2)} µs | ${ratio}× | ${over} µs |`
  })
  process.stderr.write(
    `| task | mean | p99 | ratio to "${baseline}" | overhead |\n|---|---|---|---|---|\n${lines.join('\n')}\n`,
  )
}
