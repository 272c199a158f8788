// Writes BENCHMARKS.md from one run's figures: the tables, the machine, the method and the targets.
import { writeFileSync } from 'node:fs'
import { against, median } from './stats.mjs'

const kib = (b) => (b / 1024).toFixed(1)
const fixed = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a')
const signed = (x, d = 1) => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(d)}` : 'n/a')
const us = (x) => fixed(x, x < 10 ? 2 : 1)
const mark = (ok) => (ok === undefined ? 'pending' : ok ? '**met**' : '**missed**')
const pick = (runs, key) => runs.map((r) => (r.ok ? r[key] : Number.NaN))
// One value per round: the median of that round's processes.
const perRound = (rounds, f) => rounds.map((runs) => median(runs.filter((r) => r.ok).map(f)))
const first = (rounds) => perRound(rounds, (r) => r.firstMs)
const firstCpu = (rounds) => perRound(rounds, (r) => r.firstCpuMs)
const mb = (rounds) => perRound(rounds, (r) => r.rss / 2 ** 20)

export function figures({ rows, errRows, samples, bundles, packages, bytes }) {
  const base = samples.bare
  const out = {}
  for (const p of rows) {
    const s = samples[p.id]
    out[p.id] = {
      warm: against(pick(s.warm, 'warmUs'), pick(base.warm, 'warmUs')),
      warmCpu: against(pick(s.warm, 'warmCpuUs'), pick(base.warm, 'warmCpuUs')),
      cold: against(first(s.unbundled), first(base.unbundled)),
      coldBundled: against(first(s.bundled), first(base.bundled)),
      coldCpu: against(firstCpu(s.unbundled), firstCpu(base.unbundled)),
      coldBundledCpu: against(firstCpu(s.bundled), firstCpu(base.bundled)),
      rss: against(mb(s.unbundled), mb(base.unbundled)),
      rssBundled: against(mb(s.bundled), mb(base.bundled)),
      failures: [...s.unbundled.flat(), ...s.bundled.flat()].filter((r) => !r.ok).length,
      bundle: bundles[p.id],
      packages: packages[p.id]?.length,
      bytes: bytes[p.id],
    }
  }
  const errBase = samples['bare-throw']
  // Per round, the median of that round's processes; each process: its first failure, then 20 warm ones.
  const errorFigures = (s, b) => {
    const all = s.flat()
    return {
      warm: against(
        perRound(s, (r) => r.warmMs),
        perRound(b, (r) => r.warmMs),
      ),
      cold: against(
        perRound(s, (r) => r.coldMs),
        perRound(b, (r) => r.coldMs),
      ),
      coldCpu: against(
        perRound(s, (r) => r.coldCpuMs),
        perRound(b, (r) => r.coldCpuMs),
      ),
      delivered: all.length > 0 && all.every((r) => r.ok && r.delivered),
      threw: all.every((r) => r.ok && r.threw),
      runs: all.length,
    }
  }
  for (const p of errRows) {
    out[p.id] = {
      unbundled: errorFigures(samples[p.id].error, errBase.error),
      bundled: errorFigures(samples[p.id].errorBundled, errBase.errorBundled),
    }
  }
  return out
}

function targets(f, coreEsm) {
  const s = f.sightline
  const ss = f['sightline-sentry']
  const core = f['sightline-core']
  const t = []
  const ratio = (peer, k = 'warm') => (s && f[peer] ? f[peer][k].over / s[k].over : Number.NaN)
  t.push([
    'warm overhead ≤ 10 µs',
    s ? `${us(s.warm.over)} µs (CPU time ${us(s.warmCpu.over)} µs)` : 'n/a',
    s ? s.warm.over <= 10 : undefined,
  ])
  for (const [label, peer, times] of [
    ['… ≥ 8× under Powertools (manual API)', 'powertools-manual', 8],
    ['… ≥ 3× under dazn', 'dazn', 3],
  ]) {
    t.push([
      label,
      s
        ? `${fixed(ratio(peer))}× (${us(f[peer].warm.over)} µs; CPU time ${fixed(ratio(peer, 'warmCpu'))}×, ` +
          `${us(f[peer].warmCpu.over)} µs)`
        : 'n/a',
      s ? ratio(peer) >= times : undefined,
    ])
  }
  t.push([
    'bundled cold start ≤ +25 ms over bare',
    s ? `${signed(s.coldBundled.over)} ms (CPU time ${signed(s.coldBundledCpu.over)} ms)` : 'n/a',
    s ? s.coldBundled.over <= 25 : undefined,
  ])
  t.push([
    '… ≤ +30 ms with Sentry configured',
    ss ? `${signed(ss.coldBundled.over)} ms (CPU time ${signed(ss.coldBundledCpu.over)} ms)` : 'n/a',
    ss ? ss.coldBundled.over <= 30 : undefined,
  ])
  t.push([
    'RSS after the first invocation ≤ +8 MB (unbundled and bundled)',
    s ? `${signed(s.rss.over)} / ${signed(s.rssBundled.over)} MB` : 'n/a',
    s ? s.rss.over <= 8 && s.rssBundled.over <= 8 : undefined,
  ])
  const b = coreEsm
  const cjs = core?.bundle
  t.push([
    'core bundle ≤ 75 KiB minified',
    b ? `${kib(b.minBytes)} KiB (ESM), ${cjs?.minBytes ? kib(cjs.minBytes) : 'n/a'} KiB (CJS)` : 'n/a',
    b ? b.minBytes <= 75 * 1024 && (cjs?.minBytes ?? 0) <= 75 * 1024 : undefined,
  ])
  t.push([
    'core bundle ≤ 25 KiB gzipped',
    b ? `${kib(b.gzipBytes)} KiB (ESM), ${cjs?.gzipBytes ? kib(cjs.gzipBytes) : 'n/a'} KiB (CJS)` : 'n/a',
    b ? b.gzipBytes <= 25 * 1024 && (cjs?.gzipBytes ?? 0) <= 25 * 1024 : undefined,
  ])
  const se = f['sentry-throw']
  const sl = f['sightline-sentry-throw']
  for (const [label, key, d] of [
    ['failing invocation, warm: latency ≤ Sentry’s own wrapper, delivered (unbundled / bundled)', 'warm', 2],
    ['… first failure of a fresh process, start → return, delivered (unbundled / bundled)', 'cold', 1],
  ]) {
    const ok = (m) => sl[m][key].value <= se[m][key].value && sl[m].delivered && se[m].delivered
    const show = (m) =>
      `${fixed(sl[m][key].value, d)}${sl[m].delivered ? '' : ' (not delivered)'} vs ${fixed(se[m][key].value, d)} ms`
    t.push([
      label,
      sl && se ? `${show('unbundled')} / ${show('bundled')}` : 'n/a',
      sl && se ? ok('unbundled') && ok('bundled') : undefined,
    ])
  }
  return t
}

/**
 * What the ratio targets leave for Sightline's work, set against the cheapest way to write one line (raw
 * pino, synchronous): the same run's figures, so the reader can judge the targets themselves.
 */
function ratioFloor(f) {
  const s = f.sightline
  const pino = f.pino
  const pt = f['powertools-manual']
  const dazn = f.dazn
  if (!s || !pino || !pt || !dazn) return []
  const budget = Math.min(pt.warm.over / 8, dazn.warm.over / 3)
  return [
    '**What the ratio targets leave.** The Sightline row writes two lines per invocation, each with one ' +
      'synchronous `write(2)` at the call (a log line and a MONITORING line), plus the capture and the wrapper. ' +
      `≥ 8× under Powertools and ≥ 3× under dazn leave ${us(budget)} µs for all of it in this run; raw pino ` +
      `writing one line with the IDs passed by hand, and nothing else, costs ${us(pino.warm.over)} µs. Meeting the ` +
      'ratios would take buffering lines and writing them later (one write per invocation), which would lose ' +
      'the lines written just before a crash or a hung event loop, and reorder them against `console` output: ' +
      'Sightline does not do that. The absolute target (≤ 10 µs) is the one to hold it to.',
    '',
  ]
}

export function writeReport(run) {
  const { file, command, rows, errRows, pending, coreEsm, notes, machine, rounds, coldRuns, seconds } = run
  const f = figures(run)
  const m = machine.before
  const L = []
  L.push('# Benchmarks: Sightline and its peers, side by side')
  L.push('')
  L.push(
    `Written by \`${command}\` (bench/peers/run.mjs) on ${m.at.slice(0, 10)}, in ${fixed(seconds / 60)} minutes. ` +
      'Do not edit by hand: run the command again. Every figure is a median over ' +
      `${rounds} rounds of fresh processes, the rows interleaved, each compared with the bare handler measured in the ` +
      `same round (cold starts and RSS: the median of ${coldRuns} processes per row and round).`,
  )
  L.push('')
  L.push('## Machine')
  L.push('')
  L.push(`- CPU: ${m.cpu}; ${m.cores} cores; ${fixed(m.memoryGiB)} GiB memory; Linux ${m.kernel}`)
  L.push(`- Node.js ${m.node}`)
  const busy = Math.max(machine.before.load[0], machine.after.load[0])
  L.push(
    `- Load average (1 min) at the start and the end of the run: ${fixed(machine.before.load[0], 2)} and ` +
      `${fixed(machine.after.load[0], 2)} on ${m.cores} cores.` +
      ' The benchmark itself keeps about one core busy (one process at a time, plus the runner and the ' +
      'receiver), so a load near 1 is its own.' +
      (busy > 0.75 * m.cores
        ? ' Above that, other work shared the machine during this run: the medians of interleaved fresh ' +
          'processes and the same-round differences damp it, but absolute figures are noisier and higher than ' +
          'on an idle machine; compare ratios and differences.'
        : ''),
  )
  L.push('')
  L.push('## Results')
  L.push('')
  L.push(
    '| row | work per invocation | warm µs/invocation | warm overhead | ratio to bare | cold start, unbundled | ' +
      'cold start, bundled | RSS after 1st invocation (unbundled / bundled) | bundle min / gzip | packages | stdout bytes/invocation |',
  )
  L.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|')
  for (const p of rows) {
    const r = f[p.id]
    const b = r.bundle
    const checks = Object.entries(r.bytes?.checks ?? {})
      .filter(([, ok]) => !ok)
      .map(([k]) => k)
    const isBase = p.id === 'bare'
    L.push(
      [
        '',
        p.title,
        p.does +
          (checks.length ? ` ⚠ missing in its output: ${checks.join(', ')}` : '') +
          (r.failures ? ` ⚠ ${r.failures} processes failed` : ''),
        us(r.warm.value),
        isBase
          ? `— (CPU ${us(r.warmCpu.value)})`
          : `${signed(r.warm.over, r.warm.over < 10 ? 2 : 1)} µs (CPU ${signed(r.warmCpu.over, r.warmCpu.over < 10 ? 2 : 1)})`,
        isBase ? '1×' : `${fixed(r.warm.ratio)}×`,
        isBase ? `${fixed(r.cold.value)} ms` : `${fixed(r.cold.value)} ms (${signed(r.cold.over)})`,
        b?.outfile
          ? isBase
            ? `${fixed(r.coldBundled.value)} ms`
            : `${fixed(r.coldBundled.value)} ms (${signed(r.coldBundled.over)})`
          : `bundle fails: ${b?.error ?? 'n/a'}`,
        isBase
          ? `${fixed(r.rss.value)} / ${fixed(r.rssBundled.value)} MB`
          : `${signed(r.rss.over)} / ${signed(r.rssBundled.over)} MB`,
        b?.outfile ? `${kib(b.minBytes)} / ${kib(b.gzipBytes)} KiB` : 'n/a',
        String(r.packages ?? 'n/a'),
        r.bytes?.ok ? fixed(r.bytes.perInvocation, 0) : 'n/a',
        '',
      ]
        .join(' | ')
        .trim(),
    )
  }
  for (const p of pending.filter((p) => !p.id.endsWith('-throw')))
    L.push(
      `| ${p.title} | ${p.does} | pending: a Sightline package it needs does not build yet | | | | | | | | |`,
    )
  L.push('')
  L.push(
    'Overheads are `row − bare` (µs, ms, MB) and ratios `row / bare`, each the median over the rounds of ' +
      'the same-round pair. Cold start is the time from the process start to the end of the first invocation ' +
      '(Node’s own start-up included, so the bare row is the floor). Packages: the distinct packages ' +
      'installed for the row’s imports (dependencies, installed optional dependencies, required peers).',
  )
  L.push('')
  L.push('### Cold start: wall time and CPU time')
  L.push('')
  L.push(
    'The same processes: wall time (what a cold start costs) and the process’s CPU time, all threads ' +
      '(`process.cpuUsage()`), at the end of the first invocation. On a shared machine the CPU time is the ' +
      'steadier of the two.',
  )
  L.push('')
  L.push('| row | unbundled, wall | unbundled, CPU | bundled, wall | bundled, CPU |')
  L.push('|---|--:|--:|--:|--:|')
  for (const p of rows) {
    const r = f[p.id]
    const cell = (x) =>
      p.id === 'bare' ? `${fixed(x.value)} ms` : `${fixed(x.value)} ms (${signed(x.over)})`
    L.push(
      `| ${p.title} | ${cell(r.cold)} | ${cell(r.coldCpu)} | ${r.bundle?.outfile ? cell(r.coldBundled) : 'n/a'} | ` +
        `${r.bundle?.outfile ? cell(r.coldBundledCpu) : 'n/a'} |`,
    )
  }
  L.push('')
  L.push('### Error path: a failing invocation whose error must reach the local Sentry receiver')
  L.push('')
  L.push(
    '| row | warm failing invocation, unbundled | bundled | first failure of a fresh process (start → return), ' +
      'unbundled | bundled | delivered before return |',
  )
  L.push('|---|--:|--:|--:|--:|---|')
  for (const p of errRows) {
    const r = f[p.id]
    const isBase = p.id === 'bare-throw'
    const cell = (m, key, d) => {
      const x = r[m][key]
      return isBase ? `${fixed(x.value, d)} ms` : `${fixed(x.value, d)} ms (${signed(x.over, d)})`
    }
    const delivered = (m) =>
      r[m].runs === 0 ? 'n/a' : r[m].delivered ? `yes (${r[m].runs} × 21 of 21)` : '**no**'
    L.push(
      `| ${p.title} | ${cell('unbundled', 'warm', 2)} | ${cell('bundled', 'warm', 2)} | ` +
        `${cell('unbundled', 'cold', 1)} | ${cell('bundled', 'cold', 1)} | ` +
        `${p.delivers ? `unbundled: ${delivered('unbundled')}; bundled: ${delivered('bundled')}` : 'nothing to deliver'} |`,
    )
  }
  for (const p of pending.filter((p) => p.id.endsWith('-throw'))) L.push(`| ${p.title} | pending | | | | |`)
  L.push('')
  L.push('## Targets (issue 9)')
  L.push('')
  L.push('| target | this run | |')
  L.push('|---|---|---|')
  for (const [name, value, ok] of targets(f, coreEsm)) L.push(`| ${name} | ${value} | ${mark(ok)} |`)
  L.push('')
  L.push(...ratioFloor(f))
  if (coreEsm && (coreEsm.minBytes > 75 * 1024 || coreEsm.gzipBytes > 25 * 1024))
    L.push(...missing(coreEsm, run.extras))
  L.push(...METHOD)
  if (notes.size > 0) {
    L.push('')
    L.push('### What the processes printed on stderr (first occurrence per row)')
    L.push('')
    for (const [id, text] of notes) {
      L.push(`- ${id}: \`${text.split('\n')[0].slice(0, 200).replaceAll('`', "'")}\``)
    }
  }
  L.push('')
  writeFileSync(file, `${L.join('\n')}`)
}

