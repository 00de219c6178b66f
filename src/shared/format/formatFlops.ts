/**
 * FLOPs in the unit that reads best for the value: M below 1 G (PP-LCNet_x0_25's 18.25 M, not
 * "0.0183 G"), G from there up, at up to 3 significant decimals. Pure.
 */
import { formatDecimal } from './formatDecimal'

export function formatFlops(valueG: number): string {
  if (Math.abs(valueG) < 1) return `${formatDecimal(valueG * 1000, 0, 2)} M`
  return `${formatDecimal(valueG, 0, 3)} G`
}
