import { randomBytes } from 'node:crypto'
import { dirname } from 'node:path'

export interface LambdaEnvInput {
  runtimeApi: string
  handler: string
  taskRoot: string
  runtimeDir: string
  nodeBin: string
  nodeMajor: number
  functionName: string
  region: string
  memoryMb: number
  maxConcurrency: number | undefined
  extra: Record<string, string>
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex')

export function functionArn(region: string, functionName: string): string {
  return `arn:aws:lambda:${region}:123456789012:function:${functionName}`
}

// Same shape as the X-Ray header Lambda passes: Root=1-<epoch s hex>-<24 hex>;Parent=<16 hex>;Sampled=0|1
export function newTraceId(sampled = false): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16)
  return `Root=1-${epoch}-${hex(12)};Parent=${hex(8)};Sampled=${sampled ? 1 : 0}`
}

function logStreamName(): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/')
  return `${day}/[$LATEST]${hex(16)}`
}

// A clean environment like Lambda's: nothing of the test runner leaks in (NODE_OPTIONS, a stray
// _X_AMZN_TRACE_ID, real credentials); the runtime client sets _X_AMZN_TRACE_ID per invocation itself.
export function lambdaEnv(input: LambdaEnvInput): Record<string, string> {
  const env: Record<string, string> = {
    PATH: `${dirname(input.nodeBin)}:${process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'}`,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: input.taskRoot,
    LAMBDA_RUNTIME_DIR: input.runtimeDir,
    _HANDLER: input.handler,
    AWS_LAMBDA_RUNTIME_API: input.runtimeApi,
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${input.nodeMajor}.x`,
    AWS_LAMBDA_FUNCTION_NAME: input.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(input.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${input.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    AWS_ACCESS_KEY_ID: 'ASIASIGHTLINETEST000',
    AWS_SECRET_ACCESS_KEY: 'sightline-test-secret-access-key-not-real',
    AWS_SESSION_TOKEN: 'sightline-test-session-token-not-real',
  }
  if (input.maxConcurrency !== undefined) env.AWS_LAMBDA_MAX_CONCURRENCY = String(input.maxConcurrency)
  return { ...env, ...input.extra }
}
