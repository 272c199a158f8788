// A long-running service (not Lambda) using the BUILT package, for test/periodic.test.ts:
// `node app.mjs <endpoint> beforeExit|sigterm`.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { createMetrics } from '@sightline/metrics'
import { putMetricData } from '@sightline/metrics/cloudwatch'

const [endpoint, mode] = process.argv.slice(2)
const client = new CloudWatchClient({
  endpoint,
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
  maxAttempts: 1,
})
const metrics = createMetrics({ sink: putMetricData({ namespace: 'Service', client }), tags: { mode } })
metrics.count('requests.served', 3)
metrics.histogram('request.duration', 12)

if (mode === 'sigterm') {
  // Something keeps the service alive (a server would); SIGTERM is how the platform stops it.
  setInterval(() => {}, 60_000)
  process.kill(process.pid, 'SIGTERM')
}
