// Runs every packages/*/bench/*.bench.ts in its own process. Log lines go to /dev/null (stdout) so the
// figures measure the work, not the terminal; each bench reports on stderr.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const filter = process.argv[2]
const files = []
for (const pkg of readdirSync('packages')) {
  const dir = join('packages', pkg, 'bench')
  if (!existsSync(dir)) continue
  for (const f of readdirSync(dir)) if (f.endsWith('.bench.ts')) files.push(join(dir, f))
}
let failed = 0
for (const file of files.filter((f) => !filter || f.includes(filter))) {
  process.stderr.write(`\n## ${file}\n`)
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (r.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
