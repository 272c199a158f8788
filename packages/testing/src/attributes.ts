/** Plain attributes as a test writes them: `{ 'x-correlation-id': 'abc' }`. */
export type Attributes = Readonly<Record<string, string>>

/** The builder's correlation IDs, then the record's, then the record's own attributes; later ones win. */
export function mergeAttributes(...layers: Array<Attributes | undefined>): Record<string, string> {
  return Object.assign({}, ...layers.filter((l) => l !== undefined))
}

/** `{ Type: 'String', Value }`: attributes as the SNS event and the SNS envelope carry them. */
export function snsAttributes(attrs: Attributes): Record<string, { Type: string; Value: string }> {
  return Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, { Type: 'String', Value: v }]))
}

export interface SqsAttribute {
  stringValue: string
  stringListValues: string[]
  binaryListValues: string[]
  dataType: string
}

/** `{ dataType: 'String', stringValue }` with the empty list members the SQS event has. */
export function sqsAttributes(attrs: Attributes): Record<string, SqsAttribute> {
  return Object.fromEntries(
    Object.entries(attrs).map(([k, v]) => [
      k,
      { stringValue: v, stringListValues: [], binaryListValues: [], dataType: 'String' },
    ]),
  )
}
