/**
 * The numeric fields a chart axis can show, how to read each from a catalog row, and which way is
 * better (accuracy up, cost down): the Pareto frontier and budget line depend on it. Built from
 * the field table in `src/shared/catalog/fieldTable.ts`.
 */
import type { PlatformId } from '../catalog/types'
import type { ModelRow } from '../contract/catalog'
import { fieldTable } from '../catalog/fieldTable'
import { numericFields, type NumericField } from '../contract/values'

/** Any numeric field of a model, as the Models view filters and sorts them, can be an axis. */
export const chartFieldIds = numericFields
export type ChartFieldId = NumericField

export interface LatencyChoice {
  platform: PlatformId
  batchSize: number
  threads: number | null
}

export interface ChartFieldDef {
  id: ChartFieldId
  better: 'higher' | 'lower'
  /** Axis labels; `{key}` is replaced by the latency key's description. */
  label: { en: string; 'zh-CN': string }
  unit: string
  defaultScale: 'linear' | 'log'
  /** Accuracy fields are fractions: shown as percent on axes and in tooltips. */
  percent: boolean
}

/** Log scale where values span orders of magnitude (params from 0.5 M to 800 M). */
const defaultScale: Record<ChartFieldId, 'linear' | 'log'> = {
  top1: 'linear',
  top5: 'linear',
  paramsM: 'log',
  flopsG: 'log',
  sizeMB: 'log',
  inputSize: 'linear',
  latency: 'linear',
}

/**
 * Labels, units and directions come from the one field table. The frontier needs a side for every
 * axis: a field with no direction (input size) is plotted as a cost, lower first.
 */
export const chartFields = Object.fromEntries(
  chartFieldIds.map((id) => {
    const def = fieldTable[id]
    const better: 'higher' | 'lower' = def.direction === 'higher' ? 'higher' : 'lower'
    return [
      id,
      {
        id,
        better,
        label: def.label,
        unit: def.unit,
        defaultScale: defaultScale[id],
        percent: def.percent,
      },
    ]
  }),
) as Record<ChartFieldId, ChartFieldDef>

export function fieldValue(
  row: ModelRow,
  field: ChartFieldId,
  latency?: LatencyChoice,
): number | null {
  switch (field) {
    case 'latency': {
      if (!latency) return null
      const match = row.latencies.find(
        (l) =>
          l.platform === latency.platform &&
          l.batchSize === latency.batchSize &&
          l.threads === latency.threads,
      )
      return match?.ms ?? null
    }
    default:
      return row[field]
  }
}
