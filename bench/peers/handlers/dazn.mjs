// dazn-lambda-powertools: logger + correlation-ids middleware on middy 2. It has no metrics API.
// Its middleware requires `aws-sdk/clients/dynamodb` (AWS SDK v2) at load, for its DynamoDB source.
import Log from '@dazn/lambda-powertools-logger'
import captureCorrelationIds from '@dazn/lambda-powertools-middleware-correlation-ids'
import middy from 'middy2'
import { ok } from './shared.mjs'

export const handler = middy(async (event) => {
  Log.info('order placed', { path: event.path })
  return ok()
}).use(captureCorrelationIds({ sampleDebugLogRate: 0.01 }))
