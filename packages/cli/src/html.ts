import type { Hop } from './hops.js'
import type { Story } from './story.js'
import { errorOf, formatDuration, formatOffset, namesOf, printable } from './text.js'

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

const failed = (level: string) => level === 'error' || level === 'fatal'

/** A stable colour per name, so a service keeps its colour between pages; never red, kept for failures. */
function hue(name: string): number {
  let h = 0
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) % 280
  return 40 + h
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 28px; color: #1d2330; }
h1 { font-size: 20px; margin: 0 0 4px; } h1 code { font-size: 18px; }
h2 { font-size: 15px; margin: 28px 0 10px; }
.summary { color: #5b6475; margin: 0; }
.waterfall { display: grid; grid-template-columns: minmax(120px, 220px) 1fr 170px; gap: 7px 12px;
  align-items: center; }
.name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.track { position: relative; height: 24px; background: #eef1f6; border-radius: 4px; }
.bar { position: absolute; top: 3px; bottom: 3px; min-width: 4px; border-radius: 3px; }
.bar.failed { background: #d93b3b !important; }
.time { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; color: #5b6475; white-space: nowrap; }
.scale { position: relative; height: 16px; font: 11px ui-monospace, monospace; color: #8a93a5; }
.scale span { position: absolute; transform: translateX(-50%); white-space: nowrap; }
.scale span:first-child { transform: none; } .scale span:last-child { transform: translateX(-100%); }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-size: 12px; color: #5b6475; border-bottom: 1px solid #d8dde7; padding: 4px 8px; }
td { font: 12px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; padding: 2px 8px; vertical-align: top; }
td.msg { white-space: pre-wrap; word-break: break-word; }
tr.failed td { background: #fdecec; }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 6px; }
`

function percent(value: number): string {
  return `${Math.max(0, Math.min(100, value)).toFixed(3)}%`
}

function hopRow(hop: Hop, start: number, span: number): string {
  const left = ((hop.start - start) / span) * 100
  const width = Math.max(((hop.end - hop.start) / span) * 100, 0.4)
  const colour = `hsl(${hue(hop.name)} 62% 48%)`
  const when = `${formatOffset(hop.start - start)} · ${formatDuration(hop.end - hop.start)}`
  const title = `${hop.name}${hop.awsRequestId ? ` (${hop.awsRequestId})` : ''}: ${when}, ${hop.lines} lines`
  return [
    `<div class="name" title="${escapeHtml(hop.name)}">${escapeHtml(hop.name)}</div>`,
    `<div class="track"><div class="bar${failed(hop.level) ? ' failed' : ''}"`,
    ` data-hop="${escapeHtml(hop.name)}"`,
    ` style="left:${percent(left)};width:${percent(Math.min(width, 100 - left))};background:${colour}"`,
    ` title="${escapeHtml(title)}"></div></div>`,
    `<div class="time">${escapeHtml(when)}${failed(hop.level) ? ` · ${escapeHtml(hop.level)}` : ''}</div>`,
  ].join('')
}

function scale(span: number): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map(
    (f) => `<span style="left:${percent(f * 100)}">${escapeHtml(formatDuration(f * span))}</span>`,
  )
  return `<div></div><div class="scale">${ticks.join('')}</div><div></div>`
}

/** A self-contained page (no script, no external resource): the waterfall drawn, then every line. */
export function renderHtml(story: Story): string {
  const { id, lines, hops } = story
  const span = Math.max(story.end - story.start, 1)
  const summary =
    lines.length === 0
      ? 'No line carries this id.'
      : `${lines.length} lines from ${namesOf(hops)} over ${formatDuration(story.end - story.start)}`
  const rows = lines.map((line) => {
    const error = errorOf(line)
    const message = printable(line.message + (error === undefined ? '' : ` (${error})`))
    const dot = `<span class="dot" style="background:hsl(${hue(line.hop)} 62% 48%)"></span>`
    return (
      `<tr${failed(line.level) ? ' class="failed"' : ''}>` +
      `<td>${escapeHtml(formatOffset(line.time - story.start))}</td>` +
      `<td>${dot}${escapeHtml(line.hop)}</td><td>${escapeHtml(line.level)}</td>` +
      `<td class="msg">${escapeHtml(message)}</td></tr>`
    )
  })
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Story of ${escapeHtml(id)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Story of <code>${escapeHtml(id)}</code></h1>
<p class="summary">${escapeHtml(summary)}</p>
<h2>Waterfall</h2>
<section class="waterfall">
${hops.length === 0 ? '' : scale(span)}
${hops.map((h) => hopRow(h, story.start, span)).join('\n')}
</section>
<h2>Lines</h2>
<table>
<thead><tr><th>offset</th><th>service / function</th><th>level</th><th>message</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</body>
</html>
`
}
