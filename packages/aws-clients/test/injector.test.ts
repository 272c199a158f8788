import { createContext, withContext } from '@sightline/correlation'
import { describe, expect, it } from 'vitest'
import { captureIds, withIds } from '../src/capture.js'
import { idsFor, type Sending } from '../src/injector.js'

const at = (id: string) => captureIds(createContext({ ids: { 'x-correlation-id': id } }))
const sending: Sending = { current: at('send'), skip: () => {} }
const stamped = (id: string) =>
  withContext(createContext({ ids: { 'x-correlation-id': id } }), () => withIds({}))

describe('idsFor', () => {
  it("takes the entry's stamp, else the input's, else the context at send", () => {
    const idOf = (entry: unknown, input: object) =>
      idsFor(entry, input as never, sending).ids['x-correlation-id']
    expect(idOf(stamped('entry'), stamped('input'))).toBe('entry')
    expect(idOf({}, stamped('input'))).toBe('input')
    expect(idOf({}, {})).toBe('send')
    expect(idOf(undefined, {})).toBe('send')
  })
})
