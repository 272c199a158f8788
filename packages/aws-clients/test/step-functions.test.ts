import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn'
import { createContext, withContext } from '@sightline/correlation'
import { wrap } from '@sightline/handler-wrapper'
import { logger } from '@sightline/logger'
import { captureLogs, fakeContext } from '@sightline/testing'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { instrument } from '../src/index.js'
import { clientConfig, upstream } from './helpers/clients.js'
import { type Recorder, startRecorder } from './helpers/recorder.js'

const ROOT = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'

let recorder: Recorder
let sfn: SFNClient

beforeAll(async () => {
  recorder = await startRecorder(() => ({
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: JSON.stringify({ executionArn: 'arn:aws:states:eu-west-1:1:execution:m:e', startDate: 1.7e9 }),
  }))
  sfn = instrument(new SFNClient(clientConfig(recorder.endpoint)))
})

afterAll(async () => {
  sfn.destroy()
  await recorder.close()
})

beforeEach(() => {
  recorder.requests.length = 0
})

type Sent = { input?: string; traceHeader?: string }
const sent = (): Sent[] => recorder.requests.map((r) => JSON.parse(r.body) as Sent)
const start = (input: Partial<Sent>, traceHeader = ROOT) =>
  withContext(createContext({ ids: upstream, traceHeader }), () =>
    sfn.send(
      new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:eu-west-1:1:stateMachine:m', ...input }),
    ),
  )

describe('Step Functions StartExecution', () => {
  it('puts the envelope in the JSON input and the trace header in traceHeader; a task Lambda logs the IDs', async () => {
    await start({ input: '{"orderId":"ORD-1"}' })
    const [body] = sent()
    expect(body?.traceHeader).toBe(ROOT)
    expect(body?.input).toMatch(
      /^\{"__context__":\{"x-correlation-id":"corr-from-api-17",.*\},"orderId":"ORD-1"\}$/,
    )

    const task = wrap(async (event: { orderId: string }) => {
      logger.info({ orderId: event.orderId }, 'task ran')
    })
    const logs = captureLogs()
    try {
      await task(JSON.parse(body!.input!), fakeContext())
    } finally {
      logs.restore()
    }
    expect(logs.find((l) => l.msg === 'task ran')).toMatchObject({ ...upstream, orderId: 'ORD-1' })
  })

  it('gives an execution without input an envelope of its own, and leaves non-object input alone', async () => {
    await start({})
    await start({ input: '[1,2]', traceHeader: 'Root=1-00000000-000000000000000000000000' })
    const [none, array] = sent()
    expect(JSON.parse(none!.input!)).toEqual({
      __context__: { ...upstream, 'debug-log-enabled': 'false', 'call-chain-length': '1' },
    })
    expect(array).toMatchObject({ input: '[1,2]', traceHeader: 'Root=1-00000000-000000000000000000000000' })
  })

  it('starts an execution whose input is at the 256 KiB limit with the input as given', async () => {
    const input = JSON.stringify({ blob: 'b'.repeat(262_144 - 60) })
    await start({ input })
    expect(sent()[0]?.input).toBe(input)
    expect(sent()[0]?.traceHeader).toBe(ROOT) // the trace header has its own field: still sent
  })

  it('leaves Lineage out of a trace header longer than the 256 characters Step Functions takes', async () => {
    await start({ input: '{}' }, `${ROOT};Lineage=${'a1b2c3d4:1|'.repeat(20)}0`)
    expect(sent()[0]?.traceHeader).toBe(ROOT)
  })
})
