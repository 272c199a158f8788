// `pnpm bench:peers`: installs the peers (npm ci, into this folder only), builds the Sightline packages,
// bundles every handler, measures every row in fresh processes with the rows interleaved, and writes
// BENCHMARKS.md at the repository root. Options: BENCH_PEERS_ROUNDS (default 7), BENCH_PEERS_COLD_RUNS
// (cold-start processes per row and round, default 3), BENCH_PEERS_NODE (the Node binary the measured
// processes run on; default this one), BENCH_PEERS_OUT (the report's path; default BENCHMARKS.md at the
// root), --no-build.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundle, pinoExtras } from './lib/bundle.mjs'
import { machine } from './lib/machine.mjs'
import { installedPackages } from './lib/packages.mjs'
import { errorPeers, peers } from './lib/peers.mjs'
import { startReceiver } from './lib/receiver.mjs'
import { writeReport } from './lib/report.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const handlers = join(here, 'handlers')
const child = join(here, 'lib', 'child.mjs')
const rounds = Number(process.env.BENCH_PEERS_ROUNDS ?? 7)
const coldRuns = Number(process.env.BENCH_PEERS_COLD_RUNS ?? 3)
// A path (absolute, or from the repository's root) or a command on PATH.
const nodeOpt = process.env.BENCH_PEERS_NODE
const nodeBin =
  nodeOpt === undefined ? process.execPath : nodeOpt.includes('/') ? resolve(root, nodeOpt) : nodeOpt
const nodeVersion = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'unknown'
const nodeMajor = /^v(\d+)/.exec(nodeVersion)?.[1] ?? '20'
const reportFile = resolve(root, process.env.BENCH_PEERS_OUT ?? 'BENCHMARKS.md')
const started = Date.now()
const log = (msg) =>
  process.stderr.write(`[bench:peers ${((Date.now() - started) / 1000).toFixed(0)}s] ${msg}\n`)

// 1. Peers: `npm ci` from the committed lockfile, again only when the lockfile changed.
function install() {
  const lock = readFileSync(join(here, 'package-lock.json'), 'utf8')
  if (lock.includes('"resolved"')) throw new Error('package-lock.json records download addresses')
  const hash = createHash('sha256').update(lock).digest('hex')
  const stamp = join(here, 'node_modules', '.sightline-lock-sha256')
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return log('peers already installed')
  log('installing the peers (npm ci)')
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: here,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  if (r.status !== 0) throw new Error('npm ci failed')
  writeFileSync(stamp, hash)
}

// 2. Sightline: each package built from this checkout, then linked into node_modules/@sightline (npm
// cannot install the packages' `workspace:` dependencies, so they are resolved from the workspace).
const SIGHTLINE = ['correlation', 'logger', 'handler-wrapper', 'metrics', 'sentry-lambda']
function sightline(build) {
  const ready = new Set()
  mkdirSync(join(here, 'node_modules', '@sightline'), { recursive: true })
  for (const name of SIGHTLINE) {
    const dir = join(root, 'packages', name)
    let built = true
    if (build && !upToDate(dir)) {
      const r = spawnSync('pnpm', ['--filter', `@sightline/${name}`, 'build'], {
        cwd: root,
        encoding: 'utf8',
      })
      built = r.status === 0
      if (!built) log(`@sightline/${name} does not build: its rows are pending\n${r.stdout}${r.stderr}`)
    }
    if (built && existsSync(join(dir, 'dist', 'index.js')) && existsSync(join(dir, 'dist', 'index.cjs')))
      ready.add(name)
    const link = join(here, 'node_modules', '@sightline', name)
    if (existsSync(link) || isLink(link)) unlinkSync(link)
    symlinkSync(relative(dirname(link), dir), link, 'dir')
  }
  return ready
}
// A dist newer than every source file is kept: rebuilding it (tsup empties dist first) would pull it from
// under anyone else's test run that reads it at that moment.
function upToDate(dir) {
  const newest = (p) => {
    const st = statSync(p)
    if (!st.isDirectory()) return st.mtimeMs
    return Math.max(0, ...readdirSync(p).map((f) => newest(join(p, f))))
  }
  const dist = join(dir, 'dist')
  if (!existsSync(dist)) return false
  const oldestOut = Math.min(...readdirSync(dist).map((f) => statSync(join(dist, f)).mtimeMs))
  const inputs = ['src', 'package.json', 'tsup.config.ts'].map((f) => join(dir, f)).filter(existsSync)
  return Math.max(...inputs.map(newest)) < oldestOut
}
const isLink = (p) => {
  try {
    return lstatSync(p).isSymbolicLink()
  } catch {
    return false
  }
}

