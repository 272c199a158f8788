import { createHash } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request exactly as the SDK client sent it. */
export interface Recorded {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
  /** `X-Amz-Target` (JSON protocols): `Service.Operation`. */
  readonly target: string | undefined
}

export interface Answer {
  readonly status?: number
  readonly headers?: Record<string, string>
  readonly body: string
}

export interface Recorder {
  readonly endpoint: string
  readonly requests: Recorded[]
  close(): Promise<void>
}

/**
 * A local endpoint on 127.0.0.1 that keeps every request and answers what `answer` says: a stand-in for
 * services with no emulator here, so tests can assert on the bytes the real SDK client put on the wire.
 */
export async function startRecorder(answer: (request: Recorded) => Answer): Promise<Recorder> {
  const requests: Recorded[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const target = req.headers['x-amz-target']
      const recorded: Recorded = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        target: typeof target === 'string' ? target : undefined,
      }
      requests.push(recorded)
      const { status = 200, headers = {}, body } = answer(recorded)
      res.writeHead(status, headers)
      res.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** An SQS endpoint (JSON protocol) that accepts every SendMessage, with the body checksum the SDK checks. */
export function startSqsRecorder(): Promise<Recorder> {
  return startRecorder((req) => {
    const body = JSON.parse(req.body) as { MessageBody?: string }
    return {
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({
        MessageId: 'm-1',
        MD5OfMessageBody: createHash('md5')
          .update(body.MessageBody ?? '')
          .digest('hex'),
      }),
    }
  })
}
