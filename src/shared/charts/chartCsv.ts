/**
 * The plotted models as CSV, metadata first as `#` comment lines: the two plotted values, then
 * every figure of each model (accuracies, parameters, FLOPs, size, input size and every latency
 * it has), each header carrying its unit. Accuracies are written as percent (79.72, not 0.7972),
 * as the axes show them, and their headers say "%".
 */
import type { ModelRow } from '../contract/catalog'
import { chartFields, type ChartFieldId } from './chartFields'
import type { ChartMetadata } from './chartMetadata'
import { csvMetadataLines } from './chartMetadata'
import type { ChartModel } from './chartModel'
import type { ChartState } from './chartState'
import { latencyLabel, platformOrder } from './platformLabel'

function cell(value: string | number | boolean | null): string {
  if (value === null) return ''
  const text = String(value)
  return /[",\r\n#]/.test(text) || text.trim() !== text ? `"${text.replace(/"/g, '""')}"` : text
}

/** A value in the unit its header names: accuracies in percent, without float noise. */
export function csvValue(value: number | null, field: ChartFieldId): number | null {
  if (value === null) return null
  return chartFields[field].percent ? Number((value * 100).toPrecision(10)) : value
}

/** "top1 [%]": a field's column name with its unit. */
export const csvHeader = (name: string, field: ChartFieldId) =>
  `${name} [${chartFields[field].unit}]`

const FIGURES: [name: string, field: Exclude<ChartFieldId, 'latency'>][] = [
  ['top1', 'top1'],
  ['top5', 'top5'],
  ['params', 'paramsM'],
  ['flops', 'flopsG'],
  ['size', 'sizeMB'],
  ['input_size', 'inputSize'],
]

type Latency = ModelRow['latencies'][number]
const latencyKey = (l: Pick<Latency, 'platform' | 'batchSize' | 'threads'>) =>
  `${l.platform}|${l.batchSize}|${l.threads ?? ''}`

export function chartCsv(model: ChartModel, state: ChartState, metadata: ChartMetadata): string {
  const hidden = new Set(state.hidden)
  const points = model.points.filter((p) => !hidden.has(p.group))
  // Every latency any plotted model has, by platform (catalog order), then batch size, threads.
  const keys = new Map<string, Latency>()
  for (const p of points) for (const l of p.row.latencies) keys.set(latencyKey(l), l)
  const latencies = [...keys.values()].sort(
    (a, b) =>
      platformOrder(a.platform) - platformOrder(b.platform) ||
      a.batchSize - b.batchSize ||
      (a.threads ?? 0) - (b.threads ?? 0),
  )
  const header = [
    'id',
    'name',
    'series',
    'family',
    csvHeader(`x_${state.x.field}`, state.x.field),
    csvHeader(`y_${state.y.field}`, state.y.field),
    ...FIGURES.map(([name, field]) => csvHeader(name, field)),
    ...latencies.map((l) => `latency [ms] ${latencyLabel(l, 'en')}`),
    'on_frontier',
    'within_budget',
    'selected',
  ]
  const rows = points.map((p) => {
    const ms = new Map(p.row.latencies.map((l) => [latencyKey(l), l.ms]))
    return [
      p.id,
      p.name,
      p.series,
      p.family,
      csvValue(p.x, state.x.field),
      csvValue(p.y, state.y.field),
      ...FIGURES.map(([, field]) => csvValue(p.row[field], field)),
      ...latencies.map((l) => ms.get(latencyKey(l)) ?? null),
      p.onFrontier,
      p.withinBudget,
      p.selected,
    ]
      .map(cell)
      .join(',')
  })
  return [...csvMetadataLines(metadata), header.map(cell).join(','), ...rows].join('\n') + '\n'
}
