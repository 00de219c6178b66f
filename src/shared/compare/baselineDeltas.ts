/**
 * Each model's difference from a chosen baseline model, per row: absolute (in the row's unit, or
 * percentage points for accuracies) and relative. Missing on either side means no delta, not 0.
 * Pure.
 */
import type { CompareRow } from './compareRows'

export interface Delta {
  absolute: number
  /** `absolute / baseline`; null when the baseline is 0 (no ratio to speak of). */
  relative: number | null
}

/** Rounds off float noise (0.8012 − 0.7912 = 0.010000000000000009) at 12 significant digits. */
const clean = (value: number) => Number(value.toPrecision(12))

export function delta(value: number | null, baseline: number | null): Delta | null {
  if (value === null || baseline === null) return null
  const absolute = clean(value - baseline)
  return { absolute, relative: baseline === 0 ? null : clean(absolute / Math.abs(baseline)) }
}

/** One delta per cell; the baseline's own cell and cells without a value get null. */
export function baselineDeltas(row: CompareRow, baselineIndex: number): (Delta | null)[] {
  const base = row.cells[baselineIndex]?.value ?? null
  return row.cells.map((cell, index) => (index === baselineIndex ? null : delta(cell.value, base)))
}
