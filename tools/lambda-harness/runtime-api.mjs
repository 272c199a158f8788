// A small Lambda Runtime API server for tools/lambda-harness. It runs in its own process (forked by
// the harness) because aws-lambda-ric posts results with a synchronous libcurl call: a server in the
// same process as the runtime client would deadlock.
//
// Control (fork IPC, parent -> server): {type:'attach', pid}, {type:'enqueue', invocation}, {type:'sync'},
// {type:'stop'}.
// Reports (server -> parent): {type:'listening', port}, {type:'ready'} on the first /next, and
// {type:'synced'} and {type:'log', entry} for every entry of the ordered event log.
import http from 'node:http'

const API = '/2018-06-01/runtime'
const RESULT_PATH = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/
const BARRIER_PATH = /^\/_test\/barrier\/([^/]+)$/
const HEADER_ERROR_TYPE = 'lambda-runtime-function-error-type'
const TRAILER_ERROR_BODY = 'lambda-runtime-function-error-body'

const config = JSON.parse(process.argv[2] ?? '{}')
const state = {
  seq: 0,
  queue: [],
  waiting: [],
  inFlight: new Map(),
  maxConcurrency: Math.max(1, Number(config.maxConcurrency ?? 1)),
  freeze: config.freeze === true,
  frozen: false,
  pid: undefined,
  ready: false,
  barriers: new Map(),
}

function send(message) {
  if (process.connected) process.send(message)
}

function record(kind, fields = {}) {
  state.seq += 1
  const entry = { seq: state.seq, kind, at: Date.now(), ...fields }
  send({ type: 'log', entry })
  return entry
}

function parseBody(text) {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function reply(res, status, body) {
  const text = JSON.stringify(body ?? { status: 'OK' })
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

function signalRuntime(signal) {
  if (state.pid === undefined) return false
  try {
    process.kill(state.pid, signal)
    return true
  } catch {
    return false
  }
}

// Lambda freezes the sandbox once the runtime asks for work and none is there (after init too).
function maybeFreeze() {
  const idle = state.queue.length === 0 && state.inFlight.size === 0 && state.waiting.length > 0
  if (!state.freeze || state.frozen || !idle) return
  if (!signalRuntime('SIGSTOP')) return
  state.frozen = true
  record('freeze')
}

function thaw() {
  if (!state.frozen) return
  state.frozen = false
  signalRuntime('SIGCONT')
  record('thaw')
}

function invocationHeaders(inv) {
  const headers = {
    'content-type': 'application/json',
    'lambda-runtime-aws-request-id': inv.requestId,
    'lambda-runtime-deadline-ms': String(inv.deadlineMs ?? Date.now() + inv.timeoutMs),
    'lambda-runtime-invoked-function-arn': inv.functionArn,
  }
  if (inv.traceId) headers['lambda-runtime-trace-id'] = inv.traceId
  if (inv.clientContext !== undefined) headers['lambda-runtime-client-context'] = inv.clientContext
  if (inv.cognitoIdentity !== undefined) headers['lambda-runtime-cognito-identity'] = inv.cognitoIdentity
  if (inv.tenantId !== undefined) headers['lambda-runtime-aws-tenant-id'] = inv.tenantId
  return headers
}

function dispatch() {
  while (state.queue.length > 0 && state.waiting.length > 0 && state.inFlight.size < state.maxConcurrency) {
    const res = state.waiting.shift()
    if (res.destroyed) continue
    const inv = state.queue.shift()
    state.inFlight.set(inv.requestId, inv)
    const headers = invocationHeaders(inv)
    record('invoke', { requestId: inv.requestId, body: parseBody(inv.event) })
    res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(inv.event) })
    res.end(inv.event)
  }
}

function onNext(res) {
  state.waiting.push(res)
  res.on('close', () => {
    const i = state.waiting.indexOf(res)
    if (i >= 0) state.waiting.splice(i, 1)
  })
  if (!state.ready) {
    state.ready = true
    send({ type: 'ready' })
  }
  dispatch()
  maybeFreeze()
}

