export type Env = Readonly<Record<string, string | undefined>>

/**
 * The tags every metric carries unless `createMetrics({ tags })` says otherwise: `service` from
 * `SIGHTLINE_SERVICE`, `env` from `SIGHTLINE_ENVIRONMENT`, `function_name` from `AWS_LAMBDA_FUNCTION_NAME`
 * (each only when set).
 */
export function defaultTags(env: Env = process.env): Record<string, string> {
  const tags: Record<string, string> = {}
  if (env.SIGHTLINE_SERVICE) tags.service = env.SIGHTLINE_SERVICE
  if (env.SIGHTLINE_ENVIRONMENT) tags.env = env.SIGHTLINE_ENVIRONMENT
  if (env.AWS_LAMBDA_FUNCTION_NAME) tags.function_name = env.AWS_LAMBDA_FUNCTION_NAME
  return tags
}

export interface Settings {
  readonly tags: Record<string, string>
  /** Inside a Lambda sandbox, where a timer may be frozen for hours: no periodic flush there. */
  readonly inLambda: boolean
}

/** Everything read from the environment, read once when an instance is created. */
export function settingsFrom(env: Env): Settings {
  return {
    tags: defaultTags(env),
    inLambda: Boolean(env.AWS_LAMBDA_FUNCTION_NAME || env.LAMBDA_TASK_ROOT || env.AWS_LAMBDA_RUNTIME_API),
  }
}
