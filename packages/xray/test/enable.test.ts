import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { codes } from '@sightline/correlation'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { disableTracing, enableTracing, getHook, isTracing, XRAY_KEY } from '../src/index.js'

const run = promisify(execFile)
const pkg = fileURLToPath(new URL('..', import.meta.url))
const dist = pathToFileURL(join(pkg, 'dist/index.js')).href

// What a user's fresh process does: import the package (the BUILT dist), set up the plugin, trace a step,
// then list the CommonJS modules loaded (aws-xray-sdk-core is CommonJS: all of it shows there).
const script = (entry: string) => `
  import { createRequire } from 'node:module'
  const { xrayPlugin, traced, isTracing, getXrayDiagnostics } = await import(${JSON.stringify(entry)})
  const plugin = xrayPlugin()
  await traced('step', () => 1)
  const loaded = Object.keys(createRequire(import.meta.url).cache)
  console.log(JSON.stringify({
    tracing: isTracing(),
    sdk: loaded.filter((m) => m.includes('aws-xray-sdk-core')).length,
    clsHooked: loaded.some((m) => m.includes('cls-hooked')),
    flush: typeof plugin.flush(),
    diagnostics: getXrayDiagnostics(),
  }))
`
async function freshProcess(env: Record<string, string>, entry = dist) {
  // pnpm's NODE_PATH would find the SDK in the store from anywhere: a user's process has none.
  const { SIGHTLINE_TRACING: _, NODE_PATH: __, NODE_OPTIONS: ___, ...rest } = process.env
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script(entry)], {
    env: { ...rest, LAMBDA_TASK_ROOT: pkg, ...env },
    cwd: pkg,
  })
  const lines = stdout.trim().split('\n')
  return { result: JSON.parse(lines.at(-1)!), lines: lines.slice(0, -1) }
}

describe('in a fresh process', () => {
  it('loads nothing of aws-xray-sdk-core when tracing is off', async () => {
    const { result } = await freshProcess({})
    expect(result).toMatchObject({ tracing: false, sdk: 0, flush: 'undefined' })
  })

  it("loads only the SDK's document classes when SIGHTLINE_TRACING=true, even in Lambda mode", async () => {
    const { result } = await freshProcess({ SIGHTLINE_TRACING: 'true' })
    expect(result.tracing).toBe(true)
    expect(result.sdk).toBeGreaterThan(0)
    expect(result.sdk).toBeLessThan(20) // the main entry loads ~90 modules
    expect(result.clsHooked).toBe(false) // no process-wide async hook, no per-process facade segment
  })

  describe('without aws-xray-sdk-core installed', () => {
    // The package alone, next to its two dependencies: the SDK cannot be resolved from there.
    const dir = mkdtempSync(join(tmpdir(), 'sightline-xray-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))

    it('leaves tracing off, warns once with the code and runs the step', async () => {
      mkdirSync(join(dir, 'node_modules/@sightline'), { recursive: true })
      for (const dep of ['correlation', 'logger'])
        symlinkSync(join(pkg, '..', dep), join(dir, 'node_modules/@sightline', dep))
      cpSync(join(pkg, 'dist'), join(dir, 'dist'), { recursive: true }) // a copy: a link resolves back here
      const { result, lines } = await freshProcess(
        { SIGHTLINE_TRACING: 'true' },
        pathToFileURL(join(dir, 'dist/index.js')).href,
      )
      expect(result).toMatchObject({ tracing: false, sdk: 0, diagnostics: { sdkUnavailable: 1 } })
      const warnings = lines
        .map((l) => JSON.parse(l))
        .filter((l) => l.code === 'ERR_SIGHTLINE_XRAY_SDK_UNAVAILABLE')
      expect(warnings).toHaveLength(1)
    })
  })
})

describe('enableTracing', () => {
  afterEach(() => disableTracing())

  it('installs one tracer at the global key, whatever the number of calls', () => {
    expect(isTracing()).toBe(false)
    expect(enableTracing({ enabled: true })).toBe(true)
    const hook = getHook()
    expect((globalThis as Record<symbol, unknown>)[XRAY_KEY]).toBe(hook)
    expect(enableTracing({ enabled: true })).toBe(true)
    expect(enableTracing({ enabled: false })).toBe(true) // on stays on until disableTracing()
    expect(getHook()).toBe(hook)
  })

  it('stays off when neither the option nor SIGHTLINE_TRACING turns it on', () => {
    expect(enableTracing({ env: {} })).toBe(false)
    expect(enableTracing({ env: { SIGHTLINE_TRACING: 'false' } })).toBe(false)
    expect(isTracing()).toBe(false)
  })

  it('reads SIGHTLINE_TRACING from the env it is given', () => {
    expect(enableTracing({ env: { SIGHTLINE_TRACING: 'TRUE' } })).toBe(true)
  })

  it('removes the tracer on disableTracing()', async () => {
    enableTracing({ enabled: true })
    await disableTracing()
    expect(isTracing()).toBe(false)
    expect(getHook()).toBeUndefined()
  })

  it.each([
    [{ enabled: 'yes' }],
    [{ daemonAddress: 'localhost' }],
    [{ daemonAddress: '127.0.0.1:99999', enabled: false }],
    [{ enabled: true, env: { AWS_XRAY_DAEMON_ADDRESS: 'udp:127.0.0.1:2000' } }],
    [{ env: null }],
    [null],
  ])('throws ERR_SIGHTLINE_INVALID_OPTION for %j', (options) => {
    expect(() => enableTracing(options as never)).toThrow(
      expect.objectContaining({ code: codes.INVALID_OPTION }),
    )
    expect(isTracing()).toBe(false)
  })

  it('ignores a malformed AWS_XRAY_DAEMON_ADDRESS while tracing is off', () => {
    expect(enableTracing({ env: { AWS_XRAY_DAEMON_ADDRESS: 'nonsense' } })).toBe(false)
  })
})
