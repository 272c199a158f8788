import { createSocket } from 'node:dgram'
import type { AddressInfo } from 'node:net'

// The X-Ray daemon's side of the wire: UDP datagrams of `{"format":"json","version":1}`, a newline, then
// one segment or subsegment document.

export type XrayDocument = Record<string, any>

export interface XrayDaemon {
  /** `127.0.0.1:<port>`, for `AWS_XRAY_DAEMON_ADDRESS`. */
  readonly address: string
  readonly documents: readonly XrayDocument[]
  /** Sends a document as a daemon client would (what Lambda does for its function segments). */
  send(document: XrayDocument): Promise<void>
  /** Resolves once no datagram arrived for a moment: those still in flight have landed. */
  settled(): Promise<void>
  close(): Promise<void>
}

const HEADER = '{"format":"json","version":1}\n'

export async function startXrayDaemon(): Promise<XrayDaemon> {
  const socket = createSocket('udp4')
  const sender = createSocket('udp4')
  const documents: XrayDocument[] = []
  socket.on('message', (message) => {
    const text = message.toString('utf8')
    if (!text.startsWith(HEADER)) return
    try {
      documents.push(JSON.parse(text.slice(HEADER.length)) as XrayDocument)
    } catch {}
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address() as AddressInfo
  return {
    address: `127.0.0.1:${port}`,
    documents,
    send: (document) =>
      new Promise((resolve, reject) =>
        sender.send(`${HEADER}${JSON.stringify(document)}`, port, '127.0.0.1', (err) =>
          err ? reject(err) : resolve(),
        ),
      ),
    async settled() {
      let seen = -1
      for (let i = 0; i < 40 && seen !== documents.length; i++) {
        seen = documents.length
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
    close: async () => {
      await new Promise<void>((resolve) => sender.close(() => resolve()))
      await new Promise<void>((resolve) => socket.close(() => resolve()))
    },
  }
}
