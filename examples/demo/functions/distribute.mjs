// distribute: consumes post-created events from SQS (via SNS), asks the relationship service for the
// author's followers and puts one Kinesis record per batch of followers. Each SQS record is processed in
// its own context: its lines, calls and records carry that record's IDs.
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis'
import { instrument } from '@sightline/aws-clients'
import { processBatch, wrap } from '@sightline/handler-wrapper'
import { createClient } from '@sightline/http-client/superagent'
import { logger } from '@sightline/logger'
import { createMetrics } from '@sightline/metrics'
import { xrayPlugin } from '@sightline/xray'
import { NodeHttpHandler } from '@smithy/node-http-handler'

const FOLLOWERS_PER_RECORD = Number(process.env.FOLLOWERS_PER_RECORD ?? 100)
const metrics = createMetrics()
const http = createClient({ hosts: ['127.0.0.1'] })
// HTTP/1.1: kinesalite does not speak the HTTP/2 the Kinesis client defaults to.
const kinesis = instrument(new KinesisClient({ requestHandler: new NodeHttpHandler() }))
const encoder = new TextEncoder()

export const handler = wrap(
  (event) =>
    processBatch(event, async (record) => {
      const { postId, author } = JSON.parse(JSON.parse(record.body).Message)
      logger.info({ postId, author }, 'distributing post')
      const { body } = await http.get(`${process.env.RELATIONSHIPS_URL}/users/${author}/followers`)
      const batches = []
      for (let i = 0; i < body.followers.length; i += FOLLOWERS_PER_RECORD)
        batches.push(body.followers.slice(i, i + FOLLOWERS_PER_RECORD))
      const Records = batches.map((followers) => ({
        Data: encoder.encode(JSON.stringify({ postId, author, followers })),
        PartitionKey: author,
      }))
      if (Records.length > 0)
        await kinesis.send(new PutRecordsCommand({ StreamName: process.env.STREAM_NAME, Records }))
      metrics.histogram('post.followers', body.followers.length)
      logger.info({ followers: body.followers.length, records: Records.length }, 'fan-out queued')
    }),
  { plugins: [metrics.plugin(), xrayPlugin()] },
)
