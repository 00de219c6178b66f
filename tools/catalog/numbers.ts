/**
 * Reading and normalising the numbers in table cells: missing marks, percent accuracies,
 * FLOPs in G or M, and how precisely each was written.
 */
const MISSING = new Set(['', '-', '--', '—', '/', 'N/A', 'n/a'])

/** The number a cell holds, null when it is marked missing, undefined when it is not a number. */
export function readNumber(cell: string): number | null | undefined {
  const text = cell.trim()
  if (MISSING.has(text)) return null
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : undefined
}

/** Digits after the decimal point as written: "0.7972" → 4, "590" → 0. */
export function decimals(raw: string): number {
  const match = /\.(\d+)/.exec(raw.trim())
  return match ? match[1]!.length : 0
}

/**
 * Accuracies are fractions in every table but one row written in percent (77.04). A value above
 * 1 cannot be a fraction, so it is read as percent.
 */
export function accuracyFraction(value: number): number {
  return value > 1 ? roundTo(value / 100, 10) : value
}

export function flopsInG(value: number, unit: 'G' | 'M'): number {
  return unit === 'G' ? value : roundTo(value / 1000, 10)
}

/** Removes binary floating-point noise from unit conversions (590 / 1000 → 0.59, not 0.5900000001). */
export function roundTo(value: number, digits: number): number {
  return Number(value.toFixed(digits))
}

/** Precision of a figure in its normalised unit, to compare figures written in different units. */
export function normalisedPrecision(raw: string, scaleDigits: number): number {
  return decimals(raw) + scaleDigits
}
