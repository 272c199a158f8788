import { codes } from '@sightline/correlation'
import { type LevelName, levelValues, resolveLevel } from '@sightline/logger'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

describe('resolveLevel', () => {
  it.each([
    [undefined, {}, 'info'],
    [undefined, { LOG_LEVEL: 'debug' }, 'debug'],
    [undefined, { LOG_LEVEL: ' DEBUG ' }, 'debug'],
    [undefined, { LOG_LEVEL: 'Warning' }, 'warn'],
    [undefined, { LOG_LEVEL: 'critical' }, 'fatal'],
    [undefined, { LOG_LEVEL: 'silent' }, 'silent'],
    [undefined, { LOG_LEVEL: '' }, 'info'],
    [undefined, { LOG_LEVEL: 'verbose' }, 'info'],
    [undefined, { AWS_LAMBDA_LOG_LEVEL: 'ERROR' }, 'error'],
    [undefined, { AWS_LAMBDA_LOG_LEVEL: 'TRACE' }, 'trace'],
    [undefined, { LOG_LEVEL: 'error', AWS_LAMBDA_LOG_LEVEL: 'DEBUG' }, 'error'],
    [undefined, { LOG_LEVEL: 'verbose', AWS_LAMBDA_LOG_LEVEL: 'WARN' }, 'warn'],
    ['warn', { LOG_LEVEL: 'debug' }, 'warn'],
    ['trace', {}, 'trace'],
    ['ERROR', {}, 'error'],
  ] as const)('resolves option %j with %j to %s', (option, env, level) => {
    expect(resolveLevel(option, env)).toEqual({ level, warning: undefined })
  })

  it('raises a level below AWS_LAMBDA_LOG_LEVEL to it and says why', () => {
    expect(resolveLevel(undefined, { LOG_LEVEL: 'debug', AWS_LAMBDA_LOG_LEVEL: 'WARN' })).toEqual({
      level: 'warn',
      warning: 'log level debug is below AWS_LAMBDA_LOG_LEVEL=warn, which Lambda enforces: using warn',
    })
    expect(resolveLevel('trace', { AWS_LAMBDA_LOG_LEVEL: 'INFO' })).toMatchObject({ level: 'info' })
    expect(resolveLevel(undefined, { AWS_LAMBDA_LOG_LEVEL: 'INFO' }).warning).toBeUndefined()
  })

  it.each(['verbose', '', 'notice', '30'])(
    'throws ERR_SIGHTLINE_INVALID_OPTION for the option %j',
    (option) => {
      expect(() => resolveLevel(option, {})).toThrow(
        expect.objectContaining({ code: codes.INVALID_OPTION, message: expect.stringContaining('`level`') }),
      )
    },
  )

  it('always gives a known level from any environment (property)', () => {
    const value = fc.oneof(
      fc.constant(undefined),
      fc.mixedCase(fc.constantFrom(...Object.keys(levelValues), 'warning', 'critical')),
      fc.string({ unit: 'binary', maxLength: 12 }),
    )
    fc.assert(
      fc.property(value, value, (LOG_LEVEL, AWS_LAMBDA_LOG_LEVEL) => {
        const { level, warning } = resolveLevel(undefined, { LOG_LEVEL, AWS_LAMBDA_LOG_LEVEL })
        expect(Object.keys(levelValues)).toContain(level)
        // Never below what Lambda lets through.
        const lambda = AWS_LAMBDA_LOG_LEVEL?.trim().toLowerCase() as LevelName | undefined
        if (lambda !== undefined && Object.hasOwn(levelValues, lambda)) {
          expect(levelValues[level]).toBeGreaterThanOrEqual(levelValues[lambda])
        }
        if (warning !== undefined) expect(warning).toContain(level)
      }),
      { numRuns: 2_000 },
    )
  })
})

describe('levelValues', () => {
  it("are pino's numbers, with silent above all", () => {
    expect(levelValues).toEqual({
      trace: 10,
      debug: 20,
      info: 30,
      warn: 40,
      error: 50,
      fatal: 60,
      silent: Number.POSITIVE_INFINITY,
    })
    expect(Object.isFrozen(levelValues)).toBe(true)
  })
})
