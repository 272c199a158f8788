import { codes, createContext, withContext } from '@sightline/correlation'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { disableTracing, enableTracing, startCall, traced } from '../src/index.js'
import { type FakeDaemon, fakeDaemon, ids, traceHeader } from './daemon.js'

const invocation = (header: string, id: string) =>
  createContext({ traceHeader: header, ids: { 'x-correlation-id': id }, source: 'sqs' })

describe('traced() with tracing off', () => {
  it('runs the function and returns its value', async () => {
    await expect(traced('step', () => 42)).resolves.toBe(42)
    await expect(traced('step', async () => 'async')).resolves.toBe('async')
  })

  it('rejects with the identical error', async () => {
    const error = new Error('boom')
    await expect(traced('step', () => Promise.reject(error))).rejects.toBe(error)
  })

  it.each([
    ['an empty name', () => traced('', () => 1)],
    ['a name that is not a string', () => traced(7 as never, () => 1)],
    ['a function that is not one', () => traced('step', 'nope' as never)],
    ['an annotation key with a dash', () => traced('step', () => 1, { annotations: { 'order-id': 'x' } })],
    [
      'an annotation that is an object',
      () => traced('step', () => 1, { annotations: { order: {} as never } }),
    ],
    ['an annotation that is NaN', () => traced('step', () => 1, { annotations: { total: Number.NaN } })],
  ])('rejects %s with ERR_SIGHTLINE_INVALID_OPTION, before running anything', async (_, call) => {
    await expect(call()).rejects.toMatchObject({ code: codes.INVALID_OPTION })
  })
})

describe('traced() with tracing on', () => {
  let daemon: FakeDaemon
  beforeAll(async () => {
    daemon = await fakeDaemon()
    enableTracing({ enabled: true, daemonAddress: daemon.address })
  })
  afterAll(async () => {
    await disableTracing()
    await daemon.close()
  })

  it('sends a named subsegment with its annotations, and the calls made inside hang under it', async () => {
    const { root, parent } = ids()
    const { result, header } = await withContext(invocation(traceHeader(root, parent), 'order-9'), () =>
      traced(
        'charge card',
        async () => {
          const call = startCall({ kind: 'http', name: 'payments.internal' })!
          call.end({ status: 201 })
          return { result: 'charged', header: call.traceHeader }
        },
        { annotations: { order_id: 'o-9', amount: 12.5, express: true } },
      ),
    )
    expect(result).toBe('charged')
    const docs = await daemon.trace(root, 2)
    const step = docs.find((d) => d.name === 'charge card')!
    const call = docs.find((d) => d.name === 'payments.internal')!
    expect(step).toMatchObject({
      type: 'subsegment',
      parent_id: parent,
      annotations: { correlation_id: 'order-9', order_id: 'o-9', amount: 12.5, express: true },
    })
    expect(step).not.toHaveProperty('namespace')
    expect(call.parent_id).toBe(step.id)
    expect(header).toBe(`Root=${root};Parent=${call.id};Sampled=1`)
    expect(step.end_time).toBeGreaterThanOrEqual(call.end_time)
  })

  it('records the error as a fault with its cause and rethrows the identical error', async () => {
    const { root, parent } = ids()
    const error = new TypeError('stock is empty')
    await expect(
      withContext(invocation(traceHeader(root, parent), 'e-1'), () =>
        traced('reserve stock', async () => {
          throw error
        }),
      ),
    ).rejects.toBe(error)
    const [doc] = await daemon.trace(root)
    expect(doc).toMatchObject({
      name: 'reserve stock',
      fault: true,
      cause: { exceptions: [{ message: 'stock is empty', type: 'TypeError', remote: false }] },
    })
  })

  it('nests: a traced step inside another hangs under it', async () => {
    const { root, parent } = ids()
    await withContext(invocation(traceHeader(root, parent), 'n-1'), () =>
      traced('outer', () => traced('inner', () => 'done')),
    )
    const docs = await daemon.trace(root, 2)
    const outer = docs.find((d) => d.name === 'outer')!
    expect(outer.parent_id).toBe(parent)
    expect(docs.find((d) => d.name === 'inner')!.parent_id).toBe(outer.id)
  })

  it('keeps parallel steps of one invocation apart', async () => {
    const { root, parent } = ids()
    await withContext(invocation(traceHeader(root, parent), 'p-1'), () =>
      Promise.all(
        ['a', 'b'].map((name) =>
          traced(name, async () => {
            await new Promise((r) => setTimeout(r, 5))
            startCall({ kind: 'http', name: `call-${name}` })!.end()
          }),
        ),
      ),
    )
    const docs = await daemon.trace(root, 4)
    for (const name of ['a', 'b'])
      expect(docs.find((d) => d.name === `call-${name}`)!.parent_id).toBe(
        docs.find((d) => d.name === name)!.id,
      )
  })

  it('just runs the function when the invocation is not sampled or has no trace header', async () => {
    const { root, parent } = ids()
    await expect(
      withContext(invocation(traceHeader(root, parent, '0'), 'u'), () => traced('x', () => 'ran')),
    ).resolves.toBe('ran')
    await expect(withContext(createContext({}), () => traced('x', () => 'ran too'))).resolves.toBe('ran too')
    await expect(traced('x', () => 'no context')).resolves.toBe('no context')
    const marker = ids()
    await withContext(invocation(traceHeader(marker.root, marker.parent), 'm'), () =>
      traced('marker', () => 0),
    )
    await daemon.trace(marker.root)
    expect(daemon.documents.filter((d) => d.trace_id === root)).toEqual([])
  })
})
