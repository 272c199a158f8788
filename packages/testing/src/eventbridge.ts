import type { EventBridgeEvent, ScheduledEvent } from 'aws-lambda'
import type { Attributes } from './attributes.js'
import { ACCOUNT_ID, isoSeconds, REGION, uuid } from './defaults.js'
import { prependContext } from './envelope.js'

export interface EventBridgeEventOptions<D extends object> {
  detail: D
  source?: string
  detailType?: string
  resources?: string[]
  /** Epoch ms; now by default. */
  time?: number
  /** Correlation IDs placed as `detail.__context__`, the first member of the detail. */
  correlation?: Attributes
}

/** A custom EventBridge event, as `PutEvents` delivers it to a rule's Lambda target. */
export function eventBridgeEvent<D extends object>({
  detail,
  source = 'com.example.app',
  detailType = 'ExampleEvent',
  resources = [],
  time = Date.now(),
  correlation,
}: EventBridgeEventOptions<D>): EventBridgeEvent<string, D> {
  return {
    version: '0',
    id: uuid(),
    'detail-type': detailType,
    source,
    account: ACCOUNT_ID,
    time: isoSeconds(time),
    region: REGION,
    resources,
    detail: prependContext(detail, correlation),
  }
}

export interface ScheduledEventOptions {
  ruleName?: string
  /** Epoch ms; now by default. */
  time?: number
}

/** An EventBridge schedule firing (`source: 'aws.events'`, `detail-type: 'Scheduled Event'`). No IDs ride on it. */
export function scheduledEvent({
  ruleName = 'my-schedule',
  time = Date.now(),
}: ScheduledEventOptions = {}): ScheduledEvent<Record<string, never>> {
  return {
    version: '0',
    id: uuid(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT_ID,
    time: isoSeconds(time),
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${ruleName}`],
    detail: {},
  }
}
