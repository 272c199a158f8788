// create-post: behind API Gateway. Stores nothing (a demo); publishes `post-created` to SNS.
// Loaded by the official Lambda runtime client: it imports the BUILT packages, as a deployed function does.
import { randomUUID } from 'node:crypto'
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns'
import { instrument } from '@sightline/aws-clients'
import { setCorrelationId } from '@sightline/correlation'
import { wrap } from '@sightline/handler-wrapper'
import { logger } from '@sightline/logger'
import { createMetrics } from '@sightline/metrics'
import { xrayPlugin } from '@sightline/xray'

const metrics = createMetrics()
// The endpoint comes from AWS_ENDPOINT_URL_SNS: the same code runs against AWS.
const sns = instrument(new SNSClient({}))

export const handler = wrap(
  async (event) => {
    const { author, text } = JSON.parse(event.body ?? '{}')
    const postId = `post-${randomUUID().slice(0, 8)}`
    // From here on, every line, message and call of this request carries x-correlation-post-id.
    setCorrelationId('post-id', postId)
    logger.info({ author, length: text?.length ?? 0 }, 'creating post')
    const message = { type: 'post-created', postId, author, text }
    await sns.send(new PublishCommand({ TopicArn: process.env.TOPIC_ARN, Message: JSON.stringify(message) }))
    metrics.count('posts.created')
    logger.info({ postId }, 'post-created published')
    return {
      statusCode: 201,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ postId }),
    }
  },
  { plugins: [metrics.plugin(), xrayPlugin()] },
)
