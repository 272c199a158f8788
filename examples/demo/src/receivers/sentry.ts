import { createServer } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { bodyOf, close, listen } from './listen.js'

// A local Sentry ingestion endpoint: `POST /api/<project>/envelope/`, newline-delimited JSON (envelope
// header, then an item header and its payload per item; a payload is `length` bytes when the header says).

export type SentryEvent = Record<string, any>

export interface SentryReceiver {
  /** A DSN pointing here: `http://<key>@127.0.0.1:<port>/<project>`. */
  readonly dsn: string
  /** The payload of every `event` item received, in arrival order. */
  readonly events: readonly SentryEvent[]
  close(): Promise<void>
}

const PATH = /^\/api\/\d+\/envelope\/?(\?.*)?$/

/** The `event` payloads of an envelope. Throws on an unreadable one (the receiver answers 400). */
export function eventsOf(body: Buffer): SentryEvent[] {
  let at = 0
  // The next `length` bytes, or up to the next newline (or the end) without one.
  const take = (length?: number): string => {
    const newline = body.indexOf(0x0a, at)
    const stop = length !== undefined ? at + length : newline < 0 ? body.length : newline
    const text = body.toString('utf8', at, stop)
    at = stop + 1
    return text
  }
  take() // the envelope header
  const events: SentryEvent[] = []
  while (at < body.length) {
    const header = JSON.parse(take()) as { type?: unknown; length?: unknown }
    const payload = take(typeof header.length === 'number' ? header.length : undefined)
    if (header.type === 'event') events.push(JSON.parse(payload) as SentryEvent)
  }
  return events
}

export async function startSentry(): Promise<SentryReceiver> {
  const events: SentryEvent[] = []
  const server = createServer(async (req, res) => {
    const raw = await bodyOf(req)
    if (req.method !== 'POST' || !PATH.test(req.url ?? '')) return void res.writeHead(404).end()
    try {
      events.push(...eventsOf(req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw))
    } catch {
      return void res.writeHead(400).end('{"detail":"unreadable envelope"}')
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
  const url = new URL(await listen(server))
  return { dsn: `http://demo@${url.host}/1`, events, close: () => close(server) }
}
