// Wrapped handlers run by test/runtime.test.ts under the official runtime client. They import the built
// packages (dist), as a deployed function would.
import { createRequire } from 'node:module'
import { correlationIds, getContext } from '@sightline/correlation'
import { wrap } from '@sightline/handler-wrapper'
import { startCall, traced, xrayPlugin } from '@sightline/xray'

const api = `http://${process.env.AWS_LAMBDA_RUNTIME_API}`

// An outgoing call as http-client makes it once patched: the hook's header (else the context's, as today),
// then end() with the status.
async function call(url) {
  const traced = startCall({ kind: 'http', name: '127.0.0.1', http: { method: 'GET', url } })
  const trace = { 'x-amzn-trace-id': traced?.traceHeader ?? getContext().traceHeader }
  const res = await fetch(url, { headers: { ...correlationIds(), ...trace } })
  await res.arrayBuffer()
  traced?.end({ status: res.status })
  return res.status
}

export const handler = wrap(
  async (event) => {
    if (event.barrier) {
      const { name, parties } = event.barrier
      await fetch(`${api}/_test/barrier/${name}?parties=${parties}&timeoutMs=20000`).then((r) => r.json())
    }
    const paid = await traced('checkout', () => call(`${event.downstream}/pay?n=${event.n}`), {
      annotations: { order: event.n },
    })
    const stocked = await call(`${event.downstream}/stock?n=${event.n}`)
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((m) =>
      m.includes('aws-xray-sdk-core'),
    )
    return { statuses: [paid, stocked], sdkModules: loaded.length }
  },
  { plugins: [xrayPlugin()] },
)
