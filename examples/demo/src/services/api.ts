import { createServer } from 'node:http'
import { setCorrelationId } from '@sightline/correlation'
import { correlation, errorLogger } from '@sightline/handler-wrapper/express'
import { createClient } from '@sightline/http-client/superagent'
import { createLogger } from '@sightline/logger'
import { createMetrics } from '@sightline/metrics'
import { xrayMiddleware } from '@sightline/xray'
import express, { type NextFunction, type Request, type Response } from 'express'
import { close, listen } from '../receivers/listen.js'

export interface Service {
  readonly url: string
  close(): Promise<void>
}

/**
 * The public API: `POST /posts` with an optional `x-correlation-id` and the caller's `x-user-id`, which
 * becomes the `user-id` correlation id of everything downstream. It creates the post by calling the
 * create-post function over HTTP.
 */
export async function startApiService(createPostUrl: string, daemonAddress: string): Promise<Service> {
  const log = createLogger({ service: 'api-service' })
  const metrics = createMetrics({ tags: { service: 'api-service' } })
  const http = createClient({ hosts: ['127.0.0.1'] })
  const app = express()
  app.use(correlation({ logger: log }))
  // A demo samples every request; the default is the first of each second, then 5 %.
  app.use(xrayMiddleware({ name: 'api-service', sampleRate: 1, enabled: true, daemonAddress }))
  app.use(express.json())
  app.post('/posts', async (req, res, next) => {
    try {
      const author = req.get('x-user-id')
      if (author !== undefined) setCorrelationId('user-id', author)
      log.info({ author }, 'new post received')
      metrics.count('posts.requested')
      const created = await http.post(createPostUrl).send({ author, text: req.body?.text })
      log.info({ postId: created.body.postId }, 'post accepted')
      res.status(201).json(created.body)
    } catch (error) {
      next(error)
    }
  })
  app.use(errorLogger({ logger: log }))
  // Answers for itself: Express's default handler would also print the error on the demo's stderr.
  app.use(
    (error: { status?: number; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
      res.status(error.status ?? 500).json({ message: error.message })
    },
  )
  const server = createServer(app)
  const url = await listen(server)
  return {
    url,
    async close() {
      await close(server)
      await metrics.close()
    },
  }
}
