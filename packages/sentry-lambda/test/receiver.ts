// A local Sentry endpoint for the tests: `POST /api/<project>/envelope/`, gzip bodies decoded, envelopes
// recorded in arrival order. Misbehaving modes reproduce what a real ingestion endpoint does on a bad day.
// `isolated: true` runs it in a child process, so the test process's sockets and timers are the SDK's
// alone when a test counts them.
import { type ChildProcess, fork } from 'node:child_process'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { type Envelope, parseEnvelope } from './envelope.js'

/** ok: 200 · hang: never answers · 500 · 429 with Retry-After · slow: 200 after `slowMs`. */
export type Mode = 'ok' | 'hang' | '500' | '429' | 'slow'

export interface Behaviour {
  mode: Mode
  slowMs: number
  /** Sent with 429. */
  retryAfter: string
  /**
   * POSTed `{ eventIds }` before answering, so what it records happens-before the SDK sees the response
   * (the Lambda harness's `/_test/telemetry`, whose order is compared with the runtime's response).
   */
  forwardTo: string | null
}

export interface Received {
  /** Arrival order across the receiver's life. */
  readonly seq: number
  /** `performance.now()` of the receiver's process when the body was complete. */
  readonly at: number
  readonly project: string
  readonly key: string | null
  readonly gzip: boolean
  /** Size of the body on the wire. */
  readonly bytes: number
  readonly envelope: Envelope
}

export type SentryEvent = Record<string, any>

export interface Receiver {
  readonly port: number
  dsn(project?: number, key?: string): string
  /** Changes how it answers from the next request on; resolves once in effect. */
  configure(behaviour: Partial<Behaviour>): Promise<void>
  readonly received: Received[]
  /** The payloads of every `event` item, in arrival order. */
  events(): SentryEvent[]
  /** Resolves once `count` events have arrived. */
  waitForEvents(count: number): Promise<SentryEvent[]>
  /** Requests received and not answered yet, and connections open on the receiver's side. */
  stats(): Promise<{ pending: number; connections: number }>
  /** Forgets what was received and goes back to `ok`. */
  reset(): Promise<void>
  close(): Promise<void>
}

const PATH = /^\/api\/(\d+)\/envelope\/(?:\?(.*))?$/
const DEFAULTS: Behaviour = { mode: 'ok', slowMs: 100, retryAfter: '0', forwardTo: null }

/** The server itself; `record` is awaited before the answer. */
export async function serve(record: (r: Received) => Promise<void> | void): Promise<{
  port: number
  behaviour: Behaviour
  stats: () => { pending: number; connections: number }
  close: () => Promise<void>
}> {
  const behaviour: Behaviour = { ...DEFAULTS }
  const sockets = new Set<Socket>()
  const open = new Set<ServerResponse>()
  let seq = 0

  const answer = (res: ServerResponse, status: number, headers: Record<string, string> = {}) => {
    open.delete(res)
    if (res.destroyed) return
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(status === 200 ? '{"id":"ok"}' : '{"detail":"no"}')
  }

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const match = req.method === 'POST' ? PATH.exec(req.url ?? '') : null
    if (match === null) return answer(res, 404)
    const gzip = req.headers['content-encoding'] === 'gzip'
    let raw: Buffer
    try {
      raw = gzip ? gunzipSync(body) : body
    } catch {
      return answer(res, 400)
    }
    const envelope = parseEnvelope(raw)
    if (envelope === undefined) return answer(res, 400)
    const entry: Received = {
      seq: seq++,
      at: performance.now(),
      project: match[1]!,
      key: new URLSearchParams(match[2] ?? '').get('sentry_key'),
      gzip,
      bytes: body.length,
      envelope,
    }
    await record(entry)
    if (behaviour.forwardTo !== null) {
      const eventIds = envelope.items
        .filter((i) => i.header.type === 'event')
        .map((i) => (i.payload as SentryEvent).event_id)
      await fetch(behaviour.forwardTo, { method: 'POST', body: JSON.stringify({ sentry: true, eventIds }) })
        .then((r) => r.arrayBuffer())
        .catch(() => undefined)
    }
    switch (behaviour.mode) {
      case 'ok':
        return answer(res, 200)
      case '500':
        return answer(res, 500)
      case '429':
        return answer(res, 429, { 'retry-after': behaviour.retryAfter })
      case 'slow': {
        const timer = setTimeout(() => answer(res, 200), behaviour.slowMs)
        res.on('close', () => clearTimeout(timer))
        return
      }
      case 'hang':
        return
    }
  }

  const server = createServer((req, res) => {
    open.add(res)
    res.on('close', () => open.delete(res))
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch(() => answer(res, 500))
    })
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    behaviour,
    stats: () => ({ pending: open.size, connections: sockets.size }),
    close() {
      for (const s of sockets) s.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

export async function startReceiver({ isolated = false }: { isolated?: boolean } = {}): Promise<Receiver> {
  const received: Received[] = []
  const waiters: Array<() => void> = []
  const record = (r: Received) => {
    received.push(r)
    for (const w of waiters.splice(0)) w()
  }
  const events = () =>
    received.flatMap((r) =>
      r.envelope.items.filter((i) => i.header.type === 'event').map((i) => i.payload as SentryEvent),
    )
  const common = {
    received,
    events,
    waitForEvents(count: number) {
      return new Promise<SentryEvent[]>((resolve) => {
        const check = () => {
          if (events().length >= count) resolve(events())
          else waiters.push(check)
        }
        check()
      })
    },
  }
  if (!isolated) {
    const server = await serve(record)
    const receiver: Receiver = {
      ...common,
      port: server.port,
      dsn: (project = 1, key = 'public') => `http://${key}@127.0.0.1:${server.port}/${project}`,
      configure: async (b) => void Object.assign(server.behaviour, b),
      stats: async () => server.stats(),
      async reset() {
        received.length = 0
        Object.assign(server.behaviour, DEFAULTS)
      },
      close: server.close,
    }
    return receiver
  }
  return startChild(record, common)
}

type FromChild =
  | { type: 'ready'; port: number }
  | { type: 'received'; entry: Received; id: number }
  | { type: 'done'; id: number; stats?: { pending: number; connections: number } }

async function startChild(
  record: (r: Received) => void,
  common: Pick<Receiver, 'received' | 'events' | 'waitForEvents'>,
): Promise<Receiver> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./receiver-child.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const calls = new Map<number, (stats?: { pending: number; connections: number }) => void>()
  let next = 0
  const call = (message: object) =>
    new Promise<{ pending: number; connections: number } | undefined>((resolve) => {
      const id = next++
      calls.set(id, resolve)
      child.send({ ...message, id })
    })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.on('message', (m: FromChild) => {
      if (m.type === 'ready') resolve(m.port)
      else if (m.type === 'received') {
        record(m.entry)
        child.send({ type: 'ack', id: m.id })
      } else if (m.type === 'done') {
        calls.get(m.id)?.(m.stats)
        calls.delete(m.id)
      }
    })
  })
  return {
    ...common,
    port,
    dsn: (project = 1, key = 'public') => `http://${key}@127.0.0.1:${port}/${project}`,
    configure: async (behaviour) => void (await call({ type: 'configure', behaviour })),
    stats: async () => (await call({ type: 'stats' }))!,
    async reset() {
      common.received.length = 0
      await call({ type: 'configure', behaviour: DEFAULTS })
    },
    async close() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill()
      await exited
    },
  }
}
