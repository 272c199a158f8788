import { createSocket, type Socket } from 'node:dgram'
import type { DaemonAddress } from './options.js'

/** The daemon's UDP format: this line, then one segment or subsegment document per datagram. */
export const DAEMON_HEADER = '{"format":"json","version":1}\n'

export interface Emitter {
  /** Hands one document to the socket; failures go to `onError`, never to the caller. */
  send(document: string): void
  /** Resolves when every document handed over so far has left; `undefined` when none is in flight. */
  drain(): Promise<void> | undefined
  /** Closes the socket if nothing is in flight; the next send opens a new one. */
  closeIfIdle(): void
}

/**
 * A UDP emitter of our own rather than the SDK's: its `send` has no completion (a flush could not wait for
 * the datagrams to leave before Lambda freezes the sandbox), its errors go to `console`, and its socket lives
 * as long as the process.
 */
export function createEmitter({ host, port }: DaemonAddress, onError: (error: unknown) => void): Emitter {
  let socket: Socket | undefined
  let pending = 0
  let waiters: Array<() => void> = []

  const settle = (error: unknown) => {
    if (error != null) onError(error)
    if (--pending > 0) return
    const done = waiters
    waiters = []
    for (const resolve of done) resolve()
  }

  return {
    send(document) {
      pending++
      try {
        socket ??= open(onError)
        socket.send(DAEMON_HEADER + document, port, host, settle)
      } catch (error) {
        settle(error)
      }
    },
    drain() {
      if (pending === 0) return undefined
      return new Promise((resolve) => waiters.push(resolve))
    },
    closeIfIdle() {
      if (pending > 0 || socket === undefined) return
      const s = socket
      socket = undefined
      try {
        s.close()
      } catch {}
    },
  }
}

function open(onError: (error: unknown) => void): Socket {
  // unref: a socket with nothing to send must not keep a service or a test process alive.
  return createSocket('udp4').on('error', onError).unref()
}
