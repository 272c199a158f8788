import { randomBytes } from 'node:crypto'
import { createStoryCollector, type Story } from '@sightline/cli'
import { setOutput } from '@sightline/logger'
import { disableTracing } from '@sightline/xray'
import { REGION, STREAM, startAws } from './aws/emulators.js'
import { type PostRequest, post } from './client.js'
import {
  deleteProcessed,
  kinesisEvent,
  readStream,
  receiveMessages,
  sqsEvent,
  subscriptionEvent,
} from './lambda/event-sources.js'
import { startHttpFront } from './lambda/function-url.js'
import {
  type FunctionSpec,
  type LocalFunction,
  type LogLine,
  logOf,
  startLocalFunction,
} from './lambda/local-lambda.js'
import { newRoot, type TraceContext, traceFromHeader } from './lambda/trace.js'
import { type PutMetricData, startCloudWatch } from './receivers/cloudwatch.js'
import { type SentryEvent, startSentry } from './receivers/sentry.js'
import { startXrayDaemon, type XrayDaemon, type XrayDocument } from './receivers/xray-daemon.js'
import { startApiService } from './services/api.js'
import { FOLLOWERS, startRelationshipService } from './services/relationships.js'
import { type Cleanup, checkPrerequisites, createCleanup, DemoError } from './setup.js'

export { DemoError, type PostRequest }

/** Small, so that alice's five followers make three Kinesis records (the function's default is 100). */
export const FOLLOWERS_PER_RECORD = 2

export interface DemoResult {
  /** The first request's, sent with its own x-correlation-id: the story told. */
  readonly story: Story
  readonly requests: readonly PostRequest[]
  /** Every log, by log group: the functions' (stdout and platform records) and the two services'. */
  readonly logs: Readonly<Record<string, readonly LogLine[]>>
  /** What the SQS and Kinesis consumers returned. */
  readonly results: { readonly distribute: unknown; readonly addToFeed: unknown }
  /** The processor's summaries, one per log group it was given. */
  readonly processed: readonly unknown[]
  readonly cloudWatch: readonly PutMetricData[]
  readonly sentryEvents: readonly SentryEvent[]
  readonly xray: readonly XrayDocument[]
  /** The child processes started (runtime clients and their Runtime API servers), all stopped. */
  readonly pids: readonly number[]
  /** Every HTTP endpoint started (emulators, receivers, services), all closed. */
  readonly endpoints: readonly string[]
  /** Wall-clock milliseconds: setup, the flow, the whole run. */
  readonly timings: { readonly startMs: number; readonly flowMs: number; readonly totalMs: number }
}

export interface DemoOptions {
  /** Progress lines (`starting…`), default none. */
  readonly progress?: (message: string) => void
}

const SERVICES_LOG = '/demo/services'

