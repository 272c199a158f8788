// The part of `@sentry/node` the plugin uses, by name: `@sentry/node` is side-effect free, so a bundler
// that follows the plugin's lazy import of this module keeps only what these reach (about half the SDK:
// no tracing integrations). Loaded at the first capture, or at construction with `eager`.
export {
  getClient,
  getDefaultIntegrationsWithoutPerformance,
  getGlobalScope,
  initWithoutDefaultIntegrations,
  linkedErrorsIntegration,
  makeNodeTransport,
  withIsolationScope,
  withScope,
} from '@sentry/node'
