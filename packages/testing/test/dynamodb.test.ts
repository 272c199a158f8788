import { describe, expect, it } from 'vitest'
import { dynamodbEvent } from '../src/dynamodb.js'
import { fixture, shapeDiff } from './helpers.js'

describe('dynamodbEvent', () => {
  it('has the shape of the sample event', () => {
    const event = dynamodbEvent({
      records: [
        { keys: { Id: 101 }, newImage: { Message: 'New item!', Id: 101 } },
        {
          eventName: 'MODIFY',
          keys: { Id: 101 },
          oldImage: { Message: 'New item!', Id: 101 },
          newImage: { Message: 'This item has changed', Id: 101 },
        },
      ],
    })
    expect(shapeDiff(event, fixture('dynamoStreamEvent.json'))).toEqual({ extra: [], missing: [] })
  })

  it('marshals plain values to the typed images of the sample', () => {
    const sample = fixture('dynamoStreamEvent.json')
    const event = dynamodbEvent({
      records: [{ eventName: 'INSERT', keys: { Id: 101 }, newImage: { Message: 'New item!', Id: 101 } }],
    })
    const record = event.Records[0]!
    expect(record.eventName).toBe('INSERT')
    expect(record.dynamodb?.Keys).toEqual(sample.Records[0].dynamodb.Keys)
    expect(record.dynamodb?.NewImage).toEqual(sample.Records[0].dynamodb.NewImage)
    expect(record.dynamodb).not.toHaveProperty('OldImage')
  })

  it('marshals every DynamoDB type', () => {
    const [record] = dynamodbEvent({
      records: [
        {
          keys: { pk: 'a' },
          newImage: {
            s: 'x',
            n: 1.5,
            big: 12345678901234567890n,
            b: true,
            nul: null,
            bin: new Uint8Array([1, 2]),
            list: ['x', 1],
            map: { nested: { deep: 'y' } },
            ss: new Set(['a', 'b']),
            ns: new Set([1, 2]),
            skipped: undefined,
          },
        },
      ],
    }).Records
    expect(record!.dynamodb?.NewImage).toEqual({
      s: { S: 'x' },
      n: { N: '1.5' },
      big: { N: '12345678901234567890' },
      b: { BOOL: true },
      nul: { NULL: true },
      bin: { B: 'AQI=' },
      list: { L: [{ S: 'x' }, { N: '1' }] },
      map: { M: { nested: { M: { deep: { S: 'y' } } } } },
      ss: { SS: ['a', 'b'] },
      ns: { NS: ['1', '2'] },
    })
  })

  it('names the member it cannot marshal', () => {
    const event = () =>
      dynamodbEvent({ records: [{ keys: { pk: 'a' }, newImage: { at: { when: new Date(0) } } }] })
    expect(event).toThrow(
      expect.objectContaining({
        code: 'ERR_SIGHTLINE_INVALID_OPTION',
        message: expect.stringMatching(
          /^Expected `at\.when` to be a string, number, .* or plain object, got an object$/,
        ),
      }),
    )
  })
})
