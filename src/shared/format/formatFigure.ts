/**
 * The one way a figure is printed, with its unit, everywhere (Compare, the Models table, chart
 * tooltips, the CLI): at the precision the source published it with when its text is known, the
 * unit per value for FLOPs ("229.66 M", "4.11 G"), a space before every unit. Pure.
 */
import { fieldTable, type FigureFieldId } from '../catalog/fieldTable'
import { formatDecimal } from './formatDecimal'
import { formatFlops } from './formatFlops'
import { formatFixed, formatPublished, publishedDigits, toPercent } from './publishedPrecision'

/** The number alone, in the field's display unit (percent for fractions, M or G for FLOPs). */
export function formatFigureNumber(
  field: FigureFieldId,
  value: number,
  raw?: string | null,
): { number: string; unit: string } {
  const def = fieldTable[field]
  switch (def.format) {
    case 'percent':
      return {
        number: raw ? formatPublished(value, raw, 100) : formatDecimal(toPercent(value), 0, 2),
        unit: def.unit,
      }
    case 'flops': {
      const digits = raw ? publishedDigits(value, raw, 1) : null
      if (digits === null) {
        const [number = '', unit = 'G'] = formatFlops(value).split(' ')
        return { number, unit }
      }
      // Published in G with `digits` decimals: in M that is three fewer.
      return Math.abs(value) < 1
        ? { number: formatFixed(value * 1000, Math.max(0, digits - 3)), unit: 'M' }
        : { number: formatFixed(value, digits), unit: 'G' }
    }
    case 'integer':
      return { number: formatDecimal(value, 0, 0), unit: def.unit }
    case 'decimal':
      return {
        number: raw ? formatPublished(value, raw, 1) : formatDecimal(value, 0, 3),
        unit: def.unit,
      }
  }
}

/** "83.00 %", "229.66 M", "224 px", "3.52 ms". */
export function formatFigure(field: FigureFieldId, value: number, raw?: string | null): string {
  const { number, unit } = formatFigureNumber(field, value, raw)
  return `${number} ${unit}`
}

const signed = (text: string, value: number) => (value > 0 ? `+${text}` : text)

/**
 * A difference between two values of a field, signed: accuracies in percentage points
 * ("+1.20 pp"), FLOPs in M or G, others at up to 3 decimals. Zero prints as "0".
 */
export function formatFigureDelta(field: FigureFieldId, delta: number): string {
  const def = fieldTable[field]
  if (delta === 0) return `0 ${def.percent ? 'pp' : def.unit}`
  if (def.percent) return `${signed(formatFixed(toPercent(delta), 2), delta)} pp`
  if (def.format === 'flops') return signed(formatFlops(delta), delta)
  return `${signed(formatDecimal(delta, 0, 3), delta)} ${def.unit}`
}

/** A relative difference ("+12.5 %", "−3 %" as "-3 %"), one decimal. */
export function formatRelative(ratio: number): string {
  return `${signed(formatDecimal(ratio * 100, 0, 1), ratio)} %`
}
