/**
 * Figures at the precision their source published them with: the table, the detail panel,
 * Compare, Explore and the CLI all show "83.00" for a raw "0.8300", never "83" beside "83.00".
 * Pure.
 */
import { formatDecimal } from './formatDecimal'

/** Accuracy is stored as a fraction; shown in percent without floating-point noise (79.12, not 79.1199…). */
export function toPercent(fraction: number): number {
  return Math.round(fraction * 1e8) / 1e6
}

/** A number with exactly `digits` decimals, for aligned table columns. */
export function formatFixed(value: number, digits: number): string {
  return formatDecimal(value, digits, digits)
}

/** A number at the precision it has (up to 6 decimals), for the detail panel. */
export function formatFull(value: number): string {
  return formatDecimal(value, 0, 6)
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))
}

/**
 * How many decimals the source published a figure with, in the unit it is shown in: raw "0.8300"
 * shown as a percent (scale 100) has 2, so 83 is shown "83.00" and not "83". Null when the raw text
 * is in another unit (FLOPs written "46M" but shown in G): then the value speaks for itself.
 */
export function publishedDigits(value: number, raw: string, scale = 1): number | null {
  const match = /-?\d+(?:\.(\d+))?/.exec(raw.replace(/,/g, ''))
  if (!match) return null
  const written = Number(match[0])
  const decimals = match[1]?.length ?? 0
  const shown = value * scale
  if (close(written, shown)) return decimals
  if (close(written * scale, shown)) return Math.max(0, decimals - Math.round(Math.log10(scale)))
  return null
}

/** A figure in its display unit, at the precision it was published with. */
export function formatPublished(value: number, raw: string, scale: number): string {
  const shown = scale === 100 ? toPercent(value) : value * scale
  const digits = publishedDigits(value, raw, scale)
  return digits === null ? formatFull(shown) : formatFixed(shown, digits)
}
