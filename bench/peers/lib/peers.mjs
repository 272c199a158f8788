// The rows of the benchmark. `roots` are the packages a user installs for the handler (what the package
// count starts from); `needs` are the Sightline packages whose dist must be built for the row to run.
const core = ['correlation', 'logger', 'handler-wrapper']
const sightlineRoots = ['@sightline/correlation', '@sightline/logger', '@sightline/handler-wrapper']

export const peers = [
  { id: 'bare', title: 'bare handler (baseline)', file: 'bare.mjs', roots: [], does: 'returns 200' },
  {
    id: 'pino',
    title: 'raw pino, sync destination',
    file: 'pino.mjs',
    roots: ['pino'],
    does: '1 line, IDs by hand',
    expects: { line: true, ids: true },
  },
  {
    id: 'powertools-middy',
    title: 'Powertools Logger+Metrics+Tracer, middy',
    file: 'powertools-middy.mjs',
    roots: [
      '@aws-lambda-powertools/logger',
      '@aws-lambda-powertools/metrics',
      '@aws-lambda-powertools/tracer',
      '@middy/core',
    ],
    does: '1 line + 1 metric (+ cold-start metric), tracing off',
    expects: { line: true, ids: true, metric: 'ordersPlaced' },
  },
  {
    id: 'powertools-manual',
    title: 'Powertools Logger+Metrics+Tracer, manual API',
    file: 'powertools-manual.mjs',
    roots: [
      '@aws-lambda-powertools/logger',
      '@aws-lambda-powertools/metrics',
      '@aws-lambda-powertools/tracer',
    ],
    does: '1 line + 1 metric (+ cold-start metric), tracing off',
    expects: { line: true, ids: true, metric: 'ordersPlaced' },
  },
  {
    id: 'dazn',
    title: 'dazn-lambda-powertools logger + correlation-ids, middy 2',
    file: 'dazn.mjs',
    // The middleware requires aws-sdk (v2) without declaring it: a user has to install it.
    roots: [
      '@dazn/lambda-powertools-logger',
      '@dazn/lambda-powertools-middleware-correlation-ids',
      'middy2',
      'aws-sdk',
    ],
    does: '1 line (no metrics API)',
    expects: { line: true, ids: true },
  },
  {
    id: 'sentry',
    title: '@sentry/aws-serverless wrapHandler + raw pino',
    file: 'sentry.mjs',
    roots: ['@sentry/aws-serverless', 'pino'],
    does: '1 pino line, IDs by hand; Sentry on',
    expects: { line: true, ids: true },
  },
  {
    id: 'emf',
    title: 'aws-embedded-metrics metricScope',
    file: 'emf.mjs',
    roots: ['aws-embedded-metrics'],
    does: '1 metric (its EMF line carries the IDs)',
    expects: { ids: true, metric: 'ordersPlaced' },
  },
  {
    id: 'sightline-core',
    title: 'Sightline wrap() + logger (core only)',
    file: 'core.mjs',
    roots: sightlineRoots,
    needs: core,
    does: '1 line, IDs captured by wrap()',
    expects: { line: true, ids: true },
  },
  {
    id: 'sightline',
    title: 'Sightline wrap() + logger + metrics',
    file: 'sightline.mjs',
    roots: [...sightlineRoots, '@sightline/metrics'],
    needs: [...core, 'metrics'],
    does: '1 line + 1 metric line (+ cold-start metric)',
    expects: { line: true, ids: true, metric: 'orders.placed' },
  },
  {
    id: 'sightline-sentry',
    title: 'Sightline wrap() + logger + metrics + Sentry plugin',
    file: 'sightline-sentry.mjs',
    roots: [...sightlineRoots, '@sightline/metrics', '@sightline/sentry-lambda', '@sentry/node'],
    needs: [...core, 'metrics', 'sentry-lambda'],
    does: 'as above; Sentry configured, loaded at first capture',
    expects: { line: true, ids: true, metric: 'orders.placed' },
  },
]

export const errorPeers = [
  { id: 'bare-throw', title: 'bare handler, throwing (baseline)', file: 'bare-throw.mjs', delivers: false },
  {
    id: 'sentry-throw',
    title: '@sentry/aws-serverless wrapHandler, throwing',
    file: 'sentry-throw.mjs',
    delivers: true,
  },
  {
    id: 'sightline-sentry-throw',
    title: 'Sightline wrap() + Sentry plugin, throwing',
    file: 'sightline-sentry-throw.mjs',
    needs: [...core, 'metrics', 'sentry-lambda'],
    delivers: true,
  },
]
