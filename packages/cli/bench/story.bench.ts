import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Bench } from 'tinybench'
import { report } from '../../../scripts/bench-report.js'
import { createStoryCollector, eachLine, readStory } from '../src/index.js'

// A log of 20,000 lines like a busy function's: most belong to other requests, a few to the story; a
// quarter inside Lambda's JSON log format, a tenth MONITORING lines, a few platform records.
const LINES = 20_000
const T = 1_795_316_464_000
function logLine(i: number): string {
  if (i % 10 === 9) return `MONITORING|${Math.floor((T + i) / 1000)}|1|count|feed.items.added|#env:demo`
  if (i % 500 === 0) {
    const time = new Date(T + i).toISOString()
    return `{"time":"${time}","type":"platform.start","record":{"requestId":"r-${i}","version":"$LATEST"}}`
  }
  const id = i % 100 === 0 ? 'needle' : `request-${i % 997}`
  const ours =
    `{"level":"info","time":${T + i},"x-correlation-id":"${id}","x-correlation-user-id":"u-${i % 50}",` +
    `"awsRequestId":"r-${i - (i % 500)}","traceId":"1-6b025af0-54faac6ea401bd81b6be3dd5",` +
    `"function_name":"add-to-feed","function_version":"$LATEST","cold_start":false,"postId":"p-${i}",` +
    `"msg":"adding to feeds"}`
  if (i % 4 !== 0) return ours
  const time = new Date(T + i).toISOString()
  return JSON.stringify({ timestamp: time, level: 'INFO', requestId: `r-${i - (i % 500)}`, message: ours })
}
const lines = Array.from({ length: LINES }, (_, i) => logLine(i))
const dir = mkdtempSync(join(tmpdir(), 'sightline-bench-'))
const file = join(dir, 'big.log')
writeFileSync(file, `${lines.join('\n')}\n`)
const { createReadStream } = await import('node:fs')

const bench = new Bench({ time: 3000, warmup: true })
bench
  .add('baseline: JSON.parse of every line', () => {
    for (const l of lines) {
      try {
        JSON.parse(l)
      } catch {}
    }
  })
  .add('collector: parse, unwrap, match, count every line', () => {
    const collector = createStoryCollector('needle')
    for (const l of lines) collector.add(l, 'big')
    collector.story()
  })
  .add('baseline: readline over the file', async () => {
    let n = 0
    await eachLine(createReadStream(file), () => void n++)
  })
  .add('readStory: the file, streamed', async () => {
    await readStory('needle', [file])
  })
await bench.run()
process.stderr.write(
  `${LINES.toLocaleString('en')} lines per iteration, ${(lines.join('\n').length / 1e6).toFixed(1)} MB\n`,
)
report(bench, 'baseline: JSON.parse of every line')
rmSync(dir, { recursive: true, force: true })
