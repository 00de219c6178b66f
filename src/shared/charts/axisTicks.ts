/**
 * Tick values for chart axes, computed here rather than left to ECharts: a linear axis labels its
 * min and max (ECharts drops a fixed bound that is off its interval), and a log axis gets 1-2-5
 * ticks between decades (ECharts labels decades only, so 0.5–20 G FLOPs would show two labels).
 */
export interface AxisTicks {
  min: number
  max: number
  ticks: number[]
  /** The step between inner ticks (linear axes); 0 on log axes. */
  step: number
}

const clean = (value: number) => Number(value.toPrecision(12))

/** 1, 2, 2.5 or 5 × 10^k: the step that gives at most `most` intervals over `span`. */
export function niceStep(span: number, most = 10): number {
  if (!(span > 0)) return 1
  const raw = span / most
  const decade = 10 ** Math.floor(Math.log10(raw))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * decade >= raw - 1e-12) return clean(m * decade)
  return clean(10 * decade)
}

const onStep = (value: number, step: number) =>
  Math.abs(value / step - Math.round(value / step)) < 1e-6

/**
 * A finer step that a fixed bound falls on (0.75 with 0.02 → 0.01), when it keeps the ticks
 * readable, so that the ticks stay evenly spaced from the bound on.
 */
function stepThrough(step: number, span: number, fixed: (number | null)[]): number {
  const bounds = fixed.filter((b): b is number => b !== null)
  for (const m of [1, 0.5, 0.4, 0.25, 0.2]) {
    const s = clean(step * m)
    if (span / s <= 14 && bounds.every((b) => onStep(b, s))) return s
  }
  return step
}

/**
 * Ticks of a linear axis over the data [lo, hi]; a fixed min or max is kept as is. The bounds are
 * always ticks: a bound off the step replaces the step tick next to it when the two would crowd.
 */
export function linearTicks(
  lo: number,
  hi: number,
  fixedMin: number | null = null,
  fixedMax: number | null = null,
  most = 10,
): AxisTicks {
  let from = fixedMin ?? lo
  let to = fixedMax ?? hi
  if (to <= from) {
    const pad = Math.abs(from) * 0.1 || 1
    if (fixedMax === null) to = from + pad
    else from = to - pad
  }
  const step = stepThrough(niceStep(to - from, most), to - from, [fixedMin, fixedMax])
  const min = fixedMin ?? clean(Math.floor(from / step + 1e-9) * step)
  const max = fixedMax ?? clean(Math.ceil(to / step - 1e-9) * step)
  const inner: number[] = []
  for (let k = Math.ceil(min / step - 1e-9); clean(k * step) <= max + step * 1e-9; k++)
    inner.push(clean(k * step))
  const crowds = (a: number, b: number) => Math.abs(a - b) < step * 0.6
  const ticks = [min, ...inner.filter((t) => !crowds(t, min) && !crowds(t, max)), max]
  return { min, max, ticks, step }
}

/** 1-2-5 ticks of a log axis over [lo, hi] (both > 0), bounds rounded out to the next tick. */
export function logTicks(
  lo: number,
  hi: number,
  fixedMin: number | null = null,
  fixedMax: number | null = null,
): AxisTicks {
  const from = fixedMin ?? lo
  const to = Math.max(fixedMax ?? hi, from)
  const decades = Math.log10(to / from)
  // Over many decades 1-2-5 would crowd: 1-3 from four decades, decades only from seven.
  const mantissas = decades > 7 ? [1] : decades > 4 ? [1, 3] : [1, 2, 5]
  const all: number[] = []
  for (let e = Math.floor(Math.log10(from)) - 1; e <= Math.ceil(Math.log10(to)) + 1; e++)
    for (const m of mantissas) all.push(clean(m * 10 ** e))
  const min = fixedMin ?? [...all].reverse().find((t) => t <= from * (1 + 1e-9)) ?? from
  const max = fixedMax ?? all.find((t) => t >= to * (1 - 1e-9)) ?? to
  const ticks = all.filter((t) => t >= min * (1 - 1e-9) && t <= max * (1 + 1e-9))
  if (fixedMin !== null && ticks[0] !== min) ticks.unshift(min)
  if (fixedMax !== null && ticks[ticks.length - 1] !== max) ticks.push(max)
  return { min, max, ticks, step: 0 }
}

/**
 * Ticks for the part of an axis a zoom shows, [start, end] percent of [min, max] (of their logs on
 * a log axis, as ECharts zooms it): the full axis's ticks would leave one label or none in a deep
 * zoom. Under a decade a log axis gets linear steps, since 1-2-5 would give one tick or none.
 * Null when the whole axis shows.
 */
export function zoomedTicks(
  scale: 'linear' | 'log',
  min: number,
  max: number,
  start: number,
  end: number,
): number[] | null {
  if (start <= 0 && end >= 100) return null
  const log = scale === 'log'
  if (!(max > min) || (log && !(min > 0))) return null
  const at = (percent: number) =>
    log
      ? 10 ** (Math.log10(min) + (Math.log10(max) - Math.log10(min)) * (percent / 100))
      : min + (max - min) * (percent / 100)
  const lo = at(Math.max(0, start))
  const hi = at(Math.min(100, end))
  if (!(hi > lo)) return null
  const ticks = log && hi / lo >= 10 ? logTicks(lo, hi).ticks : linearTicks(lo, hi).ticks
  const slack = (hi - lo) * 1e-9
  return ticks.filter((t) => t >= lo - slack && t <= hi + slack)
}
