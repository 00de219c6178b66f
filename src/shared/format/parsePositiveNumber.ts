/**
 * A number typed in a field that takes only amounts above 0 (Explore's budget, the benchmark
 * curve's latency limit): null for an empty field, NaN for anything else that is not such a number
 * (the field then says so), a comma read as the decimal point. Pure.
 */
export function parsePositiveNumber(text: string): number | null {
  const trimmed = text.trim().replace(',', '.')
  if (trimmed === '') return null
  const value = Number(trimmed)
  return Number.isFinite(value) && value > 0 ? value : NaN
}
