import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { invalidOption, tryGetContext } from '@sightline/correlation'
import { recordedUrl } from './documents.js'
import { enableTracing } from './enable.js'
import { getHook } from './hook.js'
import type { TracingOptions } from './options.js'
import { sampler } from './sampler.js'

/** Node's request plus Express's `originalUrl`: structural, so neither express nor its types are needed. */
export type XrayRequest = IncomingMessage & { readonly originalUrl?: string }
export type XrayMiddleware = (req: XrayRequest, res: ServerResponse, next: (err?: unknown) => void) => void

export interface XrayMiddlewareOptions extends TracingOptions {
  /** The segment's name (the service in the X-Ray map). Default: `AWS_XRAY_TRACING_NAME`, else `service`. */
  readonly name?: string
  /** Share of requests traced when the caller sent no `Sampled=0|1`, after the first of each second. */
  readonly sampleRate?: number
}

/**
 * An X-Ray segment per request for Express (or any `(req, res, next)` server), mounted right after
 * `correlation()`: Root and Parent from the inbound `x-amzn-trace-id`, a new Root otherwise. Calls made
 * while handling the request are its subsegments and carry `Parent=<their id>` downstream. Under `wrap()`
 * on Lambda it does nothing: Lambda's function segment is the parent there.
 */
export function xrayMiddleware(options: XrayMiddlewareOptions = {}): XrayMiddleware {
  if (options === null || typeof options !== 'object') invalidOption('options', 'an object', options)
  const { sampleRate = 0.05, env = process.env } = options
  const name = options.name ?? (env.AWS_XRAY_TRACING_NAME || 'service')
  if (typeof name !== 'string' || name === '') invalidOption('name', 'a non-empty string', name)
  if (typeof sampleRate !== 'number' || !(sampleRate >= 0 && sampleRate <= 1))
    invalidOption('sampleRate', 'a number from 0 to 1', sampleRate)
  if (!enableTracing({ ...options, env })) return passThrough
  const sample = sampler(sampleRate)

  return function sightlineXray(req, res, next) {
    const context = tryGetContext()
    const hook = getHook()
    // Not under correlation(), or a Lambda invocation's context (serverless-http): nothing of ours to open.
    if (hook === undefined || context === undefined || context.source !== 'http') return next()
    const segment = hook.startSegment({
      name,
      context,
      method: req.method ?? 'GET',
      url: urlOf(req),
      sample,
    })
    if (segment === undefined) return next()
    res.once('close', () => segment.end({ status: res.statusCode }))
    segment.run(next)
  }
}

const passThrough: XrayMiddleware = (_req, _res, next) => next()

function urlOf(req: XrayRequest): string {
  const forwarded = req.headers['x-forwarded-proto']
  const proto =
    typeof forwarded === 'string' && /^https?$/i.test(forwarded)
      ? forwarded.toLowerCase()
      : (req.socket as TLSSocket | null)?.encrypted
        ? 'https'
        : 'http'
  const host = typeof req.headers.host === 'string' ? req.headers.host : 'localhost'
  return recordedUrl(`${proto}://${host}${req.originalUrl ?? req.url ?? '/'}`)
}
