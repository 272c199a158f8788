import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { main, USAGE, VERSION } from '../src/index.js'
import { ALICE, DEMO, fixture } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'sightline-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function run(argv: string[], stdin = '') {
  let stdout = ''
  let stderr = ''
  const status = await main(argv, {
    stdin: Readable.from([stdin]),
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  })
  return { status, stdout, stderr }
}

describe('sightline story', () => {
  it('prints the story and the waterfall, and what it read on stderr', async () => {
    const { status, stdout, stderr } = await run(['story', ALICE, ...DEMO])
    expect(status).toBe(0)
    expect(stdout).toMatch(/^Story of demo-7f3a2c19: 15 lines from api-service, create-post/)
    expect(stdout).toContain('\nWaterfall (268 ms)\n')
    expect(stdout).toMatch(/ {2}add-to-feed +\| +█+\| +\+230 ms {2}38 ms {2}error\n/)
    expect(stderr).toBe(
      'Read 68 lines: 15 lines in the story, 11 of other requests, 21 metric lines, ' +
        '14 Lambda platform records, 3 not Sightline log lines, 4 malformed lines skipped (4 not JSON).\n',
    )
  })

  it('reads stdin when no file is given, or for "-"', async () => {
    const input = readFileSync(fixture('malformed.jsonl'), 'utf8')
    const fromStdin = await run(['story', 'demo-7f3a2c19'], input)
    expect(fromStdin.status).toBe(0)
    expect(fromStdin.stdout).toContain('Story of demo-7f3a2c19: 5 lines from edge')
    const mixed = await run(['story', ALICE, DEMO[0]!, '-'], input)
    expect(mixed.stdout).toContain(
      'Story of demo-7f3a2c19: 10 lines from edge, api-service and relationship-service',
    )
  })

  it('writes the HTML page with --html', async () => {
    const page = join(dir, 'story.html')
    const { status, stderr } = await run(['story', ALICE, ...DEMO, '--html', page, '--width', '30'])
    expect(status).toBe(0)
    expect(stderr).toContain(`Wrote ${page}\n`)
    expect(readFileSync(page, 'utf8')).toContain('<h1>Story of <code>demo-7f3a2c19</code></h1>')
  })

  it('exits 1 when no line carries the id', async () => {
    const { status, stdout } = await run(['story', 'nobody', ...DEMO])
    expect(status).toBe(1)
    expect(stdout).toBe('No line carries nobody.\n')
  })

  it.each([
    [[], 'A command is required'],
    [['tell', 'x'], 'Unknown command "tell"'],
    [['story'], 'needs a correlation id'],
    [['story', 'x', '--width', 'wide'], '--width must be an integer'],
    [['story', 'x', '--colour'], "Unknown option '--colour'"],
  ])('exits 2 with the usage for %j', async (argv, message) => {
    const { status, stderr } = await run(argv)
    expect(status).toBe(2)
    expect(stderr).toContain(message)
    expect(stderr).toContain(USAGE)
  })

  it('exits 2 naming a file it cannot read or write', async () => {
    const missing = await run(['story', ALICE, fixture('missing.log')])
    expect(missing).toMatchObject({ status: 2, stderr: expect.stringContaining('Cannot read') })
    const unwritable = await run(['story', ALICE, ...DEMO, '--html', join(dir, 'no', 'such', 'dir.html')])
    expect(unwritable).toMatchObject({ status: 2, stderr: expect.stringContaining('Cannot write') })
  })

  it('prints its help and its version, the one of package.json', async () => {
    expect(await run(['--help'])).toEqual({ status: 0, stdout: USAGE, stderr: '' })
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(VERSION).toBe(pkg.version)
    expect(await run(['-v'])).toEqual({ status: 0, stdout: `${pkg.version}\n`, stderr: '' })
  })
})

describe('the sightline bin', () => {
  it('runs as a command: files in, story out, exit status', () => {
    const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url))
    const out = spawnSync(process.execPath, ['--import', 'tsx', bin, 'story', ALICE, ...DEMO], {
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(out.status).toBe(0)
    expect(out.stdout).toContain('Story of demo-7f3a2c19: 15 lines')
    const none = spawnSync(process.execPath, ['--import', 'tsx', bin, 'story', 'nobody', ...DEMO], {
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(none.status).toBe(1)
  })
})
