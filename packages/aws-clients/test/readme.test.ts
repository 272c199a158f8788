import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import { codes } from '@sightline/correlation'
import { apiGatewayV1Event, fakeContext } from '@sightline/testing'
import { startFauxqs } from 'fauxqs'
import { afterAll, describe, expect, it } from 'vitest'
import { readmeOf } from '../../../tools/test-helpers/readme.js'
import { awsLimits, instrumentedOperations } from '../src/index.js'
import { clientConfig, REGION, upstream } from './helpers/clients.js'

const { text: readme, section } = readmeOf(import.meta.url)
// Inside the package, so the example's own imports (@aws-sdk/client-sns) resolve as a user's would.
const dir = mkdtempSync(join(new URL('../node_modules/', import.meta.url).pathname, '.readme-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Rows of the first table after `heading` (a line of the README), cells trimmed and unquoted. */
function tableAfter(heading: string): string[][] {
  const lines = readme.slice(readme.indexOf(heading)).split('\n')
  const start = lines.findIndex((l) => l.startsWith('|'))
  const rows: string[][] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim().replace(/^`|`$/g, '')),
    )
  }
  return rows
}

describe('README', () => {
  it('has a usage example of at most 15 lines that publishes with the request’s IDs', async () => {
    const code = section('Usage').match(/```ts\n([\s\S]*?)```/)?.[1]
    expect(code?.trimEnd().split('\n').length).toBeLessThanOrEqual(15)
    const fauxqs = await startFauxqs({ port: 0, logger: false })
    const { topicArn } = fauxqs.createTopic('orders', { region: REGION })
    const { queueUrl } = fauxqs.createQueue('q', { region: REGION })
    fauxqs.subscribe({
      topic: 'orders',
      queue: 'q',
      region: REGION,
      attributes: { RawMessageDelivery: 'true' },
    })
    // The example builds its client from the environment, as on Lambda.
    const env = {
      AWS_ENDPOINT_URL: fauxqs.address,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      TOPIC_ARN: topicArn,
    }
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
    Object.assign(process.env, env)
    const sqs = new SQSClient(clientConfig(fauxqs.address))
    try {
      const file = join(dir, 'usage.ts')
      writeFileSync(file, code!)
      const { handler } = await import(/* @vite-ignore */ file)
      await handler(
        apiGatewayV1Event({ method: 'POST', body: '{"n":1}', correlation: upstream }),
        fakeContext(),
      )
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ['All'] }),
      )
      expect(Messages[0]?.Body).toBe('{"n":1}')
      expect(Messages[0]?.MessageAttributes?.['x-correlation-id']?.StringValue).toBe(
        upstream['x-correlation-id'],
      )
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
      sqs.destroy()
      await fauxqs.stop()
    }
  })

  it('documents every limit with its value', () => {
    const rows = Object.fromEntries(tableAfter('### Limits').map(([name, value]) => [name, Number(value)]))
    expect(rows).toEqual({ ...awsLimits })
  })

  it('documents every instrumented operation', () => {
    const rows = Object.fromEntries(
      tableAfter('| service (`serviceId`)').map(([service, ops]) => [service, ops!.split(', ')]),
    )
    expect(rows).toEqual(instrumentedOperations)
  })

  it('documents exactly the error codes this package throws', () => {
    const documented = tableAfter('## Errors').map(([code]) => code)
    expect(documented).toEqual([codes.INVALID_OPTION])
  })
})
