import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { putMetricData } from '../src/cloudwatch.js'
import { createMetrics } from '../src/index.js'
import { type FakeCloudWatch, startFakeCloudWatch } from './cloudwatch-server.js'
import { capture } from './helpers.js'

capture()
let cw: FakeCloudWatch
beforeAll(async () => {
  cw = await startFakeCloudWatch()
})
afterAll(() => cw.close())
beforeEach(() => cw.reset())

describe('outside Lambda (a long-running service)', () => {
  it('sends what was recorded on an interval', async () => {
    const sink = putMetricData({ namespace: 'Service', client: cw.client() })
    const metrics = createMetrics({ sink, tags: {}, flushIntervalMs: 20 }, {})
    metrics.count('requests.served')
    await cw.waitForRequests(1)
    metrics.count('requests.served', 2)
    await cw.waitForRequests(2)
    await metrics.close()
    expect(cw.accepted().map((d) => [d.MetricName, d.Value])).toEqual([
      ['requests.served', 1],
      ['requests.served', 2],
    ])
  })

  it('does not flush periodically inside Lambda (the next invocation does)', async () => {
    const sink = putMetricData({ namespace: 'Service', client: cw.client() })
    const metrics = createMetrics({ sink, tags: {} }, { AWS_LAMBDA_FUNCTION_NAME: 'fn' })
    metrics.count('at.init')
    expect(process.listenerCount('beforeExit')).toBe(0)
    await metrics.close()
    expect(cw.accepted().map((d) => d.MetricName)).toEqual(['at.init'])
  })

  it('removes its interval and listeners on close()', async () => {
    const before = [process.listenerCount('beforeExit'), process.listenerCount('SIGTERM')]
    const metrics = createMetrics(
      { sink: putMetricData({ namespace: 'S', client: cw.client() }), tags: {} },
      {},
    )
    metrics.count('x')
    expect(process.listenerCount('SIGTERM')).toBe(before[1]! + 1)
    await metrics.close()
    expect([process.listenerCount('beforeExit'), process.listenerCount('SIGTERM')]).toEqual(before)
  })

  // The service runs the BUILT package (run `pnpm --filter @sightline/metrics build` after changing src).
  const app = fileURLToPath(new URL('./service/app.mjs', import.meta.url))
  function runApp(
    mode: string,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [app, cw.url, mode], { stdio: ['ignore', 'ignore', 'pipe'] })
      let stderr = ''
      child.stderr.on('data', (c) => {
        stderr += c
      })
      child.on('error', reject)
      child.on('exit', (code, signal) => resolve({ code, signal, stderr }))
    })
  }

  it('flushes when the event loop drains (beforeExit), then exits', async () => {
    const { code, stderr } = await runApp('beforeExit')
    expect(code, stderr).toBe(0)
    expect(
      cw
        .accepted()
        .map((d) => d.MetricName)
        .sort(),
    ).toEqual(['request.duration', 'requests.served'])
  })

  it('flushes on SIGTERM, then still exits by the signal', async () => {
    const { signal, stderr } = await runApp('sigterm')
    expect(signal, stderr).toBe('SIGTERM')
    expect(cw.accepted().map((d) => [d.MetricName, d.Dimensions])).toContainEqual([
      'requests.served',
      [{ Name: 'mode', Value: 'sigterm' }],
    ])
  })
})
