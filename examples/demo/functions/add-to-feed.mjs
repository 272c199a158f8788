// add-to-feed: consumes the fan-out records from Kinesis and adds the post to each follower's feed.
// mallory's feed store is down on purpose: the record holding her fails, goes to Sentry with its IDs and
// is reported in batchItemFailures, while the other records succeed.
import { processBatch, wrap } from '@sightline/handler-wrapper'
import { logger } from '@sightline/logger'
import { createMetrics } from '@sightline/metrics'
import { sentry } from '@sightline/sentry-lambda'
import { traced, xrayPlugin } from '@sightline/xray'

class FeedUnavailableError extends Error {
  name = 'FeedUnavailableError'
}

const BROKEN_FEEDS = new Set(['mallory'])
const feeds = new Map()
const metrics = createMetrics()
const errors = sentry() // SENTRY_DSN from the environment
// Loading @sentry/node during init keeps its ~1 s load out of the first failing invocation.
await errors.load()

export const handler = wrap(
  (event) =>
    processBatch(event, async (record) => {
      const { postId, followers } = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8'))
      // The record brought its producer's trace header (in the Kinesis envelope): this step shows up in the
      // trace of the request that wrote it, not only in this invocation's own.
      await traced('add to feeds', () => {
        logger.info({ postId, followers }, 'adding to feeds')
        const broken = followers.find((f) => BROKEN_FEEDS.has(f))
        if (broken !== undefined) throw new FeedUnavailableError(`the feed store of ${broken} is unavailable`)
        for (const follower of followers) feeds.set(follower, [postId, ...(feeds.get(follower) ?? [])])
        metrics.count('feed.items.added', followers.length)
        logger.info({ postId, added: followers.length }, 'feeds updated')
      })
    }),
  { plugins: [metrics.plugin(), xrayPlugin(), errors], flushBudgetMs: 5000 },
)
