import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda'
import { createContext, withContext } from '@sightline/correlation'
import { wrap } from '@sightline/handler-wrapper'
import { logger } from '@sightline/logger'
import { captureLogs, fakeContext } from '@sightline/testing'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { instrument, resetAwsClientDiagnostics } from '../src/index.js'
import { clientConfig, upstream } from './helpers/clients.js'
import { warningsOf } from './helpers/consumer.js'
import { type Recorder, startRecorder } from './helpers/recorder.js'

let recorder: Recorder
let lambda: LambdaClient

beforeAll(async () => {
  recorder = await startRecorder(() => ({
    headers: { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' },
    body: '{"ok":true}',
  }))
  lambda = instrument(new LambdaClient(clientConfig(recorder.endpoint)))
})

afterAll(async () => {
  lambda.destroy()
  await recorder.close()
})

beforeEach(() => {
  recorder.requests.length = 0
  resetAwsClientDiagnostics()
})

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64')
const clientContextSent = (i = 0) => {
  const header = recorder.requests[i]?.headers['x-amz-client-context']
  return typeof header === 'string' ? JSON.parse(Buffer.from(header, 'base64').toString('utf8')) : undefined
}
const ids = { ...upstream, 'debug-log-enabled': 'false', 'call-chain-length': '1' }

describe('Lambda Invoke', () => {
  it('sends the IDs in the client context, and the callee logs them', async () => {
    const payload = new TextEncoder().encode('{"orderId":"ORD-1"}')
    await withContext(createContext({ ids: upstream }), () =>
      lambda.send(new InvokeCommand({ FunctionName: 'callee', Payload: payload })),
    )
    expect(clientContextSent()).toEqual({ custom: ids })
    expect(recorder.requests[0]?.body).toBe('{"orderId":"ORD-1"}')

    const callee = wrap(async (event: { orderId: string }) => {
      logger.info({ orderId: event.orderId }, 'invoked')
    })
    const logs = captureLogs()
    try {
      await callee({ orderId: 'ORD-1' }, fakeContext({ clientContext: clientContextSent() }))
    } finally {
      logs.restore()
    }
    expect(logs.find((l) => l.msg === 'invoked')).toMatchObject({ ...upstream, orderId: 'ORD-1' })
  })

  it("merges with the caller's client context, keeping everything but stale Sightline entries", async () => {
    const given = {
      client: { app_title: 'shop' },
      env: { locale: 'en' },
      Custom: { tenant: 't-1', 'x-correlation-id': 'stale' },
    }
    await withContext(createContext({ ids: upstream }), () =>
      lambda.send(new InvokeCommand({ FunctionName: 'callee', ClientContext: b64(given) })),
    )
    expect(clientContextSent()).toEqual({ ...given, Custom: { tenant: 't-1', ...ids } })
    expect(given.Custom['x-correlation-id']).toBe('stale') // the caller's object is left as it was
  })

  it('sends an unreadable or full client context as given, with one warning each', async () => {
    const full = b64({ custom: { pad: 'p'.repeat(2600) } })
    const warnings = await warningsOf(() =>
      withContext(createContext({ ids: upstream }), async () => {
        await lambda.send(new InvokeCommand({ FunctionName: 'f', ClientContext: 'not base64 json!' }))
        await lambda.send(new InvokeCommand({ FunctionName: 'f', ClientContext: full }))
        await lambda.send(new InvokeCommand({ FunctionName: 'f', ClientContext: full }))
      }),
    )
    expect(recorder.requests.map((r) => r.headers['x-amz-client-context'])).toEqual([
      'not base64 json!',
      full,
      full,
    ])
    expect(warnings.map((w) => w.reason)).toEqual(['unreadable-client-context', 'too-large'])
  })

  it('puts the IDs in the JSON payload of an asynchronous invocation, which gets no client context', async () => {
    await withContext(createContext({ ids: upstream }), async () => {
      await lambda.send(
        new InvokeCommand({ FunctionName: 'f', InvocationType: 'Event', Payload: '{"a":1}' as never }),
      )
      await lambda.send(
        new InvokeCommand({ FunctionName: 'f', InvocationType: 'Event', Payload: '"text"' as never }),
      )
    })
    const [json, text] = recorder.requests
    expect(json?.headers['x-amz-client-context']).toBeUndefined()
    expect(JSON.parse(json!.body)).toEqual({ __context__: ids, a: 1 })
    expect(text?.body).toBe('"text"')

    const callee = wrap(async (event: { a: number }) => {
      logger.info({ a: event.a }, 'invoked')
    })
    const logs = captureLogs()
    try {
      await callee(JSON.parse(json!.body), fakeContext())
    } finally {
      logs.restore()
    }
    expect(logs.find((l) => l.msg === 'invoked')).toMatchObject({ ...upstream, a: 1 })
  })

  it('adds nothing outside a context', async () => {
    await lambda.send(new InvokeCommand({ FunctionName: 'f' }))
    expect(recorder.requests[0]?.headers['x-amz-client-context']).toBeUndefined()
  })
})
