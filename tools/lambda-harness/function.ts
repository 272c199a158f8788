import { type ChildProcess, fork, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { basename, dirname, isAbsolute, relative } from 'node:path'
import { functionArn, lambdaEnv, newTraceId } from './env.js'
import { HarnessError } from './errors.js'
import { type NodeVersion, nodeBinary, nodeMajor, type RicVersion, ricEntry, serverScript } from './paths.js'

export type EventKind = 'invoke' | 'response' | 'error' | 'telemetry' | 'init-error' | 'freeze' | 'thaw'

export interface LogEntry {
  seq: number
  kind: EventKind
  /** Date.now() when the server recorded it. */
  at: number
  requestId?: string
  body?: unknown
  streaming?: boolean
  path?: string
}

export interface LambdaError {
  errorType: string
  errorMessage: string
  [key: string]: unknown
}

export interface InvokeResult {
  requestId: string
  ok: boolean
  result?: unknown
  error?: LambdaError
  /** Sequence number of the response/error (or init error) in `events`. */
  seq: number
}

export interface StartOptions {
  /** Absolute path of the module without extension plus the export: '/abs/dir/file.handler'. */
  handler: string
  ric: RicVersion
  /** Added to (and overriding) the Lambda environment the harness builds. */
  env?: Record<string, string>
  /** Sets AWS_LAMBDA_MAX_CONCURRENCY (ric 4 then runs invocations concurrently) and caps in-flight ones. */
  maxConcurrency?: number
  /** SIGSTOP the runtime while it waits for work, SIGCONT when an invocation arrives. */
  freeze?: boolean
  node?: NodeVersion
  /** LAMBDA_TASK_ROOT; defaults to the handler's directory. */
  taskRoot?: string
  functionName?: string
  /** The function timeout: each invocation's deadline is now + timeoutMs when dispatched. Not enforced. */
  timeoutMs?: number
  memoryMb?: number
  /** Flags for the runtime's node, before the client's entry script. */
  nodeArgs?: string[]
  /** How long to wait for the runtime to ask for work (or report an init error). */
  startTimeoutMs?: number
}

export interface InvokeOptions {
  requestId?: string
  /** X-Ray header for this invocation; null sends none. Defaults to a fresh unsampled one. */
  traceId?: string | null
  /** Absolute deadline (epoch ms); overrides timeoutMs. */
  deadlineMs?: number
  timeoutMs?: number
  clientContext?: unknown
  identity?: unknown
  tenantId?: string
}

export interface WaitOptions {
  timeoutMs?: number
  /** Named in the timeout error. */
  what?: string
}

export interface LambdaFunction {
  /** The runtime client's process. */
  readonly pid: number
  readonly serverPid: number
  readonly port: number
  /** Every stdout line of the runtime process, in order. */
  readonly lines: readonly string[]
  readonly stderr: string
  /** The server's ordered log across invocations, results, telemetry and freezes. */
  readonly events: readonly LogEntry[]
  readonly initError: LambdaError | undefined
  readonly exit: { code: number | null; signal: NodeJS.Signals | null } | undefined
  invoke(event?: unknown, options?: InvokeOptions): Promise<InvokeResult>
  /** The stdout lines that are JSON objects, parsed. */
  jsonLines(): Record<string, unknown>[]
  /** Resolves with check()'s first truthy value, re-checked whenever output, events or exit change. */
  waitFor<T>(check: () => T | undefined | null | false, options?: WaitOptions): Promise<T>
  stop(): Promise<void>
}

type ServerMessage =
  | { type: 'listening'; port: number }
  | { type: 'ready' }
  | { type: 'synced' }
  | { type: 'log'; entry: LogEntry }

interface Pending {
  resolve: (result: InvokeResult) => void
  reject: (err: Error) => void
}

// Children are killed when the test process exits, even if a test forgot stop().
const live = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

function track(child: ChildProcess): ChildProcess {
  live.add(child)
  child.once('exit', () => live.delete(child))
  // A failed spawn shows as a missing pid or exit; an unhandled 'error' event would crash the runner.
  child.on('error', () => live.delete(child))
  return child
}

function invalid(option: string, expected: string, value: unknown): HarnessError {
  return new HarnessError('INVALID_OPTION', `Expected \`${option}\` to be ${expected}, got ${String(value)}`)
}

function splitHandler(handler: string, taskRoot: string | undefined): { root: string; name: string } {
  const file = basename(handler)
  if (!isAbsolute(handler) || !/^[^.]+\.[^.].*$/.test(file)) {
    throw invalid('handler', "an absolute '/dir/module.export' (module name without dots)", handler)
  }
  const root = taskRoot ?? dirname(handler)
  const rel = relative(root, dirname(handler))
  if (rel.startsWith('..') || isAbsolute(rel))
    throw invalid('taskRoot', `a parent folder of ${handler}`, root)
  return { root, name: rel === '' ? file : `${rel}/${file}` }
}

function validate(options: StartOptions): void {
  if (options.ric !== 3 && options.ric !== 4) throw invalid('ric', '3 or 4', options.ric)
  const { maxConcurrency, node } = options
  if (maxConcurrency !== undefined && !(Number.isInteger(maxConcurrency) && maxConcurrency >= 1)) {
    throw invalid('maxConcurrency', 'an integer >= 1', maxConcurrency)
  }
  if (node !== undefined && node !== 'current' && node !== 22 && node !== 24) {
    throw invalid('node', "'current', 22 or 24", node)
  }
}

function lambdaError(body: unknown): LambdaError {
  if (body && typeof body === 'object' && 'errorType' in body) return body as LambdaError
  return { errorType: 'Unknown', errorMessage: typeof body === 'string' ? body : JSON.stringify(body) }
}

function onceMessage<T extends ServerMessage['type']>(
  server: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<ServerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no '${type}' from the runtime API server`)), timeoutMs)
    const onMessage = (msg: ServerMessage) => {
      if (msg.type === type) finish(undefined, msg as Extract<ServerMessage, { type: T }>)
    }
    const onExit = () => finish(new Error(`runtime API server exited before '${type}'`))
    function finish(err: Error | undefined, msg?: Extract<ServerMessage, { type: T }>) {
      clearTimeout(timer)
      server.off('message', onMessage)
      server.off('exit', onExit)
      if (msg) resolve(msg)
      else reject(err)
    }
    server.on('message', onMessage)
    server.once('exit', onExit)
  })
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

async function startServer(config: { maxConcurrency?: number; freeze: boolean }, timeoutMs: number) {
  const server = track(
    fork(serverScript, [JSON.stringify(config)], {
      execPath: process.execPath,
      // vitest's loader flags must not reach the server.
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    }),
  )
  try {
    const { port } = await onceMessage(server, 'listening', timeoutMs)
    return { server, port }
  } catch (err) {
    server.kill('SIGKILL')
    throw new HarnessError('START_FAILED', 'The runtime API server did not start', { cause: err })
  }
}

export async function startFunction(options: StartOptions): Promise<LambdaFunction> {
  validate(options)
  const {
    handler,
    ric,
    env = {},
    maxConcurrency,
    freeze = false,
    node = 'current',
    functionName = 'sightline-test',
    timeoutMs = 30_000,
    memoryMb = 128,
    nodeArgs = [],
    startTimeoutMs = 60_000,
  } = options
  const { root, name } = splitHandler(handler, options.taskRoot)
  const entry = ricEntry(ric)
  const nodeBin = nodeBinary(node)
  const { server, port } = await startServer(
    maxConcurrency === undefined ? { freeze } : { maxConcurrency, freeze },
    startTimeoutMs,
  )
  const region = env.AWS_REGION ?? 'us-east-1'
  const arn = functionArn(region, functionName)
  const runtimeEnv = lambdaEnv({
    runtimeApi: `127.0.0.1:${port}`,
    handler: name,
    taskRoot: root,
    runtimeDir: dirname(entry),
    nodeBin,
    nodeMajor: nodeMajor(node),
    functionName,
    region,
    memoryMb,
    maxConcurrency,
    extra: env,
  })
  // 3.x takes the handler from argv[2] only, 4.x from _HANDLER only: give both.
  const runtime = track(
    spawn(nodeBin, [...nodeArgs, entry, name], {
      cwd: root,
      env: runtimeEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  )
  if (runtime.pid === undefined) {
    server.kill('SIGKILL')
    throw new HarnessError('START_FAILED', `Could not spawn ${nodeBin}`)
  }
  server.send({ type: 'attach', pid: runtime.pid })
  const fn = createFunction({ server, runtime, port, arn, timeoutMs })
  await fn.started(startTimeoutMs)
  return fn.api
}

interface Parts {
  server: ChildProcess
  runtime: ChildProcess
  port: number
  arn: string
  timeoutMs: number
}

function createFunction({ server, runtime, port, arn, timeoutMs }: Parts) {
  const lines: string[] = []
  const events: LogEntry[] = []
  const pending = new Map<string, Pending>()
  const watchers = new Set<() => void>()
  let stdoutRest = ''
  let stderr = ''
  let serverStderr = ''
  let ready = false
  let initError: { error: LambdaError; seq: number } | undefined
  let exit: LambdaFunction['exit']
  let stopping = false

  const changed = () => {
    for (const w of [...watchers]) w()
  }

  function settle(outcome: InvokeResult) {
    const p = pending.get(outcome.requestId)
    if (!p) return
    pending.delete(outcome.requestId)
    p.resolve(outcome)
  }

  function onEntry(entry: LogEntry) {
    events.push(entry)
    const { requestId = '', seq, body } = entry
    if (entry.kind === 'response') settle({ requestId, ok: true, result: body, seq })
    if (entry.kind === 'error') settle({ requestId, ok: false, error: lambdaError(body), seq })
    // Lambda answers every invocation of a failed init with the init error; 4.x multi-concurrency
    // reports it once per worker thread, the first one counts.
    if (entry.kind === 'init-error' && !initError) {
      initError = { error: lambdaError(body), seq }
      const { error } = initError
      for (const id of [...pending.keys()]) settle({ requestId: id, ok: false, error, seq })
    }
  }

  server.on('message', (msg: ServerMessage) => {
    if (msg.type === 'log') onEntry(msg.entry)
    if (msg.type === 'ready') ready = true
    changed()
  })
  server.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    serverStderr += chunk
  })
  runtime.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (stdoutRest + chunk).split('\n')
    stdoutRest = parts.pop() ?? ''
    lines.push(...parts)
    changed()
  })
  runtime.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
    changed()
  })
  runtime.once('close', (code, signal) => void onRuntimeClose(code, signal))

  async function onRuntimeClose(code: number | null, signal: NodeJS.Signals | null) {
    if (stdoutRest !== '') lines.push(stdoutRest)
    stdoutRest = ''
    // Results the runtime posted just before exiting may still be in the IPC pipe: a round trip
    // through the server flushes them before the leftovers are failed.
    if (server.connected && !stopping) {
      server.send({ type: 'sync' })
      await onceMessage(server, 'synced', 5_000).catch(() => undefined)
    }
    exit = { code, signal }
    if (!stopping) failPending(signal ? `signal ${signal}` : `exit status ${code}`)
    changed()
  }

  // What Lambda reports for an invocation whose runtime died before posting a result.
  function failPending(status: string) {
    const seq = events.at(-1)?.seq ?? 0
    for (const requestId of [...pending.keys()]) {
      const errorMessage = `RequestId: ${requestId} Error: Runtime exited with error: ${status}`
      settle({ requestId, ok: false, error: { errorType: 'Runtime.ExitError', errorMessage }, seq })
    }
  }

  function waitFor<T>(check: () => T | undefined | null | false, options: WaitOptions = {}): Promise<T> {
    const { timeoutMs: limit = 15_000, what = 'condition' } = options
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      const done = () => {
        clearTimeout(timer)
        watchers.delete(watcher)
      }
      const watcher = () => {
        let value: T | undefined | null | false
        try {
          value = check()
        } catch (err) {
          done()
          reject(err)
          return
        }
        if (value === undefined || value === null || value === false) return
        done()
        resolve(value)
      }
      timer = setTimeout(() => {
        done()
        reject(new HarnessError('WAIT_TIMEOUT', `Timed out after ${limit} ms waiting for ${what}${tail()}`))
      }, limit)
      watchers.add(watcher)
      watcher()
    })
  }

  function tail(): string {
    const out = [...lines.slice(-10), ...stderr.trimEnd().split('\n').slice(-10)].filter(Boolean)
    return out.length > 0 ? `\n--- runtime output (tail) ---\n${out.join('\n')}` : ''
  }

  async function started(limit: number) {
    try {
      await waitFor(() => ready || initError !== undefined || exit !== undefined, {
        timeoutMs: limit,
        what: 'the runtime to ask for its first invocation',
      })
    } catch (err) {
      await api.stop()
      throw new HarnessError('START_FAILED', (err as Error).message, { cause: err })
    }
    if (!ready && !initError) {
      await api.stop()
      throw new HarnessError(
        'START_FAILED',
        `The runtime exited during init (${JSON.stringify(exit)})${tail()}`,
      )
    }
  }

  function invoke(event: unknown = {}, options: InvokeOptions = {}): Promise<InvokeResult> {
    const requestId = options.requestId ?? randomUUID()
    if (stopping) return Promise.reject(new HarnessError('STOPPED', 'invoke() after stop()'))
    if (initError)
      return Promise.resolve({ requestId, ok: false, error: initError.error, seq: initError.seq })
    if (exit) {
      return Promise.reject(
        new HarnessError('RUNTIME_EXITED', `The runtime exited (${JSON.stringify(exit)})${tail()}`),
      )
    }
    const invocation = {
      requestId,
      event: JSON.stringify(event ?? null),
      functionArn: arn,
      timeoutMs: options.timeoutMs ?? timeoutMs,
      deadlineMs: options.deadlineMs,
      traceId: options.traceId === undefined ? newTraceId() : options.traceId,
      clientContext: options.clientContext === undefined ? undefined : JSON.stringify(options.clientContext),
      cognitoIdentity: options.identity === undefined ? undefined : JSON.stringify(options.identity),
      tenantId: options.tenantId,
    }
    return new Promise<InvokeResult>((resolve, reject) => {
      pending.set(requestId, { resolve, reject })
      server.send({ type: 'enqueue', invocation })
    })
  }

  async function stop() {
    if (stopping) return
    stopping = true
    // SIGKILL works on a SIGSTOPped process too; anything gentler would wait for a SIGCONT.
    runtime.kill('SIGKILL')
    await waitForExit(runtime, 5_000)
    if (server.connected) server.send({ type: 'stop' })
    await waitForExit(server, 2_000)
    for (const [id, p] of [...pending]) {
      pending.delete(id)
      p.reject(new HarnessError('STOPPED', `stop() while invocation ${id} was pending`))
    }
    if (serverStderr.trim() !== '')
      process.stderr.write(`[lambda-harness] runtime API server: ${serverStderr}`)
  }

  const api: LambdaFunction = {
    pid: runtime.pid as number,
    serverPid: server.pid as number,
    port,
    lines,
    get stderr() {
      return stderr
    },
    events,
    get initError() {
      return initError?.error
    },
    get exit() {
      return exit
    },
    invoke,
    jsonLines: () => lines.flatMap(parseJsonObject),
    waitFor,
    stop,
  }
  return { api, started }
}

function parseJsonObject(line: string): Record<string, unknown>[] {
  if (!line.startsWith('{')) return []
  try {
    const value: unknown = JSON.parse(line)
    return value && typeof value === 'object' && !Array.isArray(value)
      ? [value as Record<string, unknown>]
      : []
  } catch {
    return []
  }
}
