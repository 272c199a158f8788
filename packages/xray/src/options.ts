import { invalidOption } from '@sightline/correlation'

export type Env = Readonly<Record<string, string | undefined>>

export interface TracingOptions {
  /** Turns tracing on. Default: `SIGHTLINE_TRACING` is `true` or `1`. */
  readonly enabled?: boolean
  /**
   * Where the X-Ray daemon listens, `host:port` or `udp:host:port tcp:host:port`. Default:
   * `AWS_XRAY_DAEMON_ADDRESS` (Lambda sets it), else `127.0.0.1:2000`.
   */
  readonly daemonAddress?: string
  /** Where those variables are read, once, when the plugin, middleware or `enableTracing` is set up. */
  readonly env?: Env
}

export interface DaemonAddress {
  readonly host: string
  readonly port: number
}

export type TracingConfig =
  | { readonly enabled: true; readonly daemon: DaemonAddress }
  | { readonly enabled: false; readonly daemon?: undefined }

export const DEFAULT_DAEMON_ADDRESS = '127.0.0.1:2000'
const HOST_PORT = /^([A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?):(\d{1,5})$/
const ON = /^(?:true|1)$/i

/**
 * Reads the options and the environment once. Bad options throw `ERR_SIGHTLINE_INVALID_OPTION`;
 * `AWS_XRAY_DAEMON_ADDRESS` is only read (and checked) when tracing is on.
 */
export function resolveTracing(options: TracingOptions = {}): TracingConfig {
  if (options === null || typeof options !== 'object') invalidOption('options', 'an object', options)
  const { enabled, daemonAddress, env = process.env } = options
  if (enabled !== undefined && typeof enabled !== 'boolean') invalidOption('enabled', 'a boolean', enabled)
  if (env === null || typeof env !== 'object') invalidOption('env', 'an object', env)
  const given = daemonAddress === undefined ? undefined : daemonOption(daemonAddress)
  if (!(enabled ?? ON.test(env.SIGHTLINE_TRACING ?? ''))) return { enabled: false }
  if (given !== undefined) return { enabled: true, daemon: given }
  const fromEnv = env.AWS_XRAY_DAEMON_ADDRESS || DEFAULT_DAEMON_ADDRESS
  const daemon = parseDaemonAddress(fromEnv)
  if (daemon === undefined) invalidOption('AWS_XRAY_DAEMON_ADDRESS', EXPECTED, fromEnv)
  return { enabled: true, daemon }
}

const EXPECTED = '"host:port" or "udp:host:port tcp:host:port"'

function daemonOption(address: unknown): DaemonAddress {
  return parseDaemonAddress(address) ?? invalidOption('daemonAddress', EXPECTED, address)
}

/** `host:port`, or the two-address form the daemon documents (only the UDP one is used). */
export function parseDaemonAddress(address: unknown): DaemonAddress | undefined {
  if (typeof address !== 'string') return undefined
  const parts = address.trim().split(/\s+/)
  let hostPort: string | undefined
  if (parts.length === 1) hostPort = parts[0]
  else if (parts.length === 2) {
    const udp = parts.filter((p) => p.startsWith('udp:'))
    const tcp = parts.filter((p) => p.startsWith('tcp:'))
    if (udp.length !== 1 || tcp.length !== 1 || parseHostPort(tcp[0]!.slice(4)) === undefined)
      return undefined
    hostPort = udp[0]!.slice(4)
  }
  return hostPort === undefined ? undefined : parseHostPort(hostPort)
}

function parseHostPort(s: string): DaemonAddress | undefined {
  const m = HOST_PORT.exec(s)
  if (m === null) return undefined
  const port = Number(m[2])
  return port >= 1 && port <= 65_535 ? { host: m[1]!, port } : undefined
}
