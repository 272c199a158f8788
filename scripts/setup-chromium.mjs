// Installs Debian's chromium for the story page's screenshot test when it is missing and we are root.
// Never fatal: without chromium that one test skips and says why.
import { spawnSync } from 'node:child_process'

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0
if (has('chromium')) process.exit(0)
if (process.getuid?.() !== 0 || !has('apt-get')) {
  console.log(
    '[setup-chromium] chromium is missing; the screenshot test will skip (install: apt-get install chromium)',
  )
  process.exit(0)
}
console.log('[setup-chromium] installing chromium from Debian (for the story page screenshot test)')
const run = (args) =>
  spawnSync('apt-get', args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
if (
  run(['update']).status !== 0 ||
  run(['install', '-y', '--no-install-recommends', 'chromium']).status !== 0
) {
  console.log('[setup-chromium] could not install chromium; the screenshot test will skip')
}
