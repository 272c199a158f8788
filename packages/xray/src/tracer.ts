import { AsyncLocalStorage } from 'node:async_hooks'
import { type CorrelationContext, PRIMARY_ID, tryGetContext } from '@sightline/correlation'
import { describeCall, documentName, recordResult } from './documents.js'
import type { Emitter } from './emitter.js'
import type { CallResult, OpenSegment, SegmentRequest, TracedCall, TracedOptions, XrayHook } from './hook.js'
import { countSent, report, xrayCodes } from './report.js'
import type { Sdk, SdkDocument } from './sdk.js'
import { headerTail, newRoot } from './trace-id.js'

/** The segment or subsegment new subsegments hang under, in one invocation (or request). */
interface Parent {
  /** The invocation's (or request's) context, or a batch record's scope that joined its producer's trace. */
  readonly owner: CorrelationContext
  readonly root: string
  /** The parent document's id; undefined when unsampled. */
  readonly id: string | undefined
  /** The header of a child `c` is `before + c.id + after`. */
  readonly before: string
  readonly after: string
  /** Forwarded when nothing is recorded (unsampled), with an `end` that does nothing. */
  readonly untraced: TracedCall
}

const ANNOTATION = 'correlation_id'
const noop = () => {}

/** The tracer behind the hook. Parentage comes only from Sightline's context and our own scopes. */
export function createTracer(sdk: Sdk, emitter: Emitter): XrayHook {
  // Set inside traced() and an inbound request's segment; everything else uses the context's trace header.
  const scopes = new AsyncLocalStorage<Parent>()
  const fromContext = new WeakMap<CorrelationContext, Parent | null>()

  function parentOf(context: CorrelationContext): Parent | undefined {
    const owner = traceOwner(context)
    const scope = scopes.getStore()
    if (scope !== undefined && scope.owner === owner) return scope
    let parent = fromContext.get(owner)
    if (parent === undefined) {
      parent = owner.parent === undefined ? invocationParent(owner) : recordParent(owner)
      fromContext.set(owner, parent)
    }
    return parent ?? undefined
  }

  function open(name: string, root: string, parentId: string, context: CorrelationContext) {
    const doc = new sdk.Subsegment(documentName(name))
    doc.trace_id = root
    doc.parent_id = parentId
    const id = context.ids[PRIMARY_ID]
    if (id !== undefined) doc.addAnnotation(ANNOTATION, id)
    return doc
  }

  function emit(doc: SdkDocument): void {
    emitter.send(doc.format())
    countSent()
  }

  function finish(doc: SdkDocument & { close(): void }, result: CallResult | undefined): void {
    try {
      recordResult(doc, result)
      doc.close()
      emit(doc)
    } catch (error) {
      report(xrayCodes.TRACE_FAILED, error)
    }
  }

  return {
    startCall(call) {
      try {
        const context = call.context ?? tryGetContext()
        if (context === undefined) return undefined
        const parent = parentOf(context)
        if (parent === undefined) return undefined
        if (parent.id === undefined) return parent.untraced
        const doc = open(call.name, parent.root, parent.id, context)
        describeCall(doc, call)
        let ended = false
        return {
          traceHeader: parent.before + doc.id + parent.after,
          end(result) {
            if (ended) return
            ended = true
            finish(doc, result)
          },
        }
      } catch (error) {
        report(xrayCodes.TRACE_FAILED, error)
        return undefined
      }
    },

    async traced(name, fn, { annotations }: TracedOptions) {
      const context = tryGetContext()
      const parent = context === undefined ? undefined : parentOf(context)
      if (context === undefined || parent?.id === undefined) return fn()
      let doc: ReturnType<typeof open>
      let scope: Parent
      try {
        doc = open(name, parent.root, parent.id, context)
        if (annotations !== undefined)
          for (const key in annotations) doc.addAnnotation(key, annotations[key]!)
        scope = child(parent, doc.id)
      } catch (error) {
        report(xrayCodes.TRACE_FAILED, error)
        return fn()
      }
      let value: Awaited<ReturnType<typeof fn>>
      try {
        value = await scopes.run(scope, fn)
      } catch (error) {
        finish(doc, { error })
        throw error
      }
      finish(doc, undefined)
      return value
    },

    startSegment(request) {
      try {
        return openSegment(request)
      } catch (error) {
        report(xrayCodes.TRACE_FAILED, error)
        return undefined
      }
    },

    flush() {
      const drained = emitter.drain()
      if (drained === undefined) {
        emitter.closeIfIdle()
        return undefined
      }
      return drained.then(() => emitter.closeIfIdle())
    },

    async close() {
      await emitter.drain()
      emitter.closeIfIdle()
    },
  }

  function openSegment({ name, context, method, url, sample }: SegmentRequest): OpenSegment {
    const trace = context.trace
    const root = trace?.root ?? newRoot()
    const sampled = trace?.sampled === '1' || (trace?.sampled !== '0' && sample())
    const tail = headerTail(trace)
    if (!sampled) {
      const parent = unsampled(context, `Root=${root}${parentPart(trace?.parent)};Sampled=0${tail}`)
      return { run: (fn) => scopes.run(parent, fn), end: noop }
    }
    const segment = new sdk.Segment(documentName(name), root, trace?.parent)
    segment.http = { request: { method: method.toUpperCase(), url } }
    const parent = sampledParent(context, root, segment.id, tail)
    let ended = false
    return {
      run: (fn) => scopes.run(parent, fn),
      end(result) {
        if (ended) return
        ended = true
        try {
          const id = context.ids[PRIMARY_ID]
          if (id !== undefined) segment.addAnnotation(ANNOTATION, id)
          recordResult(segment, result)
          segment.end_time = Date.now() / 1000
          delete segment.in_progress
          emit(segment)
        } catch (error) {
          report(xrayCodes.TRACE_FAILED, error)
        }
      },
    }
  }
}