// The environment of every measured process: Lambda's variables, nothing else of this shell.
function envFor(cwd, port) {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    TZ: 'UTC',
    LANG: 'C.UTF-8',
    NODE_ENV: 'production',
    AWS_LAMBDA_FUNCTION_NAME: 'orders-api',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/orders-api',
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/22/[$LATEST]0123456789abcdef',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${nodeMajor}.x`,
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
    LAMBDA_TASK_ROOT: cwd,
    _HANDLER: 'index.handler',
    _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0',
    SENTRY_DSN: `http://key@127.0.0.1:${port}/1`,
    POWERTOOLS_SERVICE_NAME: 'orders',
    POWERTOOLS_METRICS_NAMESPACE: 'bench',
  }
}

function run(mode, file, cwd, port, stdout = 'ignore') {
  return new Promise((resolve) => {
    const proc = spawn(nodeBin, [child, mode, file, String(port)], {
      cwd,
      env: envFor(cwd, port),
      stdio: ['ignore', stdout, 'pipe'],
    })
    let stderr = ''
    proc.stderr.setEncoding('utf8')
    proc.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => proc.kill('SIGKILL'), 120_000)
    proc.on('close', (code) => {
      clearTimeout(timer)
      const m = stderr.match(/^@@result (.*)$/m)
      const rest = stderr.replace(/^@@result .*$\n?/m, '').trim()
      resolve(m ? { ok: true, ...JSON.parse(m[1]), stderr: rest } : { ok: false, code, stderr: rest })
    })
  })
}

// Rotated each round, and reversed every other one: no row always runs first, last or after the same one.
const orderFor = (rows, r) => {
  const k = r % rows.length
  const rotated = [...rows.slice(k), ...rows.slice(0, k)]
  return r % 2 ? rotated.reverse() : rotated
}

