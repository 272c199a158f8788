// Waits at a harness barrier that opens only when `parties` invocations wait on it at the same time.
import { threadId } from 'node:worker_threads'

export const handler = async (event, context) => {
  const store = globalThis.awslambda?.InvokeStore
  const traceBefore = store?.getXRayTraceId() ?? null
  const { name, parties, timeoutMs } = event
  const url = `http://${process.env.AWS_LAMBDA_RUNTIME_API}/_test/barrier/${name}`
  const res = await fetch(`${url}?parties=${parties}&timeoutMs=${timeoutMs}`)
  const barrier = await res.json()
  console.log('barrier passed', barrier.ok)
  return {
    barrier,
    requestId: context.awsRequestId,
    requestStore: store ? store.getRequestId() : null,
    traceBefore,
    traceAfter: store?.getXRayTraceId() ?? null,
    traceEnv: process.env._X_AMZN_TRACE_ID ?? null,
    pid: process.pid,
    threadId,
  }
}
