import { describe, expect, it } from 'vitest'
import { sentry } from '../src/index.js'
import { resolveSettings } from '../src/options.js'

const DSN = 'https://abc@o1.ingest.sentry.io/42'

describe('sentry() options', () => {
  it.each([
    ['an invalid dsn', { dsn: 'not a dsn' }, /`dsn`/],
    ['an invalid SENTRY_DSN', { env: { SENTRY_DSN: 'https://host/1' } }, /`SENTRY_DSN`/],
    ['an environment with a slash', { dsn: DSN, environment: 'feature/x' }, /`environment`/],
    [
      'a SENTRY_ENVIRONMENT too long',
      { dsn: DSN, env: { SENTRY_ENVIRONMENT: 'x'.repeat(65) } },
      /`SENTRY_ENVIRONMENT`/,
    ],
    ['an empty release', { dsn: DSN, release: '' }, /`release`/],
    ['a non-boolean eager', { dsn: DSN, eager: 'yes' }, /`eager`/],
    ['a non-boolean captureServerErrors', { dsn: DSN, captureServerErrors: 1 }, /`captureServerErrors`/],
    ['a non-boolean captureTimeouts', { dsn: DSN, captureTimeouts: null }, /`captureTimeouts`/],
    ['sentry options that are not an object', { dsn: DSN, sentry: 'x' }, /`sentry`/],
  ])('refuses %s at construction', (_what, options, message) => {
    expect(() => sentry(options as never)).toThrow(message)
    expect(() => sentry(options as never)).toThrowError(
      expect.objectContaining({ code: 'ERR_SIGHTLINE_INVALID_OPTION' }),
    )
  })

  it('reads SENTRY_DSN from the given environment, and is inert without one', () => {
    expect(Object.keys(sentry({ env: { SENTRY_DSN: DSN } }))).toContain('flush')
    expect(Object.keys(sentry({ env: {} }))).not.toContain('flush')
  })

  it('turns Sentry off with an explicit empty dsn, even where SENTRY_DSN is set', () => {
    expect(Object.keys(sentry({ dsn: '', env: { SENTRY_DSN: DSN } }))).not.toContain('flush')
  })
})

describe('resolveSettings', () => {
  it('resolves the environment once: region, and eager loading on Managed Instances', () => {
    const lmi = resolveSettings({
      dsn: DSN,
      env: { AWS_LAMBDA_MAX_CONCURRENCY: '8', AWS_REGION: 'eu-west-1' },
    })
    expect(lmi).toMatchObject({ eager: true, multiConcurrency: true, region: 'eu-west-1' })
    expect(resolveSettings({ dsn: DSN, env: { AWS_DEFAULT_REGION: 'us-east-2' } })).toMatchObject({
      eager: false,
      multiConcurrency: false,
      region: 'us-east-2',
    })
    expect(resolveSettings({ dsn: DSN, eager: false, env: { AWS_LAMBDA_MAX_CONCURRENCY: '8' } }).eager).toBe(
      false,
    )
  })

  it('takes the environment name from the option, else SENTRY_ENVIRONMENT', () => {
    expect(resolveSettings({ dsn: DSN, env: { SENTRY_ENVIRONMENT: 'pr-12' } }).environment).toBe('pr-12')
    expect(
      resolveSettings({ dsn: DSN, environment: 'prod', env: { SENTRY_ENVIRONMENT: 'pr-12' } }).environment,
    ).toBe('prod')
  })
})
