import type { Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { CreateStreamCommand, DescribeStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis'
import { SQSClient } from '@aws-sdk/client-sqs'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { startFauxqs } from 'fauxqs'
import { close } from '../receivers/listen.js'
import { startSnsTracing } from './sns-tracing.js'

export const REGION = 'eu-west-1'
export const TOPIC = 'post-created'
export const QUEUE = 'distribute-posts'
export const STREAM = 'feed-updates'

// In memory (memdown): kinesalite's native LevelDB store is never built here.
const kinesalite = createRequire(import.meta.url)('kinesalite') as (options: {
  createStreamMs: number
}) => Server

export interface Aws {
  readonly snsEndpoint: string
  readonly sqsEndpoint: string
  readonly kinesisEndpoint: string
  readonly topicArn: string
  readonly queueUrl: string
  readonly queueArn: string
  readonly streamArn: string
  /** Clients of the local AWS side itself (the event source mappings), not of the functions. */
  readonly sqs: SQSClient
  readonly kinesis: KinesisClient
  /** The trace header an SNS message was published with (SNS → SQS trace propagation). */
  traceOf(snsMessageId: string): string | undefined
  stop(): Promise<void>
}

/** What every local client needs: the endpoint, dummy credentials, HTTP/1.1 (kinesalite has no HTTP/2). */
export function clientConfig(endpoint: string) {
  return {
    region: REGION,
    endpoint,
    credentials: { accessKeyId: 'AKIDDEMO', secretAccessKey: 'demo' },
    requestHandler: new NodeHttpHandler(),
  }
}

/** SNS and SQS (fauxqs), Kinesis (kinesalite): a topic delivering to a queue, and a stream. */
export async function startAws(): Promise<Aws> {
  const fauxqs = await startFauxqs({ port: 0, logger: false })
  const { topicArn } = fauxqs.createTopic(TOPIC, { region: REGION })
  const queue = fauxqs.createQueue(QUEUE, { region: REGION })
  // Raw delivery off: the SQS body is SNS's envelope, as most SNS → SQS subscriptions have it.
  fauxqs.subscribe({ topic: TOPIC, queue: QUEUE, region: REGION })
  const tracing = await startSnsTracing(fauxqs.address)

  const server = kinesalite({ createStreamMs: 0 })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const kinesisEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const kinesis = new KinesisClient(clientConfig(kinesisEndpoint))
  await kinesis.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }))
  let description = await kinesis.send(new DescribeStreamCommand({ StreamName: STREAM }))
  while (description.StreamDescription?.StreamStatus !== 'ACTIVE')
    description = await kinesis.send(new DescribeStreamCommand({ StreamName: STREAM }))
  const sqs = new SQSClient(clientConfig(fauxqs.address))

  return {
    snsEndpoint: tracing.endpoint,
    sqsEndpoint: fauxqs.address,
    kinesisEndpoint,
    topicArn,
    queueUrl: queue.queueUrl,
    queueArn: queue.queueArn,
    streamArn: description.StreamDescription.StreamARN ?? '',
    sqs,
    kinesis,
    traceOf: tracing.traceOf,
    async stop() {
      sqs.destroy()
      kinesis.destroy()
      await tracing.close()
      await fauxqs.stop()
      await close(server)
    },
  }
}
