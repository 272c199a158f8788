import { createServer } from 'node:http'
import { correlation, errorLogger } from '@sightline/handler-wrapper/express'
import { createLogger } from '@sightline/logger'
import { xrayMiddleware } from '@sightline/xray'
import express from 'express'
import { close, listen } from '../receivers/listen.js'
import type { Service } from './api.js'

/** Who follows whom. mallory's feed is broken on purpose (see functions/add-to-feed.mjs). */
export const FOLLOWERS: Readonly<Record<string, readonly string[]>> = {
  alice: ['bob', 'carol', 'dave', 'mallory', 'erin'],
  bob: ['alice', 'carol'],
}

/** `GET /users/:id/followers`: the relationship service the distribute function asks. */
export async function startRelationshipService(daemonAddress: string): Promise<Service> {
  const log = createLogger({ service: 'relationship-service' })
  const app = express()
  app.use(correlation({ logger: log }))
  app.use(xrayMiddleware({ name: 'relationship-service', sampleRate: 1, enabled: true, daemonAddress }))
  app.get('/users/:id/followers', (req, res) => {
    const followers = FOLLOWERS[req.params.id] ?? []
    log.info({ user: req.params.id, followers: followers.length }, 'followers listed')
    res.json({ followers })
  })
  app.use(errorLogger({ logger: log }))
  const server = createServer(app)
  const url = await listen(server)
  return { url, close: () => close(server) }
}
