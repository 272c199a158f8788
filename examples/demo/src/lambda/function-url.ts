import { randomUUID } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import { bodyOf, close, listen } from '../receivers/listen.js'
import type { LocalFunction } from './local-lambda.js'
import { newRoot, traceFromHeader } from './trace.js'

export interface HttpFront {
  readonly url: string
  close(): Promise<void>
}

function headersOf(raw: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(raw))
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(',') : value
  return out
}

/**
 * API Gateway (REST, Lambda proxy integration) in front of a function: each HTTP request becomes an
 * event, the function's result becomes the response. The function continues the caller's trace: same
 * Root and sampling decision, its segment parented on the caller's subsegment; a call without one starts
 * a new trace.
 */
export async function startHttpFront(fn: LocalFunction, resource: string): Promise<HttpFront> {
  const server = createServer(async (req, res) => {
    const body = (await bodyOf(req)).toString('utf8')
    const url = new URL(req.url ?? '/', 'http://local')
    const headers = headersOf(req.headers)
    const inbound = traceFromHeader(headers['x-amzn-trace-id'])
    const event = {
      resource,
      path: url.pathname,
      httpMethod: req.method ?? 'GET',
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      queryStringParameters: url.search === '' ? null : Object.fromEntries(url.searchParams),
      requestContext: {
        requestId: randomUUID(),
        stage: 'demo',
        httpMethod: req.method ?? 'GET',
        path: `/demo${url.pathname}`,
        resourcePath: resource,
        requestTimeEpoch: Date.now(),
      },
      body: body === '' ? null : body,
      isBase64Encoded: false,
    }
    const result = await fn.invoke(event, inbound ?? { root: newRoot(), sampled: true })
    if (!result.ok) {
      res.writeHead(502, { 'content-type': 'application/json' }).end('{"message":"Internal server error"}')
      return
    }
    const answer = (result.result ?? {}) as {
      statusCode?: number
      headers?: Record<string, string>
      body?: string
    }
    res.writeHead(answer.statusCode ?? 200, answer.headers ?? {}).end(answer.body ?? '')
  })
  const url = await listen(server)
  return { url, close: () => close(server) }
}
