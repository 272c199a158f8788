// `pnpm demo`: a post goes through two Express services and three Lambda functions on local emulators
// (SNS, SQS, Kinesis, CloudWatch, Sentry, X-Ray), and Sightline tells its story.
//
//   node --import tsx examples/demo/index.ts [--html story.html] [--logs <dir>]
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { formatStats, formatStory, formatWaterfall, renderHtml } from '@sightline/cli'
import { DemoError, runDemo } from './src/flow.js'
import { formatMetrics, formatSentry, formatXray } from './src/print.js'

const { values } = parseArgs({
  options: {
    html: { type: 'string' },
    logs: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (values.help) {
  process.stdout.write(
    'Usage: pnpm demo [--html <file>] [--logs <dir>]\n\n' +
      '  --html <file>  write the story as an HTML page with the waterfall drawn\n' +
      '  --logs <dir>   write every log group as <dir>/<name>.log, for `sightline story <id> <dir>/*.log`\n',
  )
  process.exit(0)
}

// The demo runs on this machine's Node (20 is fine for it); the AWS SDK's notice about its future
// versions needing Node 22 would be the first thing a newcomer reads.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text)
const section = (title: string, body: string) => process.stdout.write(`\n${bold(title)}\n\n${body}`)

try {
  const result = await runDemo({ progress: (m) => process.stderr.write(`· ${m}\n`) })
  const { story, requests } = result
  const [alice, bob] = requests
  process.stdout.write(
    `\n${bold('Requests')}\n\n` +
      requests
        .map(
          (r) =>
            `  POST /posts as ${r.author}: ${r.status}, post ${r.postId}, ` +
            `x-correlation-id ${r.correlationId}`,
        )
        .join('\n') +
      '\n',
  )
  section(`The story of ${alice?.correlationId} (alice's request)`, formatStory(story))
  section('Waterfall', formatWaterfall(story).split('\n').slice(2).join('\n'))
  process.stdout.write(`  ${formatStats(story.stats)}`)
  section(
    'What add-to-feed returned (the failed record goes back to Kinesis for a retry)',
    `  ${JSON.stringify(result.results.addToFeed)}\n`,
  )
  section(
    'Metrics CloudWatch received (from the MONITORING lines, via the processor)',
    formatMetrics(result.cloudWatch),
  )
  section('Sentry events received', formatSentry(result.sentryEvents))
  section('X-Ray segments received', formatXray(result.xray))
  process.stdout.write(
    '\n  A Kinesis-triggered invocation starts a trace of its own (as on AWS), but each record carries its\n' +
      "  producer's trace header in the Sightline envelope: add-to-feed's work for alice's record shows in\n" +
      "  alice's trace, and its lines carry her Root and correlation ids.\n",
  )
  if (values.html !== undefined) {
    writeFileSync(values.html, renderHtml(story))
    process.stdout.write(`\nWrote ${resolve(values.html)}\n`)
  }
  if (values.logs !== undefined) {
    mkdirSync(values.logs, { recursive: true })
    for (const [group, lines] of Object.entries(result.logs))
      writeFileSync(
        join(values.logs, `${group.split('/').at(-1)}.log`),
        lines.map((l) => `${l.message}\n`).join(''),
      )
    process.stdout.write(
      `\nWrote the logs to ${resolve(values.logs)}: try\n` +
        `  node packages/cli/dist/bin.js story ${bob?.correlationId} ${values.logs}/*.log\n`,
    )
  }
  const { startMs, flowMs, totalMs } = result.timings
  process.stdout.write(
    `\nDone in ${(totalMs / 1000).toFixed(1)} s (start-up ${(startMs / 1000).toFixed(1)} s, ` +
      `flow ${(flowMs / 1000).toFixed(1)} s); every emulator, service and function is stopped.\n`,
  )
} catch (error) {
  process.stderr.write(
    `\ndemo failed: ${error instanceof DemoError ? error.message : (error as Error).stack}\n`,
  )
  process.exitCode = 1
}
