export function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (s.length === 0) return Number.NaN
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Median of the paired differences and ratios to the baseline measured in the same round. */
export function against(values, baseline) {
  const diffs = []
  const ratios = []
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    const b = baseline[i]
    if (!Number.isFinite(v) || !Number.isFinite(b)) continue
    diffs.push(v - b)
    ratios.push(v / b)
  }
  return { value: median(values), base: median(baseline), over: median(diffs), ratio: median(ratios) }
}
