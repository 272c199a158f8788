/** The codes this package adds to the core's (`ERR_SIGHTLINE_INVALID_OPTION`); the README lists them all. */
export const cliCodes = Object.freeze({
  /** The command line asks for something the CLI does not do: the usage goes to stderr, exit status 2. */
  USAGE: 'ERR_SIGHTLINE_CLI_USAGE',
  /** An input file cannot be opened (missing, a directory, no permission): exit status 2. */
  UNREADABLE: 'ERR_SIGHTLINE_CLI_UNREADABLE',
  /** The `--html` file cannot be written: exit status 2. */
  UNWRITABLE: 'ERR_SIGHTLINE_CLI_UNWRITABLE',
} as const)

export type CliErrorCode = (typeof cliCodes)[keyof typeof cliCodes]
