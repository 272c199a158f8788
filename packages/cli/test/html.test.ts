import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { escapeHtml, renderHtml } from '../src/index.js'
import { ALICE, demoStory, line, storyOf } from './helpers.js'
import { countColour, hslToRgb, readPng } from './png.js'

const dir = mkdtempSync(join(tmpdir(), 'sightline-html-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('renderHtml', () => {
  it('is one self-contained page: no script, no stylesheet or image from elsewhere', () => {
    const html = renderHtml(demoStory(ALICE))
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(|https?:\/\//i)
  })

  it('draws one bar per hop, placed and sized on the story’s time axis, the failed one marked', () => {
    const story = demoStory(ALICE)
    const bars = [
      ...renderHtml(story).matchAll(
        /<div class="bar( failed)?" data-hop="([^"]+)" style="left:([\d.]+)%;width:([\d.]+)%/g,
      ),
    ]
    expect(bars.map((b) => b[2])).toEqual(story.hops.map((h) => h.name))
    const span = story.end - story.start
    bars.forEach((bar, i) => {
      const hop = story.hops[i]!
      expect(Number(bar[3])).toBeCloseTo(((hop.start - story.start) / span) * 100, 2)
      expect(Number(bar[4])).toBeCloseTo(Math.max(((hop.end - hop.start) / span) * 100, 0.4), 2)
      expect(bar[1] === ' failed').toBe(hop.level === 'error')
    })
  })

  it('escapes what the log lines say', () => {
    const story = storyOf('<c>', [
      line({
        time: 1_795_316_464_000,
        'x-correlation-id': '<c>',
        service: '"><script>x</script>',
        msg: "<img src=x onerror='a'>",
      }),
    ])
    const html = renderHtml(story)
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;img src=x onerror=&#39;a&#39;&gt;')
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;')
  })
})

// Debian's `chromium` package: `apt-get install -y chromium`.
const chromium = ['chromium', 'chromium-browser'].find((bin) => spawnSync(bin, ['--version']).status === 0)
if (chromium === undefined)
  console.warn('html.test.ts: chromium is not installed, the screenshot test is skipped')

describe('the page in a browser', () => {
  it.skipIf(chromium === undefined)(
    `shows the waterfall's bars in headless Chromium${chromium ? '' : ' (skipped: chromium not installed)'}`,
    () => {
      const story = demoStory(ALICE)
      const html = renderHtml(story)
      const page = join(dir, 'story.html')
      const shot = join(dir, 'story.png')
      writeFileSync(page, html)
      const run = spawnSync(
        chromium!,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--hide-scrollbars',
          `--user-data-dir=${join(dir, 'profile')}`,
          `--screenshot=${shot}`,
          '--window-size=1200,800',
          `file://${page}`,
        ],
        { timeout: 60_000, encoding: 'utf8' },
      )
      expect(run.status, run.stderr).toBe(0)
      expect(statSync(shot).size).toBeGreaterThan(10_000)
      const image = readPng(shot)
      expect([image.width, image.height]).toEqual([1200, 800])
      // Each bar's own colour, as the page gave it; the failed hop's bar is red.
      const colours = [...html.matchAll(/data-hop="([^"]+)" style="[^"]*background:hsl\((\d+) 62% 48%\)/g)]
      expect(colours).toHaveLength(story.hops.length)
      for (const [, hop, hue] of colours) {
        const failed = story.hops.find((h) => h.name === hop)!.level === 'error'
        const rgb = failed ? [0xd9, 0x3b, 0x3b] : hslToRgb(Number(hue), 0.62, 0.48)
        // A bar is at least 4 px wide and 18 px high, right of the names; the lines' coloured dots are left.
        expect(countColour(image, rgb, 240), `${hop}'s bar`).toBeGreaterThan(60)
      }
    },
    90_000,
  )
})
