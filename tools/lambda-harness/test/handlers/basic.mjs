// Reports what a handler can observe about its invocation and process.
import { threadId } from 'node:worker_threads'

export const handler = async (event, context) => {
  const store = globalThis.awslambda?.InvokeStore
  console.log('basic handler ran')
  return {
    event,
    requestId: context.awsRequestId,
    functionName: context.functionName,
    invokedFunctionArn: context.invokedFunctionArn,
    remainingMs: context.getRemainingTimeInMillis(),
    clientContext: context.clientContext ?? null,
    identity: context.identity ?? null,
    traceEnv: process.env._X_AMZN_TRACE_ID ?? null,
    traceContext: context.xRayTraceId ?? null,
    traceStore: store?.getXRayTraceId() ?? null,
    requestStore: store ? store.getRequestId() : null,
    hasInvokeStore: store !== undefined,
    pid: process.pid,
    threadId,
    node: process.version,
    cwd: process.cwd(),
  }
}
