import { NodeHttpHandler } from '@smithy/node-http-handler'

export const REGION = 'eu-west-1'

/**
 * What every client in the tests gets: a local endpoint, dummy credentials, one attempt. The HTTP/1.1
 * handler, because the Kinesis client defaults to HTTP/2, which a plain-http emulator does not speak.
 */
export function clientConfig(endpoint: string) {
  return {
    region: REGION,
    endpoint,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  }
}

/** A context's IDs as an upstream service would send them: what the tests expect to arrive. */
export const upstream = {
  'x-correlation-id': 'corr-from-api-17',
  'x-correlation-user-id': 'user-42',
}
