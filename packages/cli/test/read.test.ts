import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { eachLine, labelOf, readStory } from '../src/index.js'
import { ALICE, DEMO, fixture } from './helpers.js'

describe('readStory', () => {
  it('reads the story from several files, naming unnamed lines after their file', async () => {
    const story = await readStory(ALICE, DEMO)
    expect(story.lines).toHaveLength(15)
    expect(story.stats.lines).toBe(68)
    const edge = await readStory('demo-7f3a2c19', [fixture('malformed.jsonl')])
    expect(new Set(edge.lines.map((l) => l.source))).toEqual(new Set(['malformed']))
  })

  it('skips and counts unreadable lines, and reads CRLF endings and an unended last line', async () => {
    const story = await readStory('demo-7f3a2c19', [fixture('malformed.jsonl')])
    expect(story.lines.map((l) => l.message)).toEqual([
      'first good line',
      'ansi \u001b[2J and a\nnewline',
      'numeric level',
      'proto key',
      'last good line, no newline at the end',
    ])
    expect(story.stats).toMatchObject({
      lines: 19,
      matched: 5,
      unrelated: 1,
      other: 3,
      malformed: 8,
      malformedReasons: { 'not-json': 3, 'invalid-json': 1, 'not-an-object': 4, 'too-long': 0 },
    })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('reads a stream line by line: a large input goes through without being held', async () => {
    const total = 200_000
    let served = 0
    const stream = Readable.from(
      (function* () {
        for (; served < total; served++) {
          const id = served % 1000 === 0 ? 'needle' : `hay-${served}`
          const time = 1_795_316_464_000 + served
          yield `{"level":"info","time":${time},"x-correlation-id":"${id}","msg":"n${served}"}\n`
        }
      })(),
    )
    const story = await readStory('needle', [{ stream, label: 'big' }])
    expect(story.stats).toMatchObject({
      lines: total,
      matched: total / 1000,
      unrelated: total - total / 1000,
    })
    expect(story.lines[1]?.message).toBe('n1000')
  })

  it('rejects a file it cannot open, naming it', async () => {
    await expect(readStory(ALICE, [fixture('missing.log')])).rejects.toMatchObject({
      code: 'ERR_SIGHTLINE_CLI_UNREADABLE',
      message: expect.stringContaining('missing.log'),
    })
    await expect(readStory(ALICE, [fixture('demo')])).rejects.toMatchObject({
      code: 'ERR_SIGHTLINE_CLI_UNREADABLE',
    })
  })
})

describe('eachLine and labelOf', () => {
  it('hands over each line without its line break, LF or CRLF', async () => {
    const lines: string[] = []
    await eachLine(Readable.from(['a\r\nb', '\nc\n', '\n']), (l) => lines.push(l))
    expect(lines).toEqual(['a', 'b', 'c', ''])
  })

  it.each([
    ['logs/create-post.log', 'create-post'],
    ['/var/log/api.service.jsonl', 'api.service'],
    ['stdin', 'stdin'],
    ['.hidden', '.hidden'],
  ])('names %s %s', (path, label) => {
    expect(labelOf(path)).toBe(label)
  })
})
