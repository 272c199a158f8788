import type { CorrelationContext, LambdaContextLike } from '@sightline/correlation'

/** The invocation as the wrapper hands it to plugins (structurally: no runtime import of the wrapper). */
export interface InvocationLike {
  readonly context: CorrelationContext
  readonly event: unknown
  readonly lambdaContext: LambdaContextLike | undefined
  /** Epoch ms. */
  readonly startedAt: number
  /** Epoch ms; undefined without a Lambda context. */
  readonly deadline: number | undefined
  readonly timedOut: boolean
}

/** What an event says about where it happened: searchable tags, and the full record as contexts. */
export interface EventData {
  readonly tags: Record<string, string>
  readonly contexts: Record<string, Record<string, unknown>>
  readonly transaction: string | undefined
}

// Sentry drops tags whose key is over 32 characters or whose value is over 200 or holds a line break;
// those stay in the contexts, whole.
const TAG_KEY = /^[a-zA-Z0-9_.:-]{1,32}$/
const TAG_VALUE = /^[^\n\r]{1,200}$/

/**
 * Tags and contexts for one capture: the Lambda function, the invocation (request id, cold start, X-Ray
 * Root, log group and stream) and every correlation ID of `scope` (a batch record's own, or the
 * invocation's), so an issue leads to its log lines and a log line to its issue.
 */
export function eventData(
  scope: CorrelationContext,
  invocation: InvocationLike | undefined,
  region: string | undefined,
): EventData {
  const tags: Record<string, string> = {}
  const lambda = scope.lambda
  const put = (key: string, value: string | number | boolean | undefined) => {
    if (value === undefined) return
    const text = String(value)
    if (TAG_KEY.test(key) && TAG_VALUE.test(text)) tags[key] = text
  }
  put('function_name', lambda?.functionName)
  put('function_version', lambda?.functionVersion)
  put('region', region)
  put('cold_start', lambda?.coldStart)
  put('aws_request_id', scope.awsRequestId)
  put('xray_trace_id', scope.trace?.root)
  put('event_source', scope.source)
  for (const id in scope.ids) put(id, scope.ids[id])

  const contexts: Record<string, Record<string, unknown>> = {
    correlation: {
      ...scope.ids,
      'debug-log-enabled': scope.debug,
      'call-chain-length': scope.callChainLength,
      trace_header: scope.traceHeader,
    },
  }
  if (lambda !== undefined || scope.awsRequestId !== undefined) {
    const started = invocation?.startedAt
    contexts['aws.lambda'] = {
      function_name: lambda?.functionName,
      function_version: lambda?.functionVersion,
      memory_limit_mb: lambda?.memoryLimitInMB,
      invoked_function_arn: lambda?.invokedFunctionArn,
      region,
      aws_request_id: scope.awsRequestId,
      cold_start: lambda?.coldStart,
      log_group: lambda?.logGroupName,
      log_stream: lambda?.logStreamName,
      xray_trace_id: scope.trace?.root,
      elapsed_ms: started === undefined ? undefined : Date.now() - started,
      remaining_ms: invocation?.deadline === undefined ? undefined : invocation.deadline - Date.now(),
    }
  }
  return { tags, contexts, transaction: lambda?.functionName }
}
