import { setOutput } from '@sightline/logger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEmitter, DAEMON_HEADER } from '../src/emitter.js'
import { parseDaemonAddress } from '../src/options.js'
import { getXrayDiagnostics, report, resetXrayDiagnostics, xrayCodes } from '../src/report.js'
import { deadPort, type FakeDaemon, fakeDaemon } from './daemon.js'

let daemon: FakeDaemon
beforeAll(async () => {
  daemon = await fakeDaemon()
})
afterAll(() => daemon.close())

const onError = (error: unknown) => report(xrayCodes.EMIT_FAILED, error)

describe('createEmitter', () => {
  it('sends each document as one datagram: the daemon header line, then the document', async () => {
    const emitter = createEmitter(parseDaemonAddress(daemon.address)!, onError)
    emitter.send('{"trace_id":"t-1","id":"a"}')
    emitter.send('{"trace_id":"t-1","id":"b"}')
    const docs = await daemon.trace('t-1', 2)
    expect(docs.map((d) => d.id)).toEqual(['a', 'b'])
    expect(daemon.malformed).toEqual([])
    expect(DAEMON_HEADER).toBe('{"format":"json","version":1}\n')
    await emitter.drain()
    emitter.closeIfIdle()
  })

  it('drains: resolves once what was handed over has left, and gives nothing to wait for when idle', async () => {
    const emitter = createEmitter(parseDaemonAddress(daemon.address)!, onError)
    expect(emitter.drain()).toBeUndefined()
    emitter.send('{"trace_id":"t-2","id":"c"}')
    const drained = emitter.drain()
    expect(drained).toBeInstanceOf(Promise)
    await drained
    expect(emitter.drain()).toBeUndefined()
    emitter.closeIfIdle()
    // A new socket after closing.
    emitter.send('{"trace_id":"t-2","id":"d"}')
    await emitter.drain()
    emitter.closeIfIdle()
    expect((await daemon.trace('t-2', 2)).map((d) => d.id)).toEqual(['c', 'd'])
  })

  it('never throws when no daemon listens', async () => {
    resetXrayDiagnostics()
    const emitter = createEmitter(parseDaemonAddress(await deadPort())!, onError)
    for (let i = 0; i < 3; i++) emitter.send('{"id":"lost"}')
    await emitter.drain()
    emitter.closeIfIdle()
    expect(getXrayDiagnostics().emitFailures).toBe(0) // UDP: nothing tells the sender
  })

  it('counts a document too large for a datagram and warns once with the code', async () => {
    resetXrayDiagnostics()
    const lines: string[] = []
    const previous = setOutput({ write: (line) => void lines.push(line) })
    try {
      const emitter = createEmitter(parseDaemonAddress(daemon.address)!, onError)
      const big = JSON.stringify({ id: 'big', pad: 'x'.repeat(70_000) })
      emitter.send(big)
      emitter.send(big)
      await emitter.drain()
      emitter.closeIfIdle()
    } finally {
      setOutput(previous)
    }
    expect(getXrayDiagnostics().emitFailures).toBe(2)
    const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.code === xrayCodes.EMIT_FAILED)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ level: 'warn', err: { code: 'EMSGSIZE' } })
  })

  it('reports a daemon host that does not resolve, without throwing', async () => {
    resetXrayDiagnostics()
    const previous = setOutput({ write: () => {} })
    try {
      const emitter = createEmitter({ host: 'no-such-host.invalid', port: 2000 }, onError)
      emitter.send('{"id":"x"}')
      await emitter.drain()
      emitter.closeIfIdle()
    } finally {
      setOutput(previous)
    }
    expect(getXrayDiagnostics().emitFailures).toBe(1)
  })
})
