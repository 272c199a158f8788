/** The metric types of the MONITORING grammar this package writes (`check` is only read, and skipped). */
export type MetricType = 'count' | 'gauge' | 'histogram'

/**
 * One MONITORING line (Datadog's legacy log-metric grammar):
 * `MONITORING|<epoch seconds>|<value>|<type>|<name>[|#k:v,…]\n`. `name` and `tagText` must already be
 * clean (see `cleanName` and the tagger) and `value` finite: this only assembles.
 */
export function formatLine(
  epochSeconds: number,
  value: number,
  type: MetricType,
  name: string,
  tagText: string,
): string {
  return `MONITORING|${epochSeconds}|${value}|${type}|${name}${tagText}\n`
}

export const epochSeconds = (ms: number): number => Math.floor(ms / 1000)
