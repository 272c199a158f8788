import type { IncomingMessage, ServerResponse } from 'node:http'
import { tryGetContext } from '@sightline/correlation'
import { captureError } from './capture.js'
import { resolveSettings, type SentryOptions } from './options.js'
import { createPlugin, type SentryPlugin } from './plugin.js'
import { requestOfHttp } from './request.js'
import { lastEventId, state } from './state.js'

/** What the error handler reads of Express's `req` (structural: neither express nor its types needed). */
export type RequestLike = IncomingMessage & { readonly originalUrl?: string }
export type ErrorMiddleware = (
  err: unknown,
  req: RequestLike,
  res: ServerResponse,
  next: (err?: unknown) => void,
) => void

export interface SentryService {
  /** The same Sentry as a `wrap()` plugin, for the service's Lambda entry points, if any. */
  readonly plugin: SentryPlugin
  /**
   * An Express error middleware: captures each server error once (not a 4xx `status`/`statusCode`) with the
   * request's correlation IDs and its method, path and redacted headers, then `next(err)` with the same
   * error. Mount it after the routes, before `errorLogger()` and your own error handler.
   */
  errorHandler(): ErrorMiddleware
  /** Waits for what is in flight, up to `timeoutMs` (on shutdown). Resolves whether everything was sent. */
  flush(timeoutMs?: number): Promise<boolean>
}

const EXPRESS_MECHANISM = 'auto.middleware.sightline.express'

/**
 * Sentry for a long-running Express service: loads `@sentry/node` now (`eager` defaults to true:
 * start-up time is cheap on a server, and Sentry's http integration then gives each request its own scope
 * and breadcrumbs). Events are sent in the background; nothing waits on a request.
 */
export function initSentry(options: SentryOptions = {}): SentryService {
  const settings = resolveSettings({ ...options, eager: options.eager ?? true })
  const plugin = createPlugin(settings)
  const enabled = settings.dsn !== undefined
  return {
    plugin,
    errorHandler: () =>
      function sentryErrorHandler(err, req, _res, next) {
        try {
          const status = statusOfError(err)
          if (enabled && !(status !== undefined && status >= 400 && status < 500)) {
            const request = requestOfHttp(req)
            captureError(err, tryGetContext(), undefined, settings, EXPRESS_MECHANISM, request)
          }
        } catch {
          // Reporting must not replace the app's error with another one.
        }
        next(err)
      },
    async flush(timeoutMs = 2000) {
      const runtime = state.runtime
      if (runtime === undefined) return true
      return runtime.client.flush(timeoutMs)
    },
  }
}

/** The event id Sentry got for `error`, when it was captured: for a final handler or a log line. */
export function sentryEventIdOf(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined
  return lastEventId(error)
}

function statusOfError(err: unknown): number | undefined {
  if (err === null || typeof err !== 'object') return undefined
  const { status, statusCode } = err as { status?: unknown; statusCode?: unknown }
  const s = typeof status === 'number' ? status : statusCode
  return typeof s === 'number' ? s : undefined
}
