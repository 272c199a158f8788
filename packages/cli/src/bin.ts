#!/usr/bin/env node
import { main } from './cli.js'

main(process.argv.slice(2), process).then(
  (status) => {
    process.exitCode = status
  },
  (error: unknown) => {
    process.stderr.write(
      `sightline: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    process.exitCode = 70
  },
)
