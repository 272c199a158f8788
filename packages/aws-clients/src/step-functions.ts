import { type Injector, idsFor, type Obj } from './injector.js'
import { awsLimits } from './limits.js'
import { wrapText } from './payload.js'

/** Step Functions takes at most 256 characters of trace header: past that, Lineage is left out. */
function shortened(header: string): string | undefined {
  if (header.length <= awsLimits.maxStepFunctionsTraceHeader) return header
  const short = header
    .split(';')
    .filter((part) => !part.startsWith('Lineage='))
    .join(';')
  return short.length <= awsLimits.maxStepFunctionsTraceHeader ? short : undefined
}

/**
 * `StartExecution` / `StartSyncExecution`: the envelope in the JSON `input` (an execution started without
 * input gets `{"__context__":{…}}`, as Step Functions would otherwise use `{}`), the trace header in
 * `traceHeader` unless the caller set one.
 */
const start: Injector = (input, sending) => {
  const { ids, traceHeader } = idsFor(undefined, input, sending)
  let out: Obj | undefined
  const wrapped = wrapText(input.input ?? '{}', ids)
  if (wrapped !== undefined) {
    if (Buffer.byteLength(wrapped.data, 'utf8') > awsLimits.maxExecutionInputBytes) sending.skip('too-large')
    else out = { ...input, input: wrapped.data }
  }
  const trace = traceHeader === undefined ? undefined : shortened(traceHeader)
  if (trace !== undefined && (input.traceHeader === undefined || input.traceHeader === '')) {
    out = { ...(out ?? input), traceHeader: trace }
  }
  return out
}

export const stepFunctions: Readonly<Record<string, Injector>> = {
  StartExecution: start,
  StartSyncExecution: start,
}
