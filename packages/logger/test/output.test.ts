import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { createContext, withContext } from '@sightline/correlation'
import { createLogger, type Output, setOutput, writeLine } from '@sightline/logger'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'

// fd 1 as the stdout writer sees it: each test scripts what writeSync does; every other call is real.
const fd1 = vi.hoisted(() => ({
  script: undefined as undefined | ((chunk: Buffer, call: number) => number | Error),
  received: [] as Buffer[],
  calls: 0,
}))
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>()
  const writeSync = (fd: number, data: string | NodeJS.ArrayBufferView, ...rest: unknown[]): number => {
    if (fd !== 1 || fd1.script === undefined) return (real.writeSync as Function)(fd, data, ...rest)
    const chunk = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data as Uint8Array)
    const result = fd1.script(chunk, fd1.calls++)
    if (result instanceof Error) throw result
    fd1.received.push(chunk.subarray(0, result))
    return result
  }
  return { ...real, writeSync, default: { ...real, writeSync } }
})

const errno = (code: string) => Object.assign(new Error(code), { code })
const received = () => Buffer.concat(fd1.received)

afterEach(() => {
  fd1.script = undefined
  fd1.received = []
  fd1.calls = 0
  setOutput(undefined)
})

describe('setOutput', () => {
  it('sends every line to the output set last and gives back the previous one', () => {
    const a: string[] = []
    const b: string[] = []
    const outA: Output = { write: (l) => void a.push(l) }
    const first = setOutput(outA)
    writeLine('one\n')
    expect(setOutput({ write: (l) => void b.push(l) })).toBe(outA)
    writeLine('two\n')
    expect(setOutput(first)).not.toBe(outA)
    expect(a).toEqual(['one\n'])
    expect(b).toEqual(['two\n'])
  })

  it('sends the logger lines there too, one call per line', () => {
    const lines: string[] = []
    setOutput({ write: (l) => void lines.push(l) })
    const log = createLogger({ level: 'info' }, {})
    withContext(createContext({ ids: { 'x-correlation-id': 'abc' } }), () => log.info('hello'))
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'hello', 'x-correlation-id': 'abc' })
  })

  it('goes back to stdout with undefined', () => {
    setOutput({ write: () => {} })
    setOutput(undefined)
    fd1.script = (chunk) => chunk.length
    writeLine('to stdout\n')
    expect(received().toString()).toBe('to stdout\n')
  })
})

describe('the stdout writer', () => {
  it('writes a line with one write to fd 1', () => {
    fd1.script = (chunk) => chunk.length
    writeLine('{"msg":"hello"}\n')
    expect(fd1.calls).toBe(1)
    expect(received().toString()).toBe('{"msg":"hello"}\n')
  })

  it('writes the rest of a line after a partial write, multibyte characters included', () => {
    const line = `${JSON.stringify({ msg: 'héllo wörld ✓ 𝄞'.repeat(20) })}\n`
    fd1.script = (chunk) => Math.min(chunk.length, 7)
    writeLine(line)
    expect(received().equals(Buffer.from(line, 'utf8'))).toBe(true)
  })

  it('retries after EAGAIN instead of losing or splitting the line', () => {
    const line = `${JSON.stringify({ msg: 'ü'.repeat(100) })}\n`
    fd1.script = (chunk, call) => (call % 2 === 0 ? errno('EAGAIN') : Math.min(chunk.length, 50))
    writeLine(line)
    expect(received().equals(Buffer.from(line, 'utf8'))).toBe(true)
  })

  it('writes the last bytes of a line whose partial write equals its length in characters', () => {
    // 'é' is 2 bytes: 12 characters, 13 bytes. A first write of 12 bytes is not the whole line.
    const line = `é${'a'.repeat(10)}\n`
    fd1.script = (chunk, call) => (call === 0 ? line.length : chunk.length)
    writeLine(line)
    expect(received().equals(Buffer.from(line, 'utf8'))).toBe(true)
  })

  it('gives up quietly on an error other than EAGAIN', () => {
    fd1.script = () => errno('EPIPE')
    expect(() => writeLine('lost\n')).not.toThrow()
    fd1.script = (_chunk, call) => (call === 1 ? 3 : errno('EBADF'))
    expect(() => writeLine('partial\n')).not.toThrow()
  })

  it('gives up after a bounded time when fd 1 never drains', () => {
    fd1.script = (_chunk, call) => (call === 0 ? 1 : errno('EAGAIN'))
    const start = Date.now()
    expect(() => writeLine('stuck\n')).not.toThrow()
    expect(Date.now() - start).toBeLessThan(10_000)
    expect(fd1.calls).toBeGreaterThan(100)
  })
})

describe('through a real pipe', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-output-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const outputSource = fileURLToPath(new URL('../src/output.ts', import.meta.url))

  it('delivers big lines whole and in order while the reader is slow', async () => {
    const child = join(dir, 'child.mts')
    writeFileSync(
      child,
      `import { writeLine } from ${JSON.stringify(outputSource)}
void process.stdout.fd // as in Lambda: Node makes fd 1 non-blocking once stdout is opened
for (let i = 0; i < 8; i++) writeLine(JSON.stringify({ i, msg: 'é✓'.repeat(50_000) }) + '\\n')
`,
    )
    const proc = spawn(process.execPath, ['--import', 'tsx', child], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const chunks: Buffer[] = []
    let stderr = ''
    proc.stderr.on('data', (d) => (stderr += d))
    proc.stdout.pause()
    await sleep(300) // let the pipe fill up: the writer meets EAGAIN
    proc.stdout.on('data', (d: Buffer) => chunks.push(d))
    proc.stdout.resume()
    const code = await new Promise((resolve) => proc.on('close', resolve))
    expect(stderr.replace(/^.*ExperimentalWarning.*$|^.*--trace-warnings.*$/gm, '').trim()).toBe('')
    expect(code).toBe(0)
    const lines = Buffer.concat(chunks).toString('utf8').split('\n')
    expect(lines.pop()).toBe('')
    expect(lines).toHaveLength(8)
    expect(lines.map((line) => JSON.parse(line))).toEqual(
      Array.from({ length: 8 }, (_, i) => ({ i, msg: 'é✓'.repeat(50_000) })),
    )
  })
})

describe('duplicate installs', () => {
  it('share one output between the sources and the CJS build', () => {
    const built = fileURLToPath(new URL('../dist/index.cjs', import.meta.url))
    const cjs: { writeLine: typeof writeLine; setOutput: typeof setOutput } = createRequire(import.meta.url)(
      built,
    )
    expect(cjs.writeLine).not.toBe(writeLine)
    const lines: string[] = []
    setOutput({ write: (l) => void lines.push(l) })
    cjs.writeLine('from the build\n')
    const other: string[] = []
    cjs.setOutput({ write: (l) => void other.push(l) })
    writeLine('from the sources\n')
    expect(lines).toEqual(['from the build\n'])
    expect(other).toEqual(['from the sources\n'])
  })
})
