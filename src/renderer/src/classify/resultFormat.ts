/** Numbers on the Classify view's cards and in upload and download progress: probabilities, stage times, file sizes. Pure. */
import { formatDecimal } from '@shared/format/formatDecimal'
import { toPercent } from '../catalog/figureFormat'

/** 0.8734 → "87.3%"; tiny but non-zero scores read "<0.1%" rather than a misleading "0.0%". */
export function formatProbability(probability: number): string {
  if (probability > 0 && probability < 0.0005) return '<0.1%'
  return `${formatDecimal(toPercent(probability), 1, 1)}%`
}

/** Stage times: one decimal under 100 ms, whole milliseconds above. */
export function formatMs(ms: number): string {
  const digits = ms < 100 ? 1 : 0
  return `${formatDecimal(ms, digits, digits)} ms`
}
