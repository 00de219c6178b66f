/**
 * The measured-versus-published table of a model's graph facts, as `zoo facts` prints it and the
 * model panel shows it: one row per figure, the numbers through the one figure formatter, the
 * difference flagged past 5 %. Labels are the face's (English text, or i18n keys by `key`). Pure.
 */
import type { ModelFactsReport } from '../contract/facts'
import { formatDecimal } from '../format/formatDecimal'
import { formatFigure, formatRelative } from '../format/formatFigure'

/** A measured figure this far from the published one (either way) is flagged. */
export const FLAG_ABOVE = 0.05

export type FactsRowKey = 'params' | 'macs' | 'weightMacs' | 'activationMatmulMacs' | 'flops'

export interface FactsRow {
  key: FactsRowKey
  measured: string
  published: string | null
  /** "+1.2 %", or null where nothing was published to compare with. */
  difference: string | null
  flagged: boolean
}

const flops = (count: number) => formatFigure('flopsG', count / 1e9)

/** In M as the zoo writes them; a model too small for that (a test's, a toy's) as a count. */
const params = (count: number) =>
  count < 10_000 ? formatDecimal(count, 0, 0) : formatFigure('paramsM', count / 1e6)

export function factsRows(report: ModelFactsReport): FactsRow[] {
  const { facts, published, difference } = report
  const compared = (d: number | null) => ({
    difference: d === null ? null : formatRelative(d),
    flagged: d !== null && Math.abs(d) > FLAG_ABOVE,
  })
  const rows: FactsRow[] = [
    {
      key: 'params',
      measured: params(facts.params),
      published:
        published?.paramsM != null
          ? formatFigure('paramsM', published.paramsM, published.paramsRaw)
          : null,
      ...compared(difference.params),
    },
    {
      key: 'macs',
      measured: flops(facts.macs),
      published:
        published?.flopsG != null
          ? formatFigure('flopsG', published.flopsG, published.flopsRaw)
          : null,
      ...compared(difference.macs),
    },
    { key: 'weightMacs', measured: flops(facts.weightMacs), ...compared(null), published: null },
  ]
  if (facts.activationMatmulMacs > 0)
    rows.push({
      key: 'activationMatmulMacs',
      measured: flops(facts.activationMatmulMacs),
      published: null,
      ...compared(null),
    })
  rows.push({ key: 'flops', measured: flops(facts.flops), published: null, ...compared(null) })
  return rows
}

/** "[1, 3, 224, 224]". */
export const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`
