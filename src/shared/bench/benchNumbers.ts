/**
 * How a benchmark's numbers print in the app: latencies as every latency figure does (formatFigure's
 * "latency" field, up to 3 decimals, no unit here so callers place "ms"), images per second whole
 * (a tenth below 10, where a whole number would hide the difference). Pure.
 */
import { formatDecimal } from '../format/formatDecimal'
import { formatFigureNumber } from '../format/formatFigure'

export const latencyNumber = (ms: number): string => formatFigureNumber('latency', ms).number

export const throughputNumber = (imagesPerSecond: number): string =>
  formatDecimal(imagesPerSecond, 0, imagesPerSecond < 10 ? 1 : 0)
