import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { bodyOf, close, listen } from './listen.js'

// A local CloudWatch endpoint for PutMetricData as @aws-sdk/client-cloudwatch sends it: JSON 1.0 with
// `X-Amz-Target: GraniteServiceVersion20100801.PutMetricData`, bodies of 10 KiB and more gzip-encoded.

export interface Datum {
  readonly MetricName: string
  readonly Dimensions?: ReadonlyArray<{ readonly Name: string; readonly Value: string }>
  readonly Timestamp?: number
  readonly Value?: number
  readonly Values?: readonly number[]
  readonly Counts?: readonly number[]
  readonly Unit?: string
}

export interface PutMetricData {
  readonly namespace: string
  readonly data: readonly Datum[]
}

export interface CloudWatchReceiver {
  readonly url: string
  /** Every PutMetricData request, in arrival order. */
  readonly requests: readonly PutMetricData[]
  close(): Promise<void>
}

const TARGET = 'GraniteServiceVersion20100801.PutMetricData'

export async function startCloudWatch(): Promise<CloudWatchReceiver> {
  const requests: PutMetricData[] = []
  const server = createServer(async (req, res) => {
    const raw = await bodyOf(req)
    const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() }
    let body: { Namespace?: unknown; MetricData?: unknown }
    try {
      body = JSON.parse((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'))
    } catch {
      body = {}
    }
    if (req.headers['x-amz-target'] !== TARGET || !Array.isArray(body.MetricData)) {
      res.writeHead(400, { ...headers, 'x-amzn-query-error': 'InvalidParameterValue;Sender' })
      res.end(JSON.stringify({ __type: '#InvalidParameterValueException', message: 'not PutMetricData' }))
      return
    }
    requests.push({ namespace: String(body.Namespace), data: body.MetricData as Datum[] })
    res.writeHead(200, headers).end('{}')
  })
  const url = await listen(server)
  return { url, requests, close: () => close(server) }
}
