/**
 * The latency limit typed beside the benchmark curve: null for an empty field, NaN for anything
 * that is not a number of ms above 0 (the field then says so), a comma read as the decimal point
 * as Explore's budget field reads it. Pure.
 */
export function parseLimitMs(text: string): number | null {
  const trimmed = text.trim().replace(',', '.')
  if (trimmed === '') return null
  const value = Number(trimmed)
  return Number.isFinite(value) && value > 0 ? value : NaN
}
