// A namespace import: a bundle's top level then declares no `createRequire`, the name the usual ESM
// banner (`import { createRequire } from 'module'`) declares.
import * as nodeModule from 'node:module'

/** The parts of aws-xray-sdk-core 3.x's Segment and Subsegment we use. */
export interface SdkDocument {
  readonly id: string
  trace_id?: string
  parent_id?: string
  namespace?: string
  http?: Record<string, unknown>
  aws?: Record<string, unknown>
  end_time?: number
  in_progress?: boolean
  fault?: boolean
  addAnnotation(key: string, value: string | number | boolean): void
  addError(error: object | string, remote?: boolean): void
  addErrorFlag(): void
  addFaultFlag(): void
  addThrottleFlag(): void
  format(): string
}

export interface SdkSubsegment extends SdkDocument {
  close(): void
}

export interface Sdk {
  readonly Subsegment: new (name: string) => SdkSubsegment
  readonly Segment: new (name: string, rootId?: string, parentId?: string) => SdkDocument
}

// The document classes alone: 11 small modules. The package's main entry loads ~90 (30–100 ms here) and,
// when LAMBDA_TASK_ROOT is set, starts its Lambda mode: a cls-hooked async hook on every async operation of
// the process and one facade segment per process, which is what mixes up concurrent invocations.
const DOCUMENTS = {
  Subsegment: 'aws-xray-sdk-core/dist/lib/segments/attributes/subsegment.js',
  Segment: 'aws-xray-sdk-core/dist/lib/segments/segment.js',
}

/**
 * The `require` that loads the SDK: relative to this module (the ESM or CommonJS build as installed, or an
 * ESM bundle), else the bundle's own. A CommonJS bundle of the ESM build (CDK's and SAM's default output)
 * has an empty `import.meta`, and its `require` resolves from the bundle, where an external
 * aws-xray-sdk-core is installed.
 */
function requireForSdk(): NodeJS.Require {
  const url: unknown = import.meta.url
  if (typeof url === 'string') return nodeModule.createRequire(url)
  if (typeof require === 'function') return require
  throw new TypeError('no `require` to load aws-xray-sdk-core with')
}

/** Loads the SDK's document classes; throws when the package is not installed. */
export function loadSdk(): Sdk {
  const require = requireForSdk()
  let sdk: Partial<Sdk>
  try {
    sdk = { Subsegment: require(DOCUMENTS.Subsegment), Segment: require(DOCUMENTS.Segment) }
  } catch {
    // A later 3.x moved its files: the main entry still exports both classes.
    sdk = require('aws-xray-sdk-core') as Partial<Sdk>
  }
  if (typeof sdk.Subsegment !== 'function' || typeof sdk.Segment !== 'function')
    throw new TypeError('aws-xray-sdk-core exports no Segment and Subsegment classes')
  return sdk as Sdk
}
