import { createHook } from 'node:async_hooks'
import { type FakeContextOptions, fakeContext } from '@sightline/testing'

export const TRACE_ROOT = '1-5759e988-bd862e3fe1be46a994272793'
export const TRACE_HEADER = `Root=${TRACE_ROOT};Parent=53995c3f42cd8ad8;Sampled=1`

/** An API Gateway REST event carrying correlation IDs and secrets the redaction must catch. */
export const apiEvent = (id = 'corr-1', headers: Record<string, string> = {}) => ({
  httpMethod: 'POST',
  path: '/orders',
  requestContext: { requestId: `apigw-${id}` },
  headers: {
    'X-Correlation-Id': id,
    'X-Correlation-User-Id': `user-of-${id}`,
    'X-Amzn-Trace-Id': TRACE_HEADER,
    Authorization: 'Bearer secret-token',
    Cookie: 'session=s3cr3t',
    ...headers,
  },
  body: '{"password":"hunter2"}',
})

export const lambdaContext = (options: FakeContextOptions = {}) =>
  fakeContext({
    functionName: 'orders',
    functionVersion: '7',
    memoryLimitInMB: 512,
    logStreamName: '2026/11/22/[7]abcdef',
    xRayTraceId: TRACE_HEADER,
    ...options,
  })

/**
 * What `fn` leaves running: the TCP sockets of the process (the receiver runs in another one) and the
 * timers created during `fn` still pending when it settles. The test runner's own timers are left out.
 */
export async function leftBehind<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; sockets: number; timers: string[] }> {
  const created: Array<{ timer: Timeout; stack: string }> = []
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      if (type !== 'Timeout') return
      const stack = new Error().stack ?? ''
      if (!stack.includes('@vitest')) created.push({ timer: resource as Timeout, stack })
    },
  }).enable()
  try {
    const value = await fn()
    const sockets = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length
    const timers = created
      .filter(({ timer }) => !(timer as Timeout & { _destroyed: boolean })._destroyed && timer.hasRef())
      .map(({ stack }) => stack)
    return { value, sockets, timers }
  } finally {
    hook.disable()
  }
}

type Timeout = ReturnType<typeof setTimeout>
