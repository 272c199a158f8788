import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  readonly path: string
  readonly method: string
  readonly headers: IncomingHttpHeaders
}

export interface RecordingServer {
  readonly url: string
  readonly received: Received[]
  /** What reached `path` (query ignored). */
  at(path: string): Received[]
  close(): Promise<void>
}

/**
 * A real HTTP server on `host`, port 0, recording the headers of every request. Routes:
 * `/redirect` → 302 to `/target`; `/redirect-to?to=<url>` → 302 to that URL; `/flaky/<key>` → 503 the
 * first time per key, then 200; `/status/<n>` → that status; `/hang` never answers; anything else 200.
 */
export async function recordingServer(host = '127.0.0.1'): Promise<RecordingServer> {
  const received: Received[] = []
  const flaky = new Set<string>()
  const hanging: Array<() => void> = []
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    received.push({ path: url.pathname, method: req.method ?? '', headers: req.headers })
    req.resume()
    if (url.pathname === '/redirect') return void res.writeHead(302, { location: '/target' }).end()
    if (url.pathname === '/redirect-to') {
      return void res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end()
    }
    if (url.pathname.startsWith('/flaky/') && !flaky.has(url.pathname)) {
      flaky.add(url.pathname)
      return void res.writeHead(503).end('busy')
    }
    if (url.pathname.startsWith('/status/')) return void res.writeHead(Number(url.pathname.slice(8))).end()
    if (url.pathname === '/hang') return void hanging.push(() => res.destroy())
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host}:${port}`,
    received,
    at: (path) => received.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        for (const stop of hanging) stop()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** The Sightline headers among `headers`. */
export function sightlineHeaders(
  headers: IncomingHttpHeaders,
): Record<string, string | string[] | undefined> {
  return Object.fromEntries(
    Object.entries(headers).filter(
      ([k]) =>
        k.startsWith('x-correlation-') ||
        k === 'debug-log-enabled' ||
        k === 'call-chain-length' ||
        k === 'x-amzn-trace-id',
    ),
  )
}
