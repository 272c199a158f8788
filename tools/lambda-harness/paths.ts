import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { HarnessError } from './errors.js'

export type RicVersion = 3 | 4
export type NodeVersion = 'current' | 22 | 24

const runtimeDir = fileURLToPath(new URL('../lambda-runtime/', import.meta.url))
export const serverScript = fileURLToPath(new URL('./runtime-api.mjs', import.meta.url))

// 3.x starts from bin/index.mjs and reads the handler from argv; 4.x has no bin/ folder, starts from
// its package root and reads _HANDLER + LAMBDA_TASK_ROOT instead.
const ENTRY: Record<RicVersion, string> = { 3: 'ric3/bin/index.mjs', 4: 'ric4/index.mjs' }
const ADDON: Record<RicVersion, string> = { 3: 'ric3/dist/rapid-client.node', 4: 'ric4/rapid-client.node' }

const modulePath = (rel: string) => `${runtimeDir}node_modules/${rel}`

export function isRuntimeInstalled(ric: RicVersion): boolean {
  return existsSync(modulePath(ENTRY[ric])) && existsSync(modulePath(ADDON[ric]))
}

export function ricEntry(ric: RicVersion): string {
  if (!isRuntimeInstalled(ric)) {
    throw new HarnessError(
      'RUNTIME_NOT_INSTALLED',
      `aws-lambda-ric for ric ${ric} is not installed in tools/lambda-runtime: ` +
        'run `node scripts/setup-lambda-runtime.mjs` (part of `pnpm test`)',
    )
  }
  return modulePath(ENTRY[ric])
}

export function isNodeAvailable(node: NodeVersion): boolean {
  return node === 'current' || existsSync(modulePath(`node${node}/bin/node`))
}

export function nodeBinary(node: NodeVersion): string {
  if (node === 'current') return process.execPath
  if (!isNodeAvailable(node)) {
    throw new HarnessError(
      'NODE_NOT_AVAILABLE',
      `Node ${node} is not installed in tools/lambda-runtime (it ships for linux-x64 only): ` +
        'run `node scripts/setup-lambda-runtime.mjs`',
    )
  }
  return modulePath(`node${node}/bin/node`)
}

export function nodeMajor(node: NodeVersion): number {
  return node === 'current' ? Number(process.versions.node.split('.')[0]) : node
}
