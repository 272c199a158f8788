import { randomUUID } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'
import { CloudWatchClient, type CloudWatchClientConfig } from '@aws-sdk/client-cloudwatch'

// A CloudWatch endpoint speaking what @aws-sdk/client-cloudwatch 3.11xx speaks: JSON 1.0 with
// `X-Amz-Target: GraniteServiceVersion20100801.PutMetricData`, bodies ≥ 10 KiB gzip-encoded, errors with
// the query-compatibility header. It enforces the PutMetricData limits a real endpoint enforces, records
// what it accepted, and misbehaves on demand.

export type Mode = 'ok' | 'invalid' | 'error' | 'throttle' | 'hang'

export interface WireDatum {
  MetricName: string
  Dimensions?: Array<{ Name: string; Value: string }>
  Timestamp?: number
  Value?: number
  Values?: number[]
  Counts?: number[]
  Unit?: string
  StorageResolution?: number
}

export interface Received {
  readonly headers: IncomingHttpHeaders
  readonly gzip: boolean
  readonly bytes: number
  readonly namespace: string
  readonly data: WireDatum[]
  readonly answered: Mode | 'rejected'
}

export interface FakeCloudWatch {
  readonly url: string
  /** Every PutMetricData request, in arrival order, with how it was answered. */
  readonly requests: Received[]
  /** The datums of the requests answered 200. */
  accepted(): WireDatum[]
  /** How to answer the next requests, one mode each; 'ok' after that. */
  respond(...modes: Mode[]): void
  /** Resolves once `n` requests arrived in total. */
  waitForRequests(n: number): Promise<void>
  reset(): void
  /** A real SDK client pointed at this endpoint (one attempt, dummy credentials). */
  client(config?: CloudWatchClientConfig): CloudWatchClient
  close(): Promise<void>
}

const ASCII = /^[\x20-\x7e]*\S[\x20-\x7e]*$/

/** Why a real endpoint would answer 400 InvalidParameterValue, if it would. */
function invalid(body: { Namespace?: unknown; MetricData?: unknown }, bytes: number): string | undefined {
  if (typeof body.Namespace !== 'string' || body.Namespace === '') return 'Namespace is required'
  if (!Array.isArray(body.MetricData) || body.MetricData.length === 0) return 'MetricData is required'
  if (body.MetricData.length > 1000)
    return 'The collection MetricData must not have a size greater than 1000.'
  if (bytes > 1_000_000) return 'Request size exceeds 1000000 bytes'
  for (const d of body.MetricData as WireDatum[]) {
    if (typeof d.MetricName !== 'string' || d.MetricName.length < 1 || d.MetricName.length > 255)
      return 'MetricName'
    if ((d.Dimensions?.length ?? 0) > 30)
      return 'The collection Dimensions must not have a size greater than 30.'
    for (const { Name, Value } of d.Dimensions ?? []) {
      if (!ASCII.test(Name) || Name.length > 255 || Name.startsWith(':')) return `Dimension name ${Name}`
      if (!ASCII.test(Value) || Value.length > 1024) return `Dimension value ${Value}`
    }
    const values = d.Values ?? (d.Value === undefined ? [] : [d.Value])
    if (values.length === 0) return 'A value is required'
    if ((d.Values?.length ?? 0) > 150) return 'The collection Values must not have a size greater than 150.'
    if (d.Counts !== undefined && d.Counts.length !== d.Values?.length)
      return 'Counts and Values differ in length'
    if (values.some((v) => typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > 2 ** 360))
      return 'The value is invalid'
    if (d.StorageResolution !== undefined && d.StorageResolution !== 1 && d.StorageResolution !== 60)
      return 'StorageResolution'
  }
  return undefined
}

function answer(res: ServerResponse, status: number, body: object, queryError?: string): void {
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-requestid': randomUUID(),
  }
  if (queryError !== undefined) headers['x-amzn-query-error'] = queryError
  res.writeHead(status, headers).end(JSON.stringify(body))
}

export async function startFakeCloudWatch(): Promise<FakeCloudWatch> {
  const requests: Received[] = []
  let modes: Mode[] = []
  const waiters: Array<{ n: number; resolve: () => void }> = []
  const hanging = new Set<ServerResponse>()

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      const gzip = req.headers['content-encoding'] === 'gzip'
      const bytes = gzip ? gunzipSync(raw) : raw
      let body: { Namespace?: unknown; MetricData?: unknown } = {}
      try {
        body = JSON.parse(bytes.toString('utf8'))
      } catch {}
      const target = req.headers['x-amz-target']
      const mode = modes.shift() ?? 'ok'
      const reason =
        req.method !== 'POST' || target !== 'GraniteServiceVersion20100801.PutMetricData'
          ? `unexpected ${req.method} ${String(target)}`
          : invalid(body, bytes.length)
      const answered: Received['answered'] = reason === undefined ? mode : 'rejected'
      requests.push({
        headers: req.headers,
        gzip,
        bytes: bytes.length,
        namespace: String(body.Namespace),
        data: Array.isArray(body.MetricData) ? (body.MetricData as WireDatum[]) : [],
        answered,
      })
      for (const w of waiters.filter((w) => requests.length >= w.n)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
      if (reason !== undefined || mode === 'invalid') {
        return answer(
          res,
          400,
          {
            __type: 'com.amazonaws.cloudwatch#InvalidParameterValueException',
            message: reason ?? 'The value for parameter MetricData is invalid.',
          },
          'InvalidParameterValue;Sender',
        )
      }
      if (mode === 'throttle') {
        return answer(
          res,
          400,
          { __type: 'com.amazon.coral.availability#ThrottlingException', message: 'Rate exceeded' },
          'Throttling;Sender',
        )
      }
      if (mode === 'error') {
        return answer(
          res,
          500,
          { __type: 'com.amazonaws.cloudwatch#InternalServiceFault', message: 'Internal error' },
          'InternalServiceError;Receiver',
        )
      }
      if (mode === 'hang') {
        hanging.add(res)
        return
      }
      answer(res, 200, {})
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url,
    requests,
    accepted: () => requests.filter((r) => r.answered === 'ok').flatMap((r) => r.data),
    respond(...next) {
      modes = next
    },
    waitForRequests(n) {
      if (requests.length >= n) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ n, resolve }))
    },
    reset() {
      requests.length = 0
      modes = []
      for (const res of hanging) res.destroy()
      hanging.clear()
    },
    client: (config = {}) =>
      new CloudWatchClient({
        endpoint: url,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
        maxAttempts: 1,
        ...config,
      }),
    async close() {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
