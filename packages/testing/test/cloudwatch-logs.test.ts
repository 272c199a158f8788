import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { cloudWatchLogsEvent } from '../src/cloudwatch-logs.js'
import { fixture, shapeDiff } from './helpers.js'

const decode = (data: string) => JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8'))

describe('cloudWatchLogsEvent', () => {
  it('gzips and base64-encodes the batch like the sample', () => {
    const sample = fixture('cloudWatchLogEvent.json')
    const event = cloudWatchLogsEvent({
      logGroup: 'testLogGroup',
      logStream: 'testLogStream',
      owner: '123456789123',
      subscriptionFilters: ['testFilter'],
      messages: [
        { id: 'eventId1', timestamp: 1440442987000, message: '[ERROR] First test message' },
        { id: 'eventId2', timestamp: 1440442987001, message: '[ERROR] Second test message' },
      ],
    })
    expect(shapeDiff(event, sample)).toEqual({ extra: [], missing: [] })
    expect(decode(event.awslogs.data)).toEqual(decode(sample.awslogs.data))
  })

  it('fills in ids and timestamps for plain messages', () => {
    const before = Date.now()
    const event = cloudWatchLogsEvent({
      logGroup: '/aws/lambda/fn',
      logStream: 's',
      messages: ['one', 'two'],
    })
    const decoded = decode(event.awslogs.data)
    expect(decoded).toMatchObject({ messageType: 'DATA_MESSAGE', logGroup: '/aws/lambda/fn', logStream: 's' })
    expect(decoded.logEvents.map((e: { message: string }) => e.message)).toEqual(['one', 'two'])
    for (const e of decoded.logEvents) {
      expect(e.id).toMatch(/^\d{56}$/)
      expect(e.timestamp).toBeGreaterThanOrEqual(before)
    }
    expect(decoded.logEvents[0].id < decoded.logEvents[1].id).toBe(true)
  })
})
