/** File sizes, one way everywhere (UI, CLI, error messages). Pure. */
import { formatDecimal } from './formatDecimal'

const units = ['B', 'KB', 'MB', 'GB', 'TB'] as const

/** 3_482_112 → "3.3 MB" (binary multiples, as file managers show them). */
export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1
  return `${formatDecimal(value, digits, digits)} ${units[unit]}`
}
