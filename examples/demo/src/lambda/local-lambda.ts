import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import {
  type InvokeResult,
  type LambdaFunction,
  startFunction,
} from '../../../../tools/lambda-harness/index.js'
import type { XrayDaemon } from '../receivers/xray-daemon.js'
import { DemoError } from '../setup.js'
import { newSegmentId, type TraceContext } from './trace.js'

const functionsDir = fileURLToPath(new URL('../../functions/', import.meta.url))

export interface FunctionSpec {
  /** The function's name, and its module in `functions/` (`<name>.mjs`, export `handler`). */
  readonly name: string
  readonly env: Record<string, string>
}

/** One line of a function's log, as CloudWatch Logs would store it: when it was received, and the text. */
export interface LogLine {
  readonly timestamp: number
  readonly message: string
}

export interface LocalFunction {
  readonly name: string
  /** The runtime client's process and its Runtime API server's. */
  readonly pids: readonly number[]
  /** Invokes the function as Lambda would, with `trace` as its X-Ray context. */
  invoke(event: unknown, trace: TraceContext): Promise<InvokeResult>
  /** Stops the runtime, then resolves once all its output was read. */
  stop(): Promise<void>
  /** What the function logged (stdout) and Lambda's platform records for each invocation. */
  log(): LogLine[]
}

/**
 * A function on the official runtime client (aws-lambda-ric 3, one invocation at a time) behind the
 * repository's local Runtime API. Like Lambda it writes a `platform.start` and a `platform.report` record
 * per invocation (the JSON log format's) and, when the invocation is sampled, sends the function's
 * segment to the X-Ray daemon: the subsegments the function sends hang under it.
 */
export async function startLocalFunction(spec: FunctionSpec, daemon: XrayDaemon): Promise<LocalFunction> {
  const fn: LambdaFunction = await startFunction({
    handler: `${functionsDir}${spec.name}.handler`,
    ric: 3,
    functionName: spec.name,
    timeoutMs: 30_000,
    env: spec.env,
  })
  if (fn.initError !== undefined) {
    await fn.stop()
    const { errorType, errorMessage } = fn.initError
    throw new DemoError(`${spec.name} failed during init: ${errorType}: ${errorMessage}`)
  }
  const platform: LogLine[] = []
  let stopped = false

  const at = (requestId: string, kinds: readonly string[]) =>
    fn.events.find((e) => e.requestId === requestId && kinds.includes(e.kind))?.at ?? Date.now()

  function record(requestId: string, start: number, end: number, ok: boolean) {
    const time = (ms: number) => new Date(ms).toISOString()
    platform.push(
      {
        timestamp: start,
        message: JSON.stringify({
          time: time(start),
          type: 'platform.start',
          record: { requestId, version: '$LATEST' },
        }),
      },
      {
        timestamp: end,
        message: JSON.stringify({
          time: time(end),
          type: 'platform.report',
          record: {
            requestId,
            metrics: { durationMs: end - start, billedDurationMs: Math.ceil(end - start), memorySizeMB: 128 },
            status: ok ? 'success' : 'error',
          },
        }),
      },
    )
  }

  return {
    name: spec.name,
    pids: [fn.pid, fn.serverPid],
    async invoke(event, trace) {
      const requestId = randomUUID()
      const segment = newSegmentId()
      const traceId = `Root=${trace.root};Parent=${segment};Sampled=${trace.sampled ? 1 : 0}`
      const result = await fn.invoke(event, { requestId, traceId })
      const start = at(requestId, ['invoke'])
      const end = at(requestId, ['response', 'error'])
      record(requestId, start, end, result.ok)
      if (trace.sampled) {
        await daemon.send({
          name: spec.name,
          id: segment,
          trace_id: trace.root,
          ...(trace.parent === undefined ? {} : { parent_id: trace.parent }),
          start_time: start / 1000,
          end_time: end / 1000,
          origin: 'AWS::Lambda::Function',
          aws: { request_id: requestId },
          ...(result.ok ? {} : { fault: true }),
        })
      }
      return result
    },
    async stop() {
      if (stopped) return
      stopped = true
      await fn.stop()
      // `exit` is set once the runtime's stdout closed: every line it wrote has been read by then.
      await fn.waitFor(() => fn.exit, { timeoutMs: 5_000, what: `${spec.name}'s output to close` })
    },
    log() {
      return [...logOf(fn.lines, platform[0]?.timestamp), ...platform].sort(
        (a, b) => a.timestamp - b.timestamp,
      )
    },
  }
}

/**
 * Lines as log events. When a line arrived is not recorded: a JSON line's own time stands in, and other
 * lines (MONITORING, text) take the time of the line before them, so the writer's order is kept.
 */
export function logOf(lines: readonly string[], from = Date.now()): LogLine[] {
  let last = from
  return lines.map((line) => {
    const time = /"time":(\d{13})/.exec(line)
    last = time === null ? last : Number(time[1])
    return { timestamp: last, message: line.replace(/\n$/, '') }
  })
}
