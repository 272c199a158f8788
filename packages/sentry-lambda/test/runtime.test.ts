import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { sentryCodes } from '../src/index.js'
import { type Receiver, startReceiver } from './receiver.js'

// Loading and initialising happen once per process: each scenario runs in a fresh one.
const scenario = fileURLToPath(new URL('./fixtures/scenario.ts', import.meta.url))
const root = fileURLToPath(new URL('../../../', import.meta.url))

let receiver: Receiver
beforeAll(async () => {
  receiver = await startReceiver()
})
afterAll(() => receiver.close())
beforeEach(() => receiver.reset())

type Invoked = { outcome: string; ms: number }
type Result = {
  first: Invoked
  second?: Invoked
  loaded: boolean
  loadMs?: number
  warnings: Array<{ code: string; reason?: string }>
}

function run(name: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', scenario, name, receiver.dsn()], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => {
      out += c
    })
    child.on('error', reject)
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '))
      if (code !== 0 || line === undefined) reject(new Error(`scenario ${name} exited ${code}: ${out}`))
      else resolve(JSON.parse(line.slice(7)) as Result)
    })
  })
}

const messages = () => receiver.events().map((e) => e.exception.values.at(-1).value)

describe('loading @sentry/node', () => {
  it('never holds an invocation past its budget: an event whose SDK still loads is dropped', async () => {
    const result = await run('late-sdk')
    expect(result.first).toMatchObject({ outcome: 'early' })
    // It returned before the SDK had finished loading.
    expect(result.first.ms).toBeLessThan(result.loadMs!)
    expect(result.loaded).toBe(true)
    expect(result.second).toMatchObject({ outcome: 'later' })
    expect(messages()).toEqual(['later'])
    expect(result.warnings).toEqual([{ code: sentryCodes.NOT_DELIVERED, reason: 'sdk-loading' }])
  })

  it('reports an SDK that cannot be initialised once; invocations keep their own errors', async () => {
    const result = await run('broken-sdk')
    expect([result.first.outcome, result.second?.outcome]).toEqual(['own error', 'own error'])
    expect(result.loaded).toBe(false)
    expect(result.warnings).toEqual([{ code: sentryCodes.SDK_UNAVAILABLE }])
    expect(receiver.received).toHaveLength(0)
  })

  it('uses a client the app initialised itself, and waits for its event', async () => {
    const result = await run('app-initialised')
    expect(result.loaded).toBe(true)
    expect(result.first.outcome).toBe('via the app client')
    expect(receiver.events()).toMatchObject([{ tags: { function_name: 'scn' } }])
    expect(result.warnings).toEqual([])
  })
})
