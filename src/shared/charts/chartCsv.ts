/** The plotted points as CSV, metadata first as `#` comment lines. */
import type { ChartMetadata } from './chartMetadata'
import { csvMetadataLines } from './chartMetadata'
import type { ChartModel } from './chartModel'
import type { ChartState } from './chartState'

function cell(value: string | number | boolean | null): string {
  if (value === null) return ''
  const text = String(value)
  return /[",\r\n#]/.test(text) || text.trim() !== text ? `"${text.replace(/"/g, '""')}"` : text
}

export function chartCsv(model: ChartModel, state: ChartState, metadata: ChartMetadata): string {
  const hidden = new Set(state.hidden)
  const header = [
    'id',
    'name',
    'series',
    'family',
    `x_${state.x.field}`,
    `y_${state.y.field}`,
    'on_frontier',
    'within_budget',
    'selected',
  ]
  const rows = model.points
    .filter((p) => !hidden.has(p.series))
    .map((p) =>
      [p.id, p.name, p.series, p.family, p.x, p.y, p.onFrontier, p.withinBudget, p.selected]
        .map(cell)
        .join(','),
    )
  return [...csvMetadataLines(metadata), header.join(','), ...rows].join('\n') + '\n'
}
