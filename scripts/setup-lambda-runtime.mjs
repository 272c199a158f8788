#!/usr/bin/env node
// Installs tools/lambda-runtime: the official Lambda runtime clients (aws-lambda-ric 3.x and 4.x, both
// built natively) and the extra Node majors used by tools/lambda-harness. Idempotent: a marker holding
// a hash of the lockfile makes a second run return at once.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createWriteStream, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// Bump when the steps below change in a way that needs a reinstall.
const SETUP_VERSION = 1
const root = dirname(dirname(fileURLToPath(import.meta.url)))
const dir = join(root, 'tools', 'lambda-runtime')
const marker = join(dir, 'node_modules', '.sightline-setup.json')
const logFile = join(dir, 'setup.log')
const started = Date.now()

// Command needed by the native builds -> Debian package providing it.
const BUILD_TOOLS = [
  ['autoconf', 'autoconf'],
  ['automake', 'automake'],
  ['libtoolize', 'libtool'],
  ['cmake', 'cmake'],
  ['make', 'make'],
  ['g++', 'g++'],
  ['python3', 'python3'],
]

// Files whose presence proves both native addons were built (postinstall copies them there).
const ARTIFACTS = ['node_modules/ric3/dist/rapid-client.node', 'node_modules/ric4/rapid-client.node']

const log = (msg) => console.log(`[setup-lambda-runtime] ${msg}`)
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`

function fail(msg) {
  console.error(`[setup-lambda-runtime] ERROR: ${msg}`)
  process.exit(1)
}

function inputHash() {
  const h = createHash('sha256')
  h.update(`v${SETUP_VERSION} ${process.platform}-${process.arch}\n`)
  for (const f of ['package.json', 'package-lock.json', '.npmrc']) {
    const p = join(dir, f)
    h.update(`${f}\n`)
    if (existsSync(p)) h.update(readFileSync(p))
  }
  return h.digest('hex')
}

function readMarker() {
  try {
    return JSON.parse(readFileSync(marker, 'utf8'))
  } catch {
    return undefined
  }
}

function isUpToDate(hash) {
  return readMarker()?.hash === hash && ARTIFACTS.every((f) => existsSync(join(dir, f)))
}

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v "${cmd}"`], { stdio: 'ignore' }).status === 0
}

function missingTools() {
  return BUILD_TOOLS.filter(([cmd]) => !hasCommand(cmd))
}

let logStarted = false

function runLogged(cmd, args, options = {}) {
  if (!logStarted) writeFileSync(logFile, `setup started ${new Date().toISOString()}\n`)
  logStarted = true
  return new Promise((resolve) => {
    const out = createWriteStream(logFile, { flags: 'a' })
    out.write(`\n$ ${cmd} ${args.join(' ')}\n`)
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options })
    child.stdout.pipe(out, { end: false })
    child.stderr.pipe(out, { end: false })
    // CI shows nothing for minutes during the native build otherwise.
    const beat = setInterval(() => log(`  still running ${cmd} ${args[0]} (${seconds()})`), 30_000)
    child.on('error', (err) => {
      clearInterval(beat)
      out.end(`\n${err.stack}\n`, () => resolve(127))
    })
    child.on('close', (code) => {
      clearInterval(beat)
      out.end(() => resolve(code ?? 1))
    })
  })
}

function printLogTail(lines = 40) {
  try {
    const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines)
    console.error(tail.map((l) => `  | ${l}`).join('\n'))
  } catch {}
}

async function installBuildTools() {
  const missing = missingTools()
  if (missing.length === 0) return
  const pkgs = [...new Set(missing.map(([, pkg]) => pkg))]
  const names = missing.map(([cmd]) => cmd).join(', ')
  const isRoot = process.getuid?.() === 0
  if (!isRoot || !hasCommand('apt-get')) {
    fail(
      `missing build tools: ${names}. The native runtime clients need them.\n` +
        `  On Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y ${pkgs.join(' ')}`,
    )
  }
  log(`installing Debian packages: ${pkgs.join(' ')}`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  if ((await runLogged('apt-get', ['update'], { env })) !== 0) {
    printLogTail()
    fail('apt-get update failed (log above)')
  }
  const code = await runLogged('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { env })
  if (code !== 0) {
    printLogTail()
    fail('apt-get install failed (log above)')
  }
  const still = missingTools()
  if (still.length > 0) fail(`still missing after apt-get: ${still.map(([c]) => c).join(', ')}`)
}

// node-gyp would try to download headers (unreachable here) unless it is told where Node's are.
function nodeGypEnv() {
  const env = { ...process.env }
  const prefix = dirname(dirname(process.execPath))
  if (!env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node.h'))) {
    env.npm_config_nodedir = prefix
  }
  // The install scripts run npm and node-gyp themselves; keep them on this Node.
  env.PATH = `${dirname(process.execPath)}:${env.PATH ?? ''}`
  return env
}

// The install scripts leave ~300 MB of extracted curl/aws-lambda-cpp sources and objects behind
// (their cleanup only recognises the unaliased package path); only rapid-client.node is used.
function pruneBuildTrees() {
  for (const pkg of ['ric3', 'ric4']) {
    const deps = join(dir, 'node_modules', pkg, 'deps')
    if (!existsSync(deps)) continue
    for (const entry of readdirSync(deps, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== 'patches') rmSync(join(deps, entry.name), { recursive: true })
    }
  }
  rmSync(join(dir, 'node_modules', 'ric4', 'src', 'native', 'build'), { recursive: true, force: true })
}

function checkExtraNodes() {
  for (const major of [22, 24]) {
    const bin = join(dir, 'node_modules', `node${major}`, 'bin', 'node')
    const res = existsSync(bin) ? spawnSync(bin, ['--version'], { encoding: 'utf8' }) : undefined
    if (res?.status === 0) log(`node ${major}: ${res.stdout.trim()}`)
    else log(`node ${major}: not available on ${process.platform}-${process.arch} (tests using it skip)`)
  }
}

async function main() {
  const hash = inputHash()
  if (isUpToDate(hash)) {
    log(`up to date (${seconds()})`)
    return
  }
  log('installing official Lambda runtime clients into tools/lambda-runtime')
  await installBuildTools()
  log('npm ci (builds libcurl and aws-lambda-cpp twice, a few minutes on 2 cores)')
  const code = await runLogged('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, env: nodeGypEnv() })
  if (code !== 0) {
    printLogTail()
    fail(`npm ci failed with code ${code}; full log: ${logFile}`)
  }
  const absent = ARTIFACTS.filter((f) => !existsSync(join(dir, f)))
  if (absent.length > 0) {
    printLogTail()
    fail(`npm ci succeeded but the native build output is missing: ${absent.join(', ')}`)
  }
  pruneBuildTrees()
  checkExtraNodes()
  writeFileSync(marker, `${JSON.stringify({ hash, at: new Date().toISOString() })}\n`)
  log(`done (${seconds()})`)
}

await main()