function missing(core, extras) {
  const logger = Object.entries(core.inputs).find(([k]) => k.includes('packages/logger/dist/'))?.[1] ?? 0
  const L = ['### What the core bundle is missing', '']
  L.push(
    `Of the quick-start bundle’s ${kib(core.minBytes)} KiB, ${kib(logger)} KiB are \`@sightline/logger\`’s ESM ` +
      'dist, which carries pino inside on purpose (a user’s esbuild ESM bundle of pino fails without a banner ' +
      'otherwise; see packages/logger/tsup.config.ts).' +
      (extras
        ? ` Of pino’s ${kib(extras.pinoBytes)} KiB minified, ${kib(extras.extrasBytes)} KiB serve only its ` +
          `transports, multistream and SonicBoom destination (${extras.modules.join(', ')}), which Sightline ` +
          'never runs: it writes every line through its own destination.'
        : ''),
  )
  L.push('')
  L.push(
    'Proposed (issue 9 report, not applied here): an esbuild plugin in the logger’s tsup config that replaces ' +
      'those modules with stubs throwing `ERR_SIGHTLINE_PINO_FEATURE_UNAVAILABLE` if ever called, in the ESM ' +
      'and the CJS builds (the CJS build then carries pino too). Measured on a copy of the package on ' +
      '2026-11-22: the quick-start bundle fell from 86.3 / 29.6 KiB to 61.2 / 21.6 KiB (ESM; minified / ' +
      'gzipped), and the same handler written with `require` from 91.6 / 31.3 KiB to 68.1 / 23.7 KiB: within ' +
      'the target. Until then CI’s budget (examples/quickstart/test/budgets.test.ts) holds today’s size plus a ' +
      'small margin: 90 KiB minified, 31 KiB gzipped.',
  )
  L.push('')
  return L
}

