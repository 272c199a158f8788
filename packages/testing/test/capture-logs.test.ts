// These tests need the real @sightline/logger: they check that captureLogs() switches its output.
import { createLogger, writeLine } from '@sightline/logger'
import { describe, expect, it } from 'vitest'
import { captureLogs } from '../src/capture-logs.js'

describe('captureLogs (real @sightline/logger)', () => {
  it('captures what Sightline writes until restore', () => {
    const logs = captureLogs()
    writeLine('{"msg":"through writeLine"}\n')
    logs.restore()
    using after = captureLogs()
    writeLine('{"msg":"after restore"}\n')
    expect(logs.records()).toEqual([{ msg: 'through writeLine' }])
    expect(after.records()).toEqual([{ msg: 'after restore' }])
  })

  it('captures a logger line with its level and message', () => {
    using logs = captureLogs()
    createLogger({ level: 'info' }, {}).warn({ orderId: 7 }, 'late order')
    const [record] = logs.byLevel('warn')
    expect(record).toMatchObject({ msg: 'late order', orderId: 7 })
    expect(logs.lines[0]?.endsWith('\n')).toBe(true)
  })

  it('takes another output switch when given one', () => {
    let installed: unknown
    const logs = captureLogs({
      setOutput: (output) => {
        installed = output
        return undefined
      },
    })
    expect(installed).toHaveProperty('write')
    logs.restore()
    expect(installed).toBeUndefined()
  })
})