/** The whole flow on local emulators; everything it starts is stopped before it resolves (or rejects). */
export async function runDemo({ progress = () => {} }: DemoOptions = {}): Promise<DemoResult> {
  checkPrerequisites()
  const started = Date.now()
  const cleanup = createCleanup()
  const serviceLines: string[] = []
  // The two Express services run in this process: their lines are kept as their log group.
  const previousOutput = setOutput({ write: (line) => void serviceLines.push(line) })
  cleanup.add(() => setOutput(previousOutput))
  cleanup.add(() => disableTracing())
  const functions: LocalFunction[] = []
  try {
    progress('starting the emulators, receivers and services')
    const [cloudWatch, sentryReceiver, daemon, aws] = await Promise.all([
      startCloudWatch(),
      startSentry(),
      startXrayDaemon(),
      startAws(),
    ])
    cleanup.add(() => cloudWatch.close())
    cleanup.add(() => sentryReceiver.close())
    cleanup.add(() => daemon.close())
    cleanup.add(() => aws.stop())
    const relationships = await startRelationshipService(daemon.address)
    cleanup.add(() => relationships.close())

    progress('starting 4 functions under the official Lambda runtime client')
    const common = {
      // The functions run on this machine's Node; Lambda's runtimes are nodejs22.x and 24.x.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      SIGHTLINE_TRACING: 'true',
      AWS_XRAY_DAEMON_ADDRESS: daemon.address,
      SIGHTLINE_ENVIRONMENT: 'demo',
    }
    const specs = [
      {
        name: 'create-post',
        env: { ...common, AWS_ENDPOINT_URL_SNS: aws.snsEndpoint, TOPIC_ARN: aws.topicArn },
      },
      {
        name: 'distribute',
        env: {
          ...common,
          AWS_ENDPOINT_URL_KINESIS: aws.kinesisEndpoint,
          STREAM_NAME: STREAM,
          FOLLOWERS_PER_RECORD: String(FOLLOWERS_PER_RECORD),
          RELATIONSHIPS_URL: relationships.url,
        },
      },
      { name: 'add-to-feed', env: { ...common, SENTRY_DSN: sentryReceiver.dsn, SENTRY_ENVIRONMENT: 'demo' } },
      { name: 'log-metrics', env: { ...common, AWS_ENDPOINT_URL_CLOUDWATCH: cloudWatch.url } },
    ]
    functions.push(...(await startFunctions(specs, daemon, cleanup)))
    const [createPost, distribute, addToFeed, logMetrics] = functions as [
      LocalFunction,
      LocalFunction,
      LocalFunction,
      LocalFunction,
    ]
    const front = await startHttpFront(createPost, '/posts')
    cleanup.add(() => front.close())
    const api = await startApiService(`${front.url}/posts`, daemon.address)
    cleanup.add(() => api.close())
    const flowStarted = Date.now()

    progress('POST /posts as alice (with an x-correlation-id) and as bob (without)')
    const storyId = `demo-${randomBytes(4).toString('hex')}`
    const requests = [await post(api.url, 'alice', storyId), await post(api.url, 'bob')]
    const failedRequest = requests.find((r) => r.status !== 201)
    if (failedRequest !== undefined)
      throw new DemoError(`POST /posts as ${failedRequest.author} answered ${failedRequest.status}`)

    progress('SQS → distribute (one batch, a context per record)')
    const messages = await receiveMessages(aws, requests.length)
    const sqsBatch = sqsEvent(aws, messages)
    const distributed = await distribute.invoke(sqsBatch, batchTrace(sqsBatch.Records[0]?.attributes))
    if (!distributed.ok) throw new DemoError(`distribute failed: ${JSON.stringify(distributed.error)}`)
    await deleteProcessed(aws, messages, failedIds(distributed.result))

    progress('Kinesis → add-to-feed (one follower is broken on purpose)')
    const expected = Object.values(FOLLOWERS).reduce(
      (n, f) => n + Math.ceil(f.length / FOLLOWERS_PER_RECORD),
      0,
    )
    const records = await readStream(aws, expected)
    // Kinesis records carry no trace context: on AWS, as here, the consumer starts a trace of its own.
    const added = await addToFeed.invoke(kinesisEvent(aws, records), { root: newRoot(), sampled: true })
    if (!added.ok) throw new DemoError(`add-to-feed failed: ${JSON.stringify(added.error)}`)
    for (const fn of [createPost, distribute, addToFeed]) await fn.stop()

    progress('MONITORING lines → the metrics processor → CloudWatch')
    const logs: Record<string, LogLine[]> = {}
    for (const fn of [createPost, distribute, addToFeed]) logs[`/aws/lambda/${fn.name}`] = fn.log()
    await api.close()
    await relationships.close()
    logs[SERVICES_LOG] = logOf(serviceLines)
    const processed = await processMetrics(logMetrics, logs)
    await logMetrics.stop()
    logs['/aws/lambda/log-metrics'] = logMetrics.log()
    const flowMs = Date.now() - flowStarted
    await disableTracing()
    await daemon.settled()

    const collector = createStoryCollector(storyId)
    for (const [group, lines] of Object.entries(logs))
      for (const line of lines) collector.add(line.message, group.split('/').at(-1) ?? group)
    const result: DemoResult = {
      story: collector.story(),
      requests,
      logs,
      results: { distribute: distributed.result, addToFeed: added.result },
      processed,
      cloudWatch: [...cloudWatch.requests],
      sentryEvents: [...sentryReceiver.events],
      xray: [...daemon.documents],
      pids: functions.flatMap((f) => f.pids),
      endpoints: [
        cloudWatch.url,
        new URL(sentryReceiver.dsn).origin,
        aws.snsEndpoint,
        aws.sqsEndpoint,
        aws.kinesisEndpoint,
        relationships.url,
        front.url,
        api.url,
      ],
      timings: { startMs: flowStarted - started, flowMs, totalMs: 0 },
    }
    await cleanup.run()
    return { ...result, timings: { ...result.timings, totalMs: Date.now() - started } }
  } finally {
    await cleanup.run()
  }
}

/** Starts the functions side by side; each one started is stopped by `cleanup`, even if another failed. */
async function startFunctions(
  specs: readonly FunctionSpec[],
  daemon: XrayDaemon,
  cleanup: Cleanup,
): Promise<LocalFunction[]> {
  const outcomes = await Promise.allSettled(specs.map((spec) => startLocalFunction(spec, daemon)))
  for (const o of outcomes) if (o.status === 'fulfilled') cleanup.add(() => o.value.stop())
  const failed = outcomes.find((o) => o.status === 'rejected')
  if (failed !== undefined) throw failed.reason
  return outcomes.map((o) => (o as PromiseFulfilledResult<LocalFunction>).value)
}

/** What a subscription with the filter "MONITORING|" delivers, one log group at a time, to the processor. */
async function processMetrics(processor: LocalFunction, logs: Readonly<Record<string, readonly LogLine[]>>) {
  const summaries: unknown[] = []
  for (const [group, lines] of Object.entries(logs)) {
    if (!lines.some((l) => l.message.includes('MONITORING|'))) continue
    const event = subscriptionEvent(group, 'demo', lines)
    const out = await processor.invoke(event, { root: newRoot(), sampled: false })
    if (!out.ok) throw new DemoError(`log-metrics failed: ${JSON.stringify(out.error)}`)
    summaries.push(out.result)
  }
  return summaries
}

/** The batch's trace: the first record's, as SQS handed it on (SNS → SQS → Lambda keeps the Root). */
function batchTrace(attributes: { AWSTraceHeader?: string } | undefined): TraceContext {
  const inbound = traceFromHeader(attributes?.AWSTraceHeader)
  return inbound ?? { root: newRoot(), sampled: true }
}

function failedIds(result: unknown): Set<string> {
  const failures = (result as { batchItemFailures?: Array<{ itemIdentifier?: string }> } | undefined)
    ?.batchItemFailures
  return new Set((failures ?? []).map((f) => f.itemIdentifier ?? ''))
}