/**
 * Whose trace a call belongs to: a batch record that came with a trace of its own (an SQS message's
 * `AWSTraceHeader`, the trace header in a Kinesis envelope) joins its producer's trace, so the work done for
 * one request shows in that request's trace; anything else belongs to the invocation (or request).
 */
function traceOwner(context: CorrelationContext): CorrelationContext {
  let c = context
  while (c.parent !== undefined) {
    if (c.traceHeader !== undefined && c.traceHeader !== c.parent.traceHeader) {
      const trace = c.trace
      if (trace?.root !== undefined && trace.parent !== undefined) return c
    }
    c = c.parent
  }
  return c
}

/**
 * A record's own trace: its subsegments hang under the producer's document named by the record's Parent.
 * A record the producer did not sample forwards its header and records nothing; one without a decision
 * follows the invocation's.
 */
function recordParent(record: CorrelationContext): Parent | null {
  const trace = record.trace!
  if (trace.sampled === '0') return unsampled(record, record.traceHeader!)
  if (trace.sampled === '1') return sampledParent(record, trace.root!, trace.parent!, headerTail(trace))
  let top = record
  while (top.parent !== undefined) top = top.parent
  const own = top.trace
  if (top.source === 'http' || own?.root === undefined || own.parent === undefined) return null
  if (own.sampled !== '1') return unsampled(record, record.traceHeader!)
  return sampledParent(record, trace.root!, trace.parent!, headerTail(trace))
}

/**
 * From the invocation's own trace header (Lambda's: Parent is the function's segment). An HTTP request's
 * header names the caller's subsegment, not a segment of ours: that needs the middleware's segment.
 */
function invocationParent(owner: CorrelationContext): Parent | null {
  const trace = owner.trace
  if (owner.source === 'http' || trace?.root === undefined || trace.parent === undefined) return null
  if (trace.sampled !== '1') return unsampled(owner, owner.traceHeader!)
  return sampledParent(owner, trace.root, trace.parent, headerTail(trace))
}

function sampledParent(owner: CorrelationContext, root: string, id: string, tail: string): Parent {
  const before = `Root=${root};Parent=`
  const after = `;Sampled=1${tail}`
  return { owner, root, id, before, after, untraced: { traceHeader: before + id + after, end: noop } }
}

function unsampled(owner: CorrelationContext, header: string): Parent {
  return {
    owner,
    root: '',
    id: undefined,
    before: '',
    after: '',
    untraced: { traceHeader: header, end: noop },
  }
}

/** A scope whose new subsegments hang under `id` (a traced function's subsegment). */
function child(parent: Parent, id: string): Parent {
  const { owner, root, before, after } = parent
  return { owner, root, id, before, after, untraced: { traceHeader: before + id + after, end: noop } }
}

function parentPart(parent: string | undefined): string {
  return parent === undefined ? '' : `;Parent=${parent}`
}
