import {
  type CorrelationContext,
  codes,
  extractFromEvent,
  extractFromRecord,
  invalidOption,
  SightlineError,
  tryGetContext,
  withContext,
} from '@sightline/correlation'
import { logger as defaultLogger, redaction } from '@sightline/logger'
import { invocationOf, type Runtime, reportFailure } from './invocation.js'
import type { Invocation } from './plugins.js'

export interface BatchOptions {
  /** Records processed at once. Default 1 (in order). FIFO SQS batches are always processed in order. */
  readonly concurrency?: number
}

export interface BatchItemFailure {
  readonly itemIdentifier: string
}

/** The partial batch response Lambda reads (enable `ReportBatchItemFailures` on the event source mapping). */
export interface BatchResponse {
  readonly batchItemFailures: BatchItemFailure[]
}

type Obj = Record<string, unknown>
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x)

/** The identifier Lambda expects back for a failed record: SQS messageId, Kinesis/DynamoDB sequence number. */
function itemIdentifier(record: unknown): string | undefined {
  if (!isObj(record)) return undefined
  if (typeof record.messageId === 'string') return record.messageId
  if (isObj(record.kinesis) && typeof record.kinesis.sequenceNumber === 'string')
    return record.kinesis.sequenceNumber
  if (isObj(record.dynamodb) && typeof record.dynamodb.SequenceNumber === 'string')
    return record.dynamodb.SequenceNumber
  return undefined
}

const isFifo = (record: unknown): boolean =>
  isObj(record) && isObj(record.attributes) && typeof record.attributes.MessageGroupId === 'string'

let standalone: Runtime | undefined
function standaloneRuntime(): Runtime {
  standalone ??= { plugins: [], logger: defaultLogger, redaction: redaction(), report: () => {} }
  return standalone
}

/**
 * Runs `recordHandler` for each record of an SQS, Kinesis or DynamoDB Streams batch, each in its own child
 * context (its own IDs, so everything done for record k carries record k's IDs, even concurrently), and
 * returns the failed records as `batchItemFailures`. A failed record is logged with its IDs and reported to
 * the wrapper's plugins. In a FIFO queue the records after a failure are not run and are reported failed,
 * to keep their order. A failed record with no identifier fails the whole batch (nothing is lost).
 */
export async function processBatch<R = any>(
  event: unknown,
  recordHandler: (record: R, index: number) => unknown,
  options: BatchOptions = {},
): Promise<BatchResponse> {
  const concurrency = options.concurrency ?? 1
  if (!Number.isInteger(concurrency) || concurrency < 1)
    invalidOption('concurrency', 'an integer ≥ 1', concurrency)
  const records = isObj(event) && Array.isArray(event.Records) ? (event.Records as unknown[]) : undefined
  if (records === undefined) {
    throw new SightlineError(
      codes.NOT_A_BATCH,
      'processBatch expects an SQS, Kinesis or DynamoDB Streams event with `Records`',
    )
  }
  const parent: CorrelationContext = tryGetContext() ?? extractFromEvent(event)
  const owner = invocationOf(parent)
  const runtime = owner?.runtime ?? standaloneRuntime()
  const invocation: Invocation = owner?.invocation ?? {
    context: parent,
    event,
    lambdaContext: undefined,
    startedAt: parent.startedAt,
    deadline: undefined,
    timedOut: false,
  }
  const failures: BatchItemFailure[] = []
  let unreportable: unknown
  const fifo = records.length > 0 && isFifo(records[0])

  async function runOne(index: number): Promise<boolean> {
    const raw = records![index]
    const { context, record } = extractFromRecord(raw, parent)
    try {
      await withContext(context, () => recordHandler(record as R, index))
      return true
    } catch (error) {
      const id = itemIdentifier(raw)
      withContext(context, () =>
        reportFailure(error, invocation, runtime, context, 'batch record failed', {
          recordIndex: index,
          itemIdentifier: id,
        }),
      )
      if (id === undefined) unreportable ??= error
      else failures.push({ itemIdentifier: id })
      return false
    }
  }

  if (fifo || concurrency === 1) {
    for (let i = 0; i < records.length; i++) {
      if ((await runOne(i)) || !fifo) continue
      for (let j = i + 1; j < records.length; j++) {
        const id = itemIdentifier(records[j])
        if (id !== undefined) failures.push({ itemIdentifier: id })
      }
      break
    }
  } else {
    let next = 0
    const worker = async () => {
      while (next < records.length) await runOne(next++)
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, worker))
  }
  if (unreportable !== undefined) {
    throw new SightlineError(
      codes.UNREPORTABLE_RECORD,
      'a record without an identifier failed: failing the whole batch so that it is retried',
      {
        cause: unreportable,
      },
    )
  }
  return { batchItemFailures: failures }
}
