import type { LambdaFunctionURLEvent } from 'aws-lambda'
import { httpApiEvent } from './api-gateway.js'
import { hex, REGION } from './defaults.js'
import type { HttpEventOptions } from './http.js'

/** A Function URL event (auth type NONE): the HTTP API 2.0 shape on a `lambda-url` domain. */
export function functionUrlEvent(options: HttpEventOptions = {}): LambdaFunctionURLEvent {
  const urlId = hex(32)
  return httpApiEvent(options, {
    accountId: 'anonymous',
    apiId: urlId,
    domainName: `${urlId}.lambda-url.${REGION}.on.aws`,
  })
}
