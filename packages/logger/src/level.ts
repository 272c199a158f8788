import { invalidOption } from '@sightline/correlation'

export type LevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent'

export const levelValues: Readonly<Record<LevelName, number>> = Object.freeze({
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
})

function parseLevel(value: string | undefined): LevelName | undefined {
  if (value === undefined || value === '') return undefined
  const v = value.trim().toLowerCase()
  if (v === 'warning') return 'warn'
  if (v === 'critical') return 'fatal'
  return Object.hasOwn(levelValues, v) ? (v as LevelName) : undefined
}

export interface ResolvedLevel {
  readonly level: LevelName
  /** Set when LOG_LEVEL asked for more than Lambda's log-level filter lets through. */
  readonly warning: string | undefined
}

/**
 * The configured level: the option, else `LOG_LEVEL`, else `AWS_LAMBDA_LOG_LEVEL`, else info. Lambda's
 * advanced logging controls drop JSON lines below `AWS_LAMBDA_LOG_LEVEL`, so a lower LOG_LEVEL is raised
 * to it (with a warning) instead of paying for lines nobody will see.
 */
export function resolveLevel(
  option: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedLevel {
  if (option !== undefined && parseLevel(option) === undefined) {
    invalidOption('level', `one of ${Object.keys(levelValues).join(', ')}`, option)
  }
  const wanted =
    parseLevel(option) ?? parseLevel(env.LOG_LEVEL) ?? parseLevel(env.AWS_LAMBDA_LOG_LEVEL) ?? 'info'
  const lambda = parseLevel(env.AWS_LAMBDA_LOG_LEVEL)
  if (lambda !== undefined && levelValues[lambda] > levelValues[wanted]) {
    return {
      level: lambda,
      warning: `log level ${wanted} is below AWS_LAMBDA_LOG_LEVEL=${lambda}, which Lambda enforces: using ${lambda}`,
    }
  }
  return { level: wanted, warning: undefined }
}
