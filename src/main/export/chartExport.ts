/**
 * The export engine shared by the app and the CLI: a chart state in, an SVG, a 2× PNG or the CSV
 * of exactly the plotted points out, each carrying the chart's metadata.
 */
import type { ModelRow } from '../../shared/contract'
import type { ChartExportRequest, ChartExportResult } from '../../shared/contract/charts'
import { chartCsv } from '../../shared/charts/chartCsv'
import {
  describeAxis,
  describeFilters,
  pngTextEntries,
  withSvgMetadata,
  type ChartMetadata,
} from '../../shared/charts/chartMetadata'
import { chartModel } from '../../shared/charts/chartModel'
import { buildChartOption } from '../../shared/charts/chartOption'
import { chartSubtitle, chartTitle } from '../../shared/charts/chartTitle'
import { chartExportResult, csvChartFile, drawnChartFile, slug } from './chartFile'

/** Title and subtitle live in src/shared so the Explore view says the same; re-exported for callers here. */
export { chartSubtitle, chartTitle }

export interface ChartData {
  rows: readonly ModelRow[]
  seriesOrder: readonly string[]
  catalogVersion: string
  appVersion: string
  sources: string[]
}

export async function exportChart(
  data: ChartData,
  request: ChartExportRequest,
  now: Date = new Date(),
): Promise<ChartExportResult> {
  const { state, locale } = request
  const model = chartModel(data.rows, state, data.seriesOrder)
  const { title, subtitle: caveat } = chartTitle(state, locale)
  const subtitle = chartSubtitle(model, state, locale, caveat)
  const hidden = new Set(state.hidden)
  const metadata: ChartMetadata = {
    title,
    x: describeAxis(state.x, locale),
    y: describeAxis(state.y, locale),
    filters: describeFilters(state),
    points: model.points.filter((p) => !hidden.has(p.group)).length,
    catalogVersion: data.catalogVersion,
    appVersion: data.appVersion,
    generatedAt: now.toISOString(),
    sources: data.sources,
    state,
  }
  const base = `zoo-${slug(state.preset ?? `${state.y.field}-vs-${state.x.field}`)}`
  const missing = model.missing.length

  if (request.format === 'csv')
    return chartExportResult(
      csvChartFile(base, chartCsv(model, state, metadata)),
      metadata.points,
      missing,
    )
  const option = buildChartOption({
    model,
    state,
    locale,
    theme: request.theme,
    title,
    subtitle,
    interactive: false,
  })
  const file = await drawnChartFile(option, { ...request, format: request.format }, base, {
    svg: (svg) => withSvgMetadata(svg, metadata),
    png: pngTextEntries(metadata),
  })
  return chartExportResult(file, metadata.points, missing)
}
