import { createServer, request } from 'node:http'
import { bodyOf, close, listen } from '../receivers/listen.js'

export interface SnsTracing {
  /** Where SNS clients send their requests: this proxy, in front of the emulator. */
  readonly endpoint: string
  /** The `X-Amzn-Trace-Id` a Publish request carried, by the MessageId SNS answered with. */
  traceOf(messageId: string): string | undefined
  close(): Promise<void>
}

const MESSAGE_ID = /<MessageId>([^<]+)<\/MessageId>/

/**
 * SNS with active tracing hands the publisher's trace header on to its SQS subscribers (as the message's
 * `AWSTraceHeader`); the emulator does not. This proxy forwards every request to it unchanged and
 * remembers the trace header of each Publish, so the local event source mapping can set `AWSTraceHeader`
 * as SQS would.
 */
export async function startSnsTracing(target: string): Promise<SnsTracing> {
  const traces = new Map<string, string>()
  const upstream = new URL(target)
  const server = createServer(async (req, res) => {
    const body = await bodyOf(req)
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      async (answer) => {
        const reply = await bodyOf(answer)
        const trace = req.headers['x-amzn-trace-id']
        const id = MESSAGE_ID.exec(reply.toString('utf8'))?.[1]
        if (typeof trace === 'string' && id !== undefined && body.includes('Action=Publish'))
          traces.set(id, trace)
        res.writeHead(answer.statusCode ?? 502, answer.headers).end(reply)
      },
    )
    forward.on('error', () => res.writeHead(502).end())
    forward.end(body)
  })
  const endpoint = await listen(server)
  return { endpoint, traceOf: (id) => traces.get(id), close: () => close(server) }
}
