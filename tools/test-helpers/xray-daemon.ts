// A fake X-Ray daemon for the tests of @sightline/xray and of the packages whose calls it traces.
import { randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import type { AddressInfo } from 'node:net'

/** What precedes every document in a datagram to the daemon (the X-Ray daemon's wire format). */
const DAEMON_HEADER = '{"format":"json","version":1}\n'

/** A decoded X-Ray document as the daemon would receive it. */
export type XrayDocument = Record<string, any>

export interface FakeDaemon {
  /** `127.0.0.1:<port>`, for `AWS_XRAY_DAEMON_ADDRESS`. */
  readonly address: string
  /** Every document received, in order. */
  readonly documents: XrayDocument[]
  /** Datagrams whose first line was not the daemon header. */
  readonly malformed: string[]
  /** Resolves once `check()` is truthy (checked on every datagram); rejects after `timeoutMs`. */
  waitFor<T>(check: () => T | undefined | false, timeoutMs?: number): Promise<T>
  /** Waits for `count` documents of this trace and returns them (every one received so far). */
  trace(root: string, count?: number): Promise<XrayDocument[]>
  close(): Promise<void>
}

/** A UDP listener on 127.0.0.1 playing the X-Ray daemon: header line, then one JSON document. */
export async function fakeDaemon(): Promise<FakeDaemon> {
  const socket = createSocket('udp4')
  const documents: XrayDocument[] = []
  const malformed: string[] = []
  const listeners = new Set<() => void>()
  socket.on('message', (msg) => {
    const text = msg.toString('utf8')
    if (!text.startsWith(DAEMON_HEADER) || text.slice(DAEMON_HEADER.length).includes('\n'))
      malformed.push(text)
    else documents.push(JSON.parse(text.slice(DAEMON_HEADER.length)))
    for (const l of listeners) l()
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address() as AddressInfo
  const daemon: FakeDaemon = {
    address: `127.0.0.1:${port}`,
    documents,
    malformed,
    trace(root, count = 1) {
      return daemon.waitFor(() => {
        const found = documents.filter((d) => d.trace_id === root)
        return found.length >= count && found
      })
    },
    waitFor(check, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const test = () => {
          const value = check()
          if (!value) return false
          listeners.delete(test)
          clearTimeout(timer)
          resolve(value)
          return true
        }
        const timer = setTimeout(() => {
          listeners.delete(test)
          reject(new Error(`fake daemon: condition not met; received ${JSON.stringify(documents)}`))
        }, timeoutMs)
        listeners.add(test)
        test()
      })
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  }
  return daemon
}

/** A UDP port with nothing listening: bound, then closed. */
export async function deadPort(): Promise<string> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address() as AddressInfo
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return `127.0.0.1:${port}`
}

export const traceHeader = (root: string, parent: string, sampled: '0' | '1' = '1') =>
  `Root=${root};Parent=${parent};Sampled=${sampled}`

/** A fresh valid Root and Parent. */
export function ids(): { root: string; parent: string } {
  const seconds = Math.floor(Date.now() / 1000).toString(16)
  return { root: `1-${seconds}-${randomBytes(12).toString('hex')}`, parent: randomBytes(8).toString('hex') }
}
