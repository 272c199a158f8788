import { type ClientContext, type Ids, inject, lambdaClientContext } from '@sightline/correlation'
import { type Injector, idsFor, isObj, type Obj, type Sending } from './injector.js'
import { awsLimits } from './limits.js'
import { dataBytes, wrapData } from './payload.js'

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** The caller's client context, decoded; `undefined` when there is none, `null` when it cannot be read. */
function decode(given: unknown): ClientContext | null | undefined {
  if (given === undefined || given === null || given === '') return undefined
  if (typeof given !== 'string' || given.length % 4 !== 0 || !BASE64.test(given)) return null
  try {
    const parsed: unknown = JSON.parse(Buffer.from(given, 'base64').toString('utf8'))
    return isObj(parsed) ? (parsed as ClientContext) : null
  } catch {
    return null
  }
}

/**
 * Lambda `Invoke` / `InvokeWithResponseStream`: the IDs in the client context's `custom` map (what the callee
 * reads as `context.clientContext.Custom`), merged with what the caller put there: the caller's other
 * members and custom keys stay, ours replace a stale Sightline entry. Skipped past 3,583 bytes of base64.
 * Lambda hands the client context to synchronous invocations only: an asynchronous one (`Event`) carries
 * the IDs as a `__context__` envelope in its JSON object payload instead, where the callee reads them too.
 */
const invoke: Injector = (input, sending) => {
  const { ids } = idsFor(undefined, input, sending)
  if (Object.keys(ids).length === 0) return undefined
  if (input.InvocationType === 'Event') return inPayload(input, ids, sending)
  const given = decode(input.ClientContext)
  if (given === null) {
    sending.skip('unreadable-client-context')
    return undefined
  }
  const context: ClientContext = { ...given }
  // Copy the map we add to, so the caller's object is left as it was.
  if (isObj(context.custom)) context.custom = { ...context.custom }
  else if (isObj(context.Custom)) context.Custom = { ...context.Custom }
  inject(ids, context, lambdaClientContext)
  const encoded = Buffer.from(JSON.stringify(context), 'utf8').toString('base64')
  if (encoded.length > awsLimits.maxClientContextBytes) {
    sending.skip('too-large')
    return undefined
  }
  return { ...input, ClientContext: encoded }
}

function inPayload(input: Obj, ids: Ids, sending: Sending): Obj | undefined {
  const wrapped = wrapData(input.Payload, ids)
  if (wrapped === undefined) return undefined
  if (dataBytes(wrapped.data) > awsLimits.maxAsyncPayloadBytes) {
    sending.skip('too-large')
    return undefined
  }
  return { ...input, Payload: wrapped.data }
}

export const lambda: Readonly<Record<string, Injector>> = {
  Invoke: invoke,
  InvokeWithResponseStream: invoke,
}
