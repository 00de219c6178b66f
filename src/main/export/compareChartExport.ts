/**
 * Compare's charts as files (the view's export buttons): the SVG or 2× PNG of the option the view
 * draws, with the models and what the chart shows written inside, or the comparison's CSV.
 */
import type { CatalogModel, Platform } from '../../shared/catalog/types'
import { compareChartOption, chartMetrics } from '../../shared/compare/compareChartOption'
import { comparisonDocument } from '../../shared/compare/comparisonDocument'
import { comparisonCsv } from '../../shared/compare/comparisonText'
import { withSvgJson } from '../../shared/charts/chartMetadata'
import type { ChartExportResult } from '../../shared/contract/charts'
import type { CompareChartExportRequest } from '../../shared/contract/compare'
import { chartExportResult, csvChartFile, drawnChartFile } from './chartFile'

/** The SVG `<metadata>` id and the PNG text keyword of a comparison chart's metadata (JSON). */
export const COMPARE_CHART_METADATA = 'zoo-explorer-compare-chart'

export async function exportCompareChart(
  models: readonly CatalogModel[],
  platforms: readonly Platform[],
  request: CompareChartExportRequest,
  appVersion: string,
  now: Date = new Date(),
): Promise<ChartExportResult> {
  const doc = comparisonDocument(models, platforms, {
    baseline: request.baseline,
    locale: request.locale,
  })
  const base = `zoo-compare-${models.length}-models-${request.chart}${request.chart === 'bars' ? `-${request.mode}` : ''}`
  const metrics = chartMetrics(doc)
  if (request.format === 'csv')
    return chartExportResult(csvChartFile(base, comparisonCsv(doc)), metrics.length, 0)
  const option = compareChartOption({
    doc,
    kind: request.chart,
    mode: request.mode,
    theme: request.theme,
    locale: request.locale,
    interactive: false,
  })
  const title = String((option.title as { text: string }).text)
  const metadata = {
    title,
    chart: request.chart,
    mode: request.mode,
    models: doc.models.map((m) => m.id),
    metrics: metrics.map((row) => row.id),
    appVersion,
    generatedAt: now.toISOString(),
  }
  const file = await drawnChartFile(option, { ...request, format: request.format }, base, {
    svg: (svg) => withSvgJson(svg, COMPARE_CHART_METADATA, title, metadata),
    png: [
      ['Title', title],
      ['Description', `${title}: ${metadata.models.join(', ')}`],
      ['Software', `Zoo Explorer ${appVersion}`],
      ['Creation Time', metadata.generatedAt],
      [COMPARE_CHART_METADATA, JSON.stringify(metadata)],
    ],
  })
  return chartExportResult(file, metrics.length, 0)
}