// Streaming responses report a failure in trailers, the error body base64-encoded.
function streamingError(req) {
  const type = req.trailers[HEADER_ERROR_TYPE]
  if (!type) return undefined
  const raw = req.trailers[TRAILER_ERROR_BODY]
  const body = raw ? parseBody(Buffer.from(raw, 'base64').toString('utf8')) : undefined
  return body && typeof body === 'object' ? body : { errorType: type, errorMessage: String(body ?? '') }
}

async function onResult(req, res, requestId, outcome) {
  const text = await readBody(req)
  const streaming = req.headers['lambda-runtime-function-response-mode'] === 'streaming'
  const failure = outcome === 'response' && streaming ? streamingError(req) : undefined
  reply(res, 202)
  state.inFlight.delete(requestId)
  if (failure) record('error', { requestId, body: failure, streaming })
  else if (outcome === 'error') record('error', { requestId, body: parseBody(text) })
  else record('response', { requestId, body: streaming ? text : parseBody(text), streaming })
  dispatch()
  maybeFreeze()
}

async function onInitError(req, res) {
  const text = await readBody(req)
  reply(res, 202)
  record('init-error', { body: parseBody(text) })
}

async function onTelemetry(req, res) {
  const text = await readBody(req)
  const entry = record('telemetry', { body: parseBody(text), path: req.url })
  reply(res, 200, { seq: entry.seq })
}

// Lets concurrent invocations prove they overlap: answers once `parties` requests wait on `name`,
// or with ok:false after timeoutMs (so a serial runtime fails fast instead of hanging).
function onBarrier(res, name, url) {
  const parties = Number(url.searchParams.get('parties') ?? 2)
  const timeoutMs = Number(url.searchParams.get('timeoutMs') ?? 10_000)
  const barrier = state.barriers.get(name) ?? { waiting: [] }
  state.barriers.set(name, barrier)
  const timer = setTimeout(() => {
    barrier.waiting = barrier.waiting.filter((w) => w !== waiter)
    reply(res, 200, { ok: false, arrived: barrier.waiting.length + 1 })
  }, timeoutMs)
  const waiter = { res, timer }
  barrier.waiting.push(waiter)
  if (barrier.waiting.length < parties) return
  state.barriers.delete(name)
  for (const w of barrier.waiting) {
    clearTimeout(w.timer)
    reply(w.res, 200, { ok: true, arrived: parties })
  }
}

function route(req, res) {
  const url = new URL(req.url ?? '/', 'http://runtime-api')
  const { pathname } = url
  if (req.method === 'GET' && pathname === `${API}/invocation/next`) return onNext(res)
  const result = req.method === 'POST' ? RESULT_PATH.exec(pathname) : null
  if (result) return onResult(req, res, decodeURIComponent(result[1]), result[2])
  if (req.method === 'POST' && pathname === `${API}/init/error`) return onInitError(req, res)
  if (req.method === 'POST' && pathname === '/_test/telemetry') return onTelemetry(req, res)
  const barrier = req.method === 'GET' ? BARRIER_PATH.exec(pathname) : null
  if (barrier) return onBarrier(res, decodeURIComponent(barrier[1]), url)
  reply(res, 404, { errorType: 'NotFound', errorMessage: `${req.method} ${pathname}` })
}

function enqueue(invocation) {
  state.queue.push(invocation)
  thaw()
  dispatch()
}

// Never leave a stopped runtime behind, whoever goes first.
function shutdown() {
  if (state.pid !== undefined) {
    signalRuntime('SIGKILL')
  }
  process.exit(0)
}

function onMessage(msg) {
  if (msg.type === 'attach') {
    state.pid = msg.pid
    maybeFreeze()
  } else if (msg.type === 'enqueue') enqueue(msg.invocation)
  else if (msg.type === 'sync') send({ type: 'synced' })
  else if (msg.type === 'stop') shutdown()
}

const server = http.createServer((req, res) => {
  Promise.resolve(route(req, res)).catch((err) => {
    if (!res.headersSent) reply(res, 500, { errorType: 'HarnessError', errorMessage: String(err) })
  })
})
// Long polls on /next may stay open for as long as a test runs.
server.requestTimeout = 0
server.keepAliveTimeout = 60_000
process.on('message', onMessage)
process.on('disconnect', shutdown)
server.listen(0, '127.0.0.1', () => send({ type: 'listening', port: server.address().port }))
