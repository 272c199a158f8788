import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import { createContext, withContext } from '@sightline/correlation'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { getAwsClientDiagnostics, instrument, resetAwsClientDiagnostics } from '../src/index.js'
import { clientConfig, upstream } from './helpers/clients.js'
import { warningsOf } from './helpers/consumer.js'
import { type Recorder, startSqsRecorder } from './helpers/recorder.js'

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/1/q'
const ten = Object.fromEntries(
  Array.from({ length: 10 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]),
)
const full = { QueueUrl: QUEUE, MessageBody: 'b', MessageAttributes: ten }
const big = { QueueUrl: QUEUE, MessageBody: 'x'.repeat(262_100) }

let recorder: Recorder
beforeAll(async () => {
  recorder = await startSqsRecorder()
})
afterAll(() => recorder.close())
beforeEach(() => resetAwsClientDiagnostics())

describe('skipped injections', () => {
  it('are counted every time and warned about once per reason', async () => {
    const sqs = instrument(new SQSClient(clientConfig(recorder.endpoint)))
    const warnings = await warningsOf(() =>
      withContext(createContext({ ids: upstream }), async () => {
        for (const input of [full, big, full, big]) await sqs.send(new SendMessageCommand(input))
      }),
    )
    sqs.destroy()
    expect(warnings).toMatchObject([
      {
        reason: 'attributes-full',
        operation: 'SendMessage',
        'x-correlation-id': upstream['x-correlation-id'],
      },
      { reason: 'too-large', operation: 'SendMessage' },
    ])
    expect(getAwsClientDiagnostics()).toEqual({
      'attributes-full': 2,
      'too-large': 2,
      'unreadable-client-context': 0,
      failed: 0,
      'trace-failed': 0,
    })
    resetAwsClientDiagnostics()
    expect(getAwsClientDiagnostics()['too-large']).toBe(0)
  })

  it('go to the logger given, and a logger that throws fails nothing', async () => {
    const seen: Array<[Record<string, unknown>, string]> = []
    const listening = instrument(new SQSClient(clientConfig(recorder.endpoint)), {
      logger: { warn: (fields, message) => void seen.push([fields, message]) },
    })
    const broken = instrument(new SQSClient(clientConfig(recorder.endpoint)), {
      logger: {
        warn: () => {
          throw new Error('logger down')
        },
      },
    })
    await withContext(createContext({ ids: upstream }), async () => {
      await expect(broken.send(new SendMessageCommand(full))).resolves.toMatchObject({ MessageId: 'm-1' })
      resetAwsClientDiagnostics()
      await listening.send(new SendMessageCommand(full))
    })
    listening.destroy()
    broken.destroy()
    expect(seen).toEqual([
      [
        { reason: 'attributes-full', operation: 'SendMessage' },
        'sightline: a message already has the 10 attributes SNS/SQS allow; sent without correlation IDs',
      ],
    ])
  })
})
