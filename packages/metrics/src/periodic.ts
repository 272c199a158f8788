export interface PeriodicFlush {
  /** Starts the interval and the shutdown listeners, once; a no-op when the interval is 0. */
  arm(): void
  stop(): void
}

/**
 * For long-running services (Express): sends what was recorded outside invocations every `intervalMs`
 * (unref'd: it never keeps the process alive), when the event loop drains (`beforeExit`) and on SIGTERM.
 * Armed on the first buffered metric, so an idle instance starts nothing.
 */
export function createPeriodicFlush(intervalMs: number, flush: () => Promise<void>): PeriodicFlush {
  let timer: NodeJS.Timeout | undefined

  const onBeforeExit = () => {
    void flush()
  }
  const onSigterm = () => {
    void flush().finally(() => {
      // Our listener replaced Node's default action (exit); give it back when nobody else handles SIGTERM.
      if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM')
    })
  }

  return {
    arm() {
      if (timer !== undefined || intervalMs <= 0) return
      timer = setInterval(() => void flush(), intervalMs)
      timer.unref()
      process.on('beforeExit', onBeforeExit)
      process.once('SIGTERM', onSigterm)
    },
    stop() {
      if (timer === undefined) return
      clearInterval(timer)
      timer = undefined
      process.off('beforeExit', onBeforeExit)
      process.off('SIGTERM', onSigterm)
    },
  }
}