async function main() {
  const noBuild = process.argv.includes('--no-build')
  install()
  log(
    noBuild ? 'linking the Sightline packages (not rebuilt)' : 'building and linking the Sightline packages',
  )
  const ready = sightline(!noBuild)
  const runnable = (p) => (p.needs ?? []).every((n) => ready.has(n))
  const rows = peers.filter(runnable)
  const errRows = errorPeers.filter(runnable)
  const before = machine(nodeVersion)
  const receiver = await startReceiver()
  const out = mkdtempSync(join(tmpdir(), 'sightline-peers-'))
  const notes = new Map()
  const note = (id, text) => text && !notes.has(id) && notes.set(id, text.slice(0, 2000))
  try {
    // 3. Bundles (in a temporary folder: nothing outside a bundle can be resolved from there).
    log('bundling')
    const bundles = {}
    for (const p of [...rows, ...errRows]) {
      try {
        bundles[p.id] = await bundle(join(handlers, p.file), join(out, p.id), 'index')
      } catch (err) {
        bundles[p.id] = { error: String(err.message ?? err).split('\n')[0] }
      }
    }
    let coreEsm
    let extras
    if (ready.has('logger') && ready.has('handler-wrapper') && ready.has('correlation')) {
      coreEsm = await bundle(
        join(root, 'examples', 'quickstart', 'handler.mjs'),
        join(out, 'core-esm'),
        'index',
        'esm',
      )
      extras = await pinoExtras(join(root, 'packages', 'logger'), join(out, 'pino'))
    }

    const packages = {}
    for (const p of rows) packages[p.id] = installedPackages(p.roots, here)

    // 4. Bytes written to stdout per invocation (stdout to a file; the lines are checked for the work).
    log('stdout bytes')
    const bytes = {}
    for (const p of rows) {
      const file = join(out, `${p.id}.stdout`)
      const fd = openSync(file, 'w')
      const r = await run('bytes', join(handlers, p.file), handlers, receiver.port, fd)
      closeSync(fd)
      const text = readFileSync(file, 'utf8')
      note(p.id, r.stderr)
      bytes[p.id] = { ...r, checks: checksOf(p, text), sample: text.split('\n').slice(-3).join('\n') }
    }

    // 5. Rounds: warm + unbundled cold start, bundled cold start, error path.
    const samples = Object.fromEntries(
      [...rows, ...errRows].map((p) => [
        p.id,
        { warm: [], unbundled: [], bundled: [], error: [], errorBundled: [] },
      ]),
    )
    for (let r = 0; r < rounds; r++) {
      log(`round ${r + 1}/${rounds}`)
      for (const p of orderFor(rows, r)) {
        // The warm process's first invocation is one cold start; a few more, cheap, damp the noise.
        const warm = await run('warm', join(handlers, p.file), handlers, receiver.port)
        note(p.id, warm.stderr)
        samples[p.id].warm.push(warm)
        const unbundled = [warm]
        while (unbundled.length < coldRuns)
          unbundled.push(await run('cold', join(handlers, p.file), handlers, receiver.port))
        samples[p.id].unbundled.push(unbundled)
        const b = bundles[p.id]
        if (b?.outfile) {
          const bundled = []
          while (bundled.length < coldRuns)
            bundled.push(await run('cold', b.outfile, dirname(b.outfile), receiver.port))
          note(`${p.id} (bundled)`, bundled[0].stderr)
          samples[p.id].bundled.push(bundled)
        }
      }
      // As many processes per row and round as for cold starts: a first failure is one process's figure.
      for (const p of orderFor(errRows, r)) {
        const b = bundles[p.id]
        const unbundled = []
        const bundled = []
        while (unbundled.length < coldRuns) {
          receiver.reset()
          const e = await run('error', join(handlers, p.file), handlers, receiver.port)
          note(p.id, e.stderr)
          unbundled.push(e)
          if (!b?.outfile) continue
          receiver.reset()
          const eb = await run('error', b.outfile, dirname(b.outfile), receiver.port)
          note(`${p.id} (bundled)`, eb.stderr)
          bundled.push(eb)
        }
        samples[p.id].error.push(unbundled)
        if (bundled.length > 0) samples[p.id].errorBundled.push(bundled)
      }
    }
    const after = machine(nodeVersion)
    const seconds = (Date.now() - started) / 1000
    writeReport({
      file: reportFile,
      command: commandLine(),
      rows,
      errRows,
      pending: [...peers, ...errorPeers].filter((p) => !runnable(p)),
      samples,
      bundles,
      coreEsm,
      extras,
      packages,
      bytes,
      notes,
      machine: { before, after },
      rounds,
      coldRuns,
      seconds,
    })
    mkdirSync(join(here, '.tmp'), { recursive: true })
    writeFileSync(
      join(here, '.tmp', 'results.json'),
      JSON.stringify({ samples, bundles, coreEsm, packages, bytes, notes: [...notes] }, null, 1),
    )
    // The repository's formatter aligns the tables, so the file passes `biome ci` as written.
    const biome = join(root, 'node_modules', '.bin', 'biome')
    if (existsSync(biome)) spawnSync(biome, ['format', '--write', reportFile], { cwd: root, stdio: 'ignore' })
    log(`wrote ${relative(root, reportFile)} in ${seconds.toFixed(0)} s`)
  } finally {
    await receiver.close()
    rmSync(out, { recursive: true, force: true })
  }
}

/** The command that reproduces the report, with the options it ran with. */
function commandLine() {
  const opts = ['BENCH_PEERS_ROUNDS', 'BENCH_PEERS_COLD_RUNS', 'BENCH_PEERS_NODE', 'BENCH_PEERS_OUT']
    .filter((k) => process.env[k] !== undefined)
    .map((k) => `${k}=${k.endsWith('_OUT') ? relative(root, reportFile) : process.env[k]}`)
  return [...opts, 'pnpm bench:peers'].join(' ')
}

const CORRELATION_ID = 'c0a8f1d2-5b7e-4c3a-9f10-2d6e8b4a7c91'
function checksOf(peer, text) {
  const { line, ids, metric } = peer.expects ?? {}
  const checks = {}
  if (line) checks.line = text.includes('order placed')
  // The last invocation's request id: a stale one (the first invocation's) does not count.
  if (ids) checks.ids = text.includes(CORRELATION_ID) && text.includes('c6af9ac6-7b61-11e6-9a41-000000000021')
  if (metric) checks.metric = text.includes(metric)
  return checks
}

await main()
