import { setTimeout as sleep } from 'node:timers/promises'
import { childContext, createContext, setCorrelationId, withContext } from '@sightline/correlation'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  disableTracing,
  enableTracing,
  getXrayDiagnostics,
  resetXrayDiagnostics,
  startCall,
} from '../src/index.js'
import { type FakeDaemon, fakeDaemon, ids, traceHeader } from './daemon.js'

let daemon: FakeDaemon
beforeAll(async () => {
  daemon = await fakeDaemon()
  expect(enableTracing({ enabled: true, env: { AWS_XRAY_DAEMON_ADDRESS: daemon.address } })).toBe(true)
})
afterAll(async () => {
  await disableTracing()
  await daemon.close()
})
beforeEach(() => {
  resetXrayDiagnostics()
})

const invocation = (header: string | undefined, id: string, extra: object = {}) =>
  createContext({
    traceHeader: header,
    ids: { 'x-correlation-id': id },
    source: 'api-gateway-rest',
    ...extra,
  })
const HEX16 = /^[0-9a-f]{16}$/

describe('startCall', () => {
  it('hangs each call under its own invocation when invocations interleave', async () => {
    const invocations = Array.from({ length: 3 }, (_, i) => ({ ...ids(), id: `order-${i}` }))
    // Each invocation starts its call, then yields; they end in reverse order, all in flight together.
    const headers = await Promise.all(
      invocations.map(({ root, parent, id }, i) =>
        withContext(invocation(traceHeader(root, parent), id), async () => {
          await sleep(1)
          const call = startCall({
            kind: 'http',
            name: `svc-${i}.internal`,
            http: { method: 'get', url: `http://svc-${i}.internal/x?token=secret` },
          })!
          await sleep(10 * (3 - i))
          call.end({ status: 200 })
          return call.traceHeader
        }),
      ),
    )
    for (const [i, { root, parent, id }] of invocations.entries()) {
      const [doc] = await daemon.trace(root)
      expect(doc).toMatchObject({
        type: 'subsegment',
        trace_id: root,
        parent_id: parent,
        name: `svc-${i}.internal`,
        namespace: 'remote',
        http: { request: { method: 'GET', url: `http://svc-${i}.internal/x` }, response: { status: 200 } },
        annotations: { correlation_id: id },
      })
      expect(doc!.id).toMatch(HEX16)
      expect(doc!.end_time).toBeGreaterThanOrEqual(doc!.start_time)
      expect(doc).not.toHaveProperty('in_progress')
      expect(headers[i]).toBe(`Root=${root};Parent=${doc!.id};Sampled=1`)
    }
    expect(daemon.malformed).toEqual([])
  })

  it('sends nothing when the invocation is not sampled, and still gives its header to forward', async () => {
    const { root, parent } = ids()
    const header = `${traceHeader(root, parent, '0')};Lineage=a87bb23b:0`
    const call = withContext(invocation(header, 'u-1'), () =>
      startCall({ kind: 'http', name: 'a.example', http: { method: 'GET', url: 'http://a.example/' } }),
    )
    expect(call?.traceHeader).toBe(header)
    call!.end({ status: 200 })
    // A sampled call sent afterwards arrives; the unsampled one never does.
    const sampled = ids()
    withContext(invocation(traceHeader(sampled.root, sampled.parent), 'u-2'), () =>
      startCall({ kind: 'http', name: 'b.example' })!.end(),
    )
    await daemon.trace(sampled.root)
    expect(daemon.documents.filter((d) => d.trace_id === root)).toEqual([])
    expect(getXrayDiagnostics().documentsSent).toBe(1)
  })

  it('keeps Lineage and unknown keys of the header it forwards, replacing only Parent', () => {
    const { root, parent } = ids()
    const call = withContext(
      invocation(`Root=${root};Parent=${parent};Sampled=1;Lineage=a87bb23b:1;Fut=x`, 'l'),
      () => startCall({ kind: 'aws', name: 'SQS' }),
    )!
    expect(call.traceHeader).toMatch(
      new RegExp(`^Root=${root};Parent=[0-9a-f]{16};Sampled=1;Lineage=a87bb23b:1;Fut=x$`),
    )
    expect(call.traceHeader).not.toContain(parent)
    call.end()
  })

  it('traces nothing outside a context, without a Root or Parent, or in an HTTP request without a segment', () => {
    const { root, parent } = ids()
    expect(startCall({ kind: 'http', name: 'x' })).toBeUndefined()
    expect(
      withContext(invocation(undefined, 'n-1'), () => startCall({ kind: 'http', name: 'x' })),
    ).toBeUndefined()
    expect(
      withContext(invocation(`Root=${root};Sampled=1`, 'n-2'), () => startCall({ kind: 'http', name: 'x' })),
    ).toBeUndefined()
    const request = createContext({ traceHeader: traceHeader(root, parent), source: 'http' })
    expect(withContext(request, () => startCall({ kind: 'http', name: 'x' }))).toBeUndefined()
  })

  it('uses the context it is given over the current one', async () => {
    const given = ids()
    const current = ids()
    const context = invocation(traceHeader(given.root, given.parent), 'given')
    withContext(invocation(traceHeader(current.root, current.parent), 'current'), () =>
      startCall({ kind: 'http', name: 'x', context })!.end(),
    )
    const [doc] = await daemon.trace(given.root)
    expect(daemon.documents.filter((d) => d.trace_id === current.root)).toEqual([])
    expect(doc).toMatchObject({
      trace_id: given.root,
      parent_id: given.parent,
      annotations: { correlation_id: 'given' },
    })
  })

  it("hangs a batch record's calls in its producer's trace, under the producer's document", async () => {
    const inv = ids()
    const record = ids()
    const parentCtx = invocation(traceHeader(inv.root, inv.parent), 'batch')
    const recordCtx = childContext(parentCtx, {
      ids: { 'x-correlation-id': 'rec-7' },
      traceHeader: `${traceHeader(record.root, record.parent)};Lineage=a87bd80c:1`,
    })
    const header = withContext(recordCtx, () => {
      const call = startCall({ kind: 'aws', name: 'SNS', aws: { operation: 'Publish' } })!
      call.end()
      return call.traceHeader
    })
    const [doc] = await daemon.trace(record.root)
    expect(doc).toMatchObject({
      type: 'subsegment',
      trace_id: record.root,
      parent_id: record.parent,
      annotations: { correlation_id: 'rec-7' },
    })
    expect(header).toBe(`Root=${record.root};Parent=${doc!.id};Sampled=1;Lineage=a87bd80c:1`)
    expect(daemon.documents.filter((d) => d.trace_id === inv.root)).toEqual([])
  })

  it("hangs a record's calls under the invocation when the record brought no trace of its own", async () => {
    const inv = ids()
    const parentCtx = invocation(traceHeader(inv.root, inv.parent), 'batch')
    for (const traceHeader of [undefined, 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1']) {
      const recordCtx = childContext(parentCtx, { ids: { 'x-correlation-id': 'rec-8' }, traceHeader })
      withContext(recordCtx, () => startCall({ kind: 'aws', name: 'SQS' })!.end())
    }
    const docs = await daemon.trace(inv.root, 2)
    expect(docs).toMatchObject([
      { trace_id: inv.root, parent_id: inv.parent, annotations: { correlation_id: 'rec-8' } },
      { trace_id: inv.root, parent_id: inv.parent, annotations: { correlation_id: 'rec-8' } },
    ])
  })

  it("records nothing for a record its producer did not sample, and forwards the producer's header", async () => {
    const inv = ids()
    const record = ids()
    const unsampledHeader = traceHeader(record.root, record.parent, '0')
    const recordCtx = childContext(invocation(traceHeader(inv.root, inv.parent), 'batch'), {
      traceHeader: unsampledHeader,
    })
    const header = withContext(recordCtx, () => {
      const call = startCall({ kind: 'aws', name: 'SQS' })!
      call.end()
      return call.traceHeader
    })
    expect(header).toBe(unsampledHeader)
    // A marker sent after it on the same socket: once it is in, anything sent before it is too.
    const marker = ids()
    withContext(invocation(traceHeader(marker.root, marker.parent), 'm'), () =>
      startCall({ kind: 'http', name: 'y' })!.end(),
    )
    await daemon.trace(marker.root)
    expect(daemon.documents.filter((d) => d.trace_id === record.root || d.trace_id === inv.root)).toEqual([])
  })

  it('sends a call once, however many times it is ended', async () => {
    const { root, parent } = ids()
    const call = withContext(invocation(traceHeader(root, parent), 'once'), () =>
      startCall({ kind: 'http', name: 'x' }),
    )!
    call.end({ status: 200 })
    call.end({ status: 500 })
    // Sent after the call on the same socket: once the marker is in, so is any second copy.
    const marker = ids()
    withContext(invocation(traceHeader(marker.root, marker.parent), 'm'), () =>
      startCall({ kind: 'http', name: 'y' })!.end(),
    )
    await daemon.trace(marker.root)
    const docs = daemon.documents.filter((d) => d.trace_id === root)
    expect(docs).toHaveLength(1)
    expect(docs[0]).not.toHaveProperty('fault')
  })

  it('annotates with the correlation id current when the call starts', async () => {
    const { root, parent } = ids()
    withContext(invocation(traceHeader(root, parent), 'first'), () => {
      setCorrelationId('id', 'second')
      startCall({ kind: 'http', name: 'x' })!.end()
    })
    const [doc] = await daemon.trace(root)
    expect(doc!.annotations).toEqual({ correlation_id: 'second' })
  })

  it('records an AWS call with its operation, region, request id, retries and throttle', async () => {
    const { root, parent } = ids()
    const error = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })
    withContext(invocation(traceHeader(root, parent), 'aws-1'), () =>
      startCall({
        kind: 'aws',
        name: 'SQS',
        aws: { operation: 'SendMessage', service: 'SQS', region: 'eu-west-1' },
      })!.end({
        status: 400,
        error,
        throttled: true,
        requestId: 'req-1',
        retries: 2,
      }),
    )
    const [doc] = await daemon.trace(root)
    expect(doc).toMatchObject({
      name: 'SQS',
      namespace: 'aws',
      aws: { operation: 'SendMessage', region: 'eu-west-1', request_id: 'req-1', retries: 2 },
      http: { response: { status: 400 } },
      error: true,
      throttle: true,
      cause: { exceptions: [{ message: 'Rate exceeded', type: 'ThrottlingException', remote: true }] },
    })
    expect(doc).not.toHaveProperty('fault')
  })
})
