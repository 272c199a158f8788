// Wrapped handlers run by test/runtime.test.ts under the official runtime client. They import the
// built packages (dist), as a deployed function would.
import { setCorrelationId } from '@sightline/correlation'
import { wrap } from '@sightline/handler-wrapper'
import { correlate, createClient } from '@sightline/http-client/superagent'
import superagent from 'superagent'

const api = `http://${process.env.AWS_LAMBDA_RUNTIME_API}`
// Module scope, as users write it: one agent for the life of the process, reused by every invocation.
const http = createClient()

export const handler = wrap(async (event) => {
  if (event.barrier) {
    const { name, parties } = event.barrier
    await fetch(`${api}/_test/barrier/${name}?parties=${parties}&timeoutMs=20000`).then((r) => r.json())
  }
  const viaClient = await http.get(`${event.downstream}/via-client`).query({ n: event.n })
  setCorrelationId('step', `after-${event.n}`)
  const viaPlugin = await superagent
    .post(`${event.downstream}/via-plugin`)
    .query({ n: event.n })
    .send({ n: event.n })
    .use(correlate())
  return { statuses: [viaClient.status, viaPlugin.status] }
})
