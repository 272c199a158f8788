import { describe, expect, it } from 'vitest'
import { manualClock } from '../src/clock.js'
import { fakeContext } from '../src/context.js'

describe('fakeContext', () => {
  it('has the members of the Lambda Node.js context, with Lambda-like defaults', () => {
    const context = fakeContext()
    expect(context).toMatchObject({
      functionName: 'test-fn',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test-fn',
      memoryLimitInMB: '1024',
      logGroupName: '/aws/lambda/test-fn',
    })
    expect(context.awsRequestId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    expect(context.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/)
    expect(context).not.toHaveProperty('xRayTraceId')
    expect(context).not.toHaveProperty('clientContext')
  })

  it('gives each context its own request id', () => {
    expect(fakeContext().awsRequestId).not.toBe(fakeContext().awsRequestId)
  })

  it('counts the remaining time down from a deadline fixed at creation', () => {
    const clock = manualClock(1_700_000_000_000)
    const context = fakeContext({ remainingMs: 3_000, clock })
    expect(context.getRemainingTimeInMillis()).toBe(3_000)
    clock.advance(1_200)
    expect(context.getRemainingTimeInMillis()).toBe(1_800)
    clock.advance(1_800)
    expect(context.getRemainingTimeInMillis()).toBe(0)
  })

  it('never reports a negative remaining time', () => {
    const clock = manualClock(0)
    const context = fakeContext({ remainingMs: 100, clock })
    clock.advance(5_000)
    expect(context.getRemainingTimeInMillis()).toBe(0)
  })

  it('follows the clock backwards too, as the deadline does not move', () => {
    const clock = manualClock(10_000)
    const context = fakeContext({ remainingMs: 1_000, clock })
    clock.set(9_500)
    expect(context.getRemainingTimeInMillis()).toBe(1_500)
  })

  it('uses the real time without a clock', async () => {
    const context = fakeContext({ remainingMs: 10_000 })
    await new Promise((resolve) => setTimeout(resolve, 30))
    const remaining = context.getRemainingTimeInMillis()
    expect(remaining).toBeLessThanOrEqual(9_990)
    expect(remaining).toBeGreaterThan(5_000)
  })

  it('takes every member from its options', () => {
    const context = fakeContext({
      functionName: 'orders',
      functionVersion: '7',
      memoryLimitInMB: 512,
      awsRequestId: 'req-1',
      xRayTraceId: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
      clientContext: { Custom: { 'x-correlation-id': 'abc' } },
      logGroupName: '/custom/group',
      logStreamName: 'stream-1',
      region: 'eu-west-1',
    })
    expect(context).toMatchObject({
      functionName: 'orders',
      functionVersion: '7',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders:7',
      memoryLimitInMB: '512',
      awsRequestId: 'req-1',
      xRayTraceId: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
      clientContext: { Custom: { 'x-correlation-id': 'abc' } },
      logGroupName: '/custom/group',
      logStreamName: 'stream-1',
    })
  })

  it('fails loudly on the callback-era methods that nodejs24.x removed', () => {
    const context = fakeContext()
    expect(() => context.succeed('ok')).toThrow('context.succeed() does not exist on the nodejs24.x runtime')
    expect(() => context.fail('no')).toThrow('context.fail()')
    expect(() => context.done()).toThrow('context.done()')
  })

  it('rejects a negative remaining time and a non-integer memory size', () => {
    expect(() => fakeContext({ remainingMs: -1 })).toThrow(
      'Expected `remainingMs` to be a finite number ≥ 0, got -1',
    )
    expect(() => fakeContext({ memoryLimitInMB: 0.5 })).toThrow(
      'Expected `memoryLimitInMB` to be a positive integer, got 0.5',
    )
  })
})
