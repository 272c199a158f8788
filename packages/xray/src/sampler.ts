/**
 * X-Ray's default rule for requests that arrive without a decision: the first request of each second, then
 * `rate` of the rest.
 */
export function sampler(rate: number, now: () => number = Date.now, random: () => number = Math.random) {
  let second = -1
  return (): boolean => {
    const s = Math.floor(now() / 1000)
    if (s !== second) {
      second = s
      return true
    }
    return random() < rate
  }
}
