import { describe, expect, it } from 'vitest'
import { defaultTags } from '../src/index.js'

describe('defaultTags(env)', () => {
  it('reads service, environment and function name', () => {
    expect(
      defaultTags({
        SIGHTLINE_SERVICE: 'orders',
        SIGHTLINE_ENVIRONMENT: 'prod',
        AWS_LAMBDA_FUNCTION_NAME: 'orders-api',
      }),
    ).toEqual({ service: 'orders', env: 'prod', function_name: 'orders-api' })
  })

  it('leaves out what is not set or empty', () => {
    expect(defaultTags({ SIGHTLINE_SERVICE: '', AWS_LAMBDA_FUNCTION_NAME: 'fn' })).toEqual({
      function_name: 'fn',
    })
    expect(defaultTags({})).toEqual({})
  })
})
