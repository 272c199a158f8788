import { codes, invalidOption, SightlineError } from '@sightline/correlation'
import { describe, expect, it } from 'vitest'
import { readmeOf } from '../../../tools/test-helpers/readme.js'

describe('codes', () => {
  it('are exactly the codes the README documents, each once', () => {
    const documented = readmeOf(import.meta.url).documentedCodes()
    expect(new Set(documented).size).toBe(documented.length)
    expect([...documented].sort()).toEqual(Object.values(codes).sort())
  })

  it('are stable ERR_SIGHTLINE_ names derived from their keys', () => {
    for (const [key, code] of Object.entries(codes)) expect(code).toBe(`ERR_SIGHTLINE_${key}`)
    expect(Object.isFrozen(codes)).toBe(true)
  })
})

describe('SightlineError', () => {
  it('carries its code, its name and a real cause', () => {
    const cause = new Error('root cause')
    const error = new SightlineError(codes.NO_CONTEXT, 'message', { cause })
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({
      code: 'ERR_SIGHTLINE_NO_CONTEXT',
      name: 'SightlineError',
      message: 'message',
    })
    expect(error.cause).toBe(cause)
  })
})

describe('invalidOption', () => {
  it.each([
    [5, 'Expected `level` to be one of a, b, got 5'],
    ['verbose', 'Expected `level` to be one of a, b, got "verbose"'],
    [null, 'Expected `level` to be one of a, b, got null'],
    [[1], 'Expected `level` to be one of a, b, got an array'],
    [{ a: 1 }, 'Expected `level` to be one of a, b, got an object'],
    ['x'.repeat(100), `Expected \`level\` to be one of a, b, got "${'x'.repeat(60)}…"`],
  ])('throws ERR_SIGHTLINE_INVALID_OPTION naming the option, the expectation and %j', (value, message) => {
    expect(() => invalidOption('level', 'one of a, b', value)).toThrow(
      expect.objectContaining({ code: codes.INVALID_OPTION, message }),
    )
  })
})
