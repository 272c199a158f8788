import { afterEach, describe, expect, it } from 'vitest'
import { getHook, startCall, XRAY_KEY } from '../src/index.js'

const g = globalThis as Record<symbol, unknown>
afterEach(() => {
  delete g[XRAY_KEY]
})

describe('the global hook', () => {
  it('is found under Symbol.for("sightline.xray.v1"), so any copy of any package finds it', () => {
    expect(XRAY_KEY).toBe(Symbol.for('sightline.xray.v1'))
    const seen: unknown[] = []
    const hook = {
      startCall(call: unknown) {
        seen.push(call)
        return { traceHeader: 'Root=x', end() {} }
      },
    }
    g[XRAY_KEY] = hook
    expect(getHook()).toBe(hook)
    expect(startCall({ kind: 'http', name: 'a' })?.traceHeader).toBe('Root=x')
    expect(seen).toEqual([{ kind: 'http', name: 'a' }])
  })

  it('gives nothing when absent or not a tracer', () => {
    expect(getHook()).toBeUndefined()
    expect(startCall({ kind: 'aws', name: 'SQS' })).toBeUndefined()
    for (const junk of [null, 1, {}, { startCall: 'no' }]) {
      g[XRAY_KEY] = junk
      expect(getHook()).toBeUndefined()
    }
  })
})
