import { existsSync } from 'node:fs'
import { isRuntimeInstalled } from '../../../tools/lambda-harness/index.js'

/** What the demo says when it cannot run (printed without a stack). */
export class DemoError extends Error {
  override name = 'DemoError'
}

/** Packages whose built `dist` the functions import. */
const BUILT = [
  'correlation',
  'logger',
  'handler-wrapper',
  'http-client',
  'aws-clients',
  'metrics',
  'xray',
  'sentry-lambda',
  'cli',
]

/** The functions load the built packages and run under the runtime client: both must be there. */
export function checkPrerequisites(): void {
  const missing = BUILT.filter(
    (p) => !existsSync(new URL(`../../../packages/${p}/dist/index.js`, import.meta.url)),
  )
  if (missing.length > 0)
    throw new DemoError(
      `Not built: ${missing.join(', ')}. Run \`pnpm run build\` first (\`pnpm demo\` does).`,
    )
  if (!isRuntimeInstalled(3))
    throw new DemoError(
      'The Lambda runtime client is not installed: run `pnpm run setup:runtime` first (`pnpm demo` does).',
    )
}

export interface Cleanup {
  add(step: () => unknown): void
  /** Runs the steps, last added first, whatever fails; resolves once their handles are released. */
  run(): Promise<void>
}

export function createCleanup(): Cleanup {
  const steps: Array<() => unknown> = []
  return {
    add(step) {
      steps.push(step)
    },
    async run() {
      for (const step of steps.reverse())
        await Promise.resolve()
          .then(step)
          .catch(() => undefined)
      steps.length = 0
      // A closed server or socket releases its handle on the next turn of the event loop.
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve))
    },
  }
}