const METHOD = [
  '## Method',
  '',
  '- **Same work where the library can**: read the correlation ID of an API Gateway v1 event ' +
    '(`packages/correlation/test/fixtures/apiGatewayProxyEvent.correlated.json`), write one info line with ' +
    'the request id, record one custom metric, return 200. What each row really does is in its "work" column; ' +
    'its stdout is checked for the line, the IDs of the last invocation and the metric (⚠ marks a miss). ' +
    'The handlers are in `bench/peers/handlers/`.',
  '- **Fresh processes**: each row runs in its own Node process (`bench/peers/lib/child.mjs`) that imports ' +
    'the handler and calls it as the runtime would, with a new context (request id, deadline) per ' +
    'invocation and Lambda’s environment variables (`LAMBDA_TASK_ROOT`, `AWS_LAMBDA_FUNCTION_NAME`, ' +
    '`_X_AMZN_TRACE_ID` with `Sampled=0`, …), not under the runtime client: the Runtime API’s HTTP ' +
    'round trip would be the same for every row and only add noise. Lambda’s patched `console` is not there.',
  '- **Warm overhead**: stdout is /dev/null for every row. After ≥ 400 ms of warm-up, batches of ~50 ms of ' +
    'sequential invocations are timed for ≥ 1.5 s; the process reports its median batch, in wall time and in ' +
    'its CPU time (`process.cpuUsage()`, all threads), which a shared machine disturbs less. The targets are ' +
    'judged on wall time.',
  '- **Cold start**: `performance.now()` at the end of the first invocation, i.e. from the process start ' +
    '(several processes per row and round, the round’s median kept), ' +
    'for the handler module as installed (unbundled, ESM) and for its esbuild bundle (CommonJS, minified, ' +
    'platform node, target node20 — what CDK’s NodejsFunction and SAM emit by default), the bundle run from ' +
    'a temporary folder where nothing else can be resolved. RSS is read right after that first invocation.',
  '- **Bundle size**: the same bundles, minified bytes and gzip (zlib default level) bytes. The core-bundle ' +
    'target is measured on the quick-start handler (`examples/quickstart/handler.mjs`, correlation + logger ' +
    '+ handler-wrapper) in ESM and CJS, the same handler CI’s budget test bundles.',
  '- **Error path**: a throwing handler; Sentry’s DSN points to a local envelope receiver on 127.0.0.1 ' +
    '(`http://key@127.0.0.1:<port>/1`). After each failing invocation, outside the timed window, the process asks ' +
    'the receiver how many error events it holds: it must already count this one (delivered before return). ' +
    'Per row and round, several fresh processes (as many as for cold starts) for the handler module (ESM) and ' +
    'as many for its bundle (CJS), each measuring its first failure (from the process start, so the SDK’s load ' +
    'counts wherever it happens), then 20 warm failures (median); the round keeps the median process.',
  '- **Stdout bytes**: stdout to a file, 1 + 20 invocations; bytes of the 20 warm ones / 20.',
  '- **Interleaving**: each round runs every row once; the order rotates every round and reverses every ' +
    'other round. Overheads and ratios are medians of the same-round differences with the bare handler.',
  '- **Installation**: the peers are installed by npm from `bench/peers/package-lock.json` (no download ' +
    'addresses recorded); that folder is not a pnpm workspace package, so `pnpm install` and `pnpm test` never ' +
    'install them. The Sightline packages are built from this checkout and linked into ' +
    '`bench/peers/node_modules/@sightline/` (npm cannot install their `workspace:` dependencies), so they ' +
    'resolve their own dependencies from the pnpm workspace.',
  '',
  '## Notes on the peers',
  '',
  '- **dazn-lambda-powertools**: its correlation-ids middleware requires `aws-sdk/clients/dynamodb` (the AWS ' +
    'SDK v2, which is not in the nodejs18.x+ runtimes) at load, for its DynamoDB source, without declaring it: ' +
    'it does not load at all until `aws-sdk` is installed, and its bundle carries that part of the SDK. ' +
    'It runs on middy 2, which it was written for. It has no metrics API. It keys the IDs by the header names ' +
    'as sent: with the event’s `X-Correlation-Id` header, its line carries that value under `X-Correlation-Id` ' +
    'and a generated `x-correlation-id` (the API Gateway request id).',
  '- **Powertools for AWS Lambda** 2.x: tracing is off (`new Tracer({ enabled: false })`); the correlation ID is ' +
    'set with `logger.setCorrelationId` (the JMESPath helper its middleware option needs has no release ' +
    'matching the Logger’s exact peer version). Its cold-start metric is on, as Sightline’s is.',
  '- **@sentry/aws-serverless** wraps the raw pino handler (Sentry itself writes no line and records no metric ' +
    'here). `Sentry.init` runs at import with its defaults; `wrapHandler` flushes after every invocation, and the ' +
    'client’s flush waits on a 1 ms timer at least once even with nothing to send: hence its warm wall time ' +
    'far above its CPU time.',
  '- **Sightline**: `wrap()` captures the IDs; `metrics.count` writes a MONITORING line at the call; ' +
    '`metrics.plugin()` adds the cold-start metric. With the Sentry plugin configured, `@sentry/node` is not ' +
    'loaded until the first capture. Its one-file CommonJS bundle carries the part of `@sentry/node` the plugin ' +
    'imports all the same (esbuild follows the plugin’s lazy import; the plugin imports the SDK by name, so ' +
    'about half of it comes along): evaluated only at the first capture, but read and parsed at load, hence ' +
    'its size and its bundled cold start. ESM with code splitting keeps it in a chunk of its own.',
]
