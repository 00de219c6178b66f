/**
 * A batch job's charts as files, for the Batch view's export menu and `zoo batch chart`: the SVG
 * and 2× PNG of the option the view draws (with what they show written inside them), and the CSV
 * of exactly the plotted bars — plain rows, no comment lines, so pandas and Excel read it as is.
 */
import type { BatchChartExportRequest, BatchSummary } from '../../shared/contract/batch'
import type { ChartExportResult } from '../../shared/contract/charts'
import {
  batchChartOption,
  batchChartRows,
  batchChartTitle,
} from '../../shared/charts/batchChartOption'
import { withSvgJson } from '../../shared/charts/chartMetadata'
import { csvLine } from '../batch/exportResults'
import { slug, stableIds, svgToPng } from './chartExport'
import { renderChartSvg } from './renderChartSvg'

export interface BatchChartData {
  summary: BatchSummary
  jobId: string
  jobLabel: string
  modelId: string
  modelName: string
  appVersion: string
}

export async function exportBatchChart(
  data: BatchChartData,
  request: BatchChartExportRequest,
  now: Date = new Date(),
): Promise<ChartExportResult> {
  const { chart: kind, locale } = request
  const rows = batchChartRows(kind, data.summary, locale)
  const title = batchChartTitle(kind, locale)
  const base = `zoo-batch-${data.jobId}-${slug(data.modelId)}-${kind}`
  const result = (fileName: string, mime: string, bytes: Buffer): ChartExportResult => ({
    fileName,
    mime,
    base64: bytes.toString('base64'),
    points: rows.length,
    missing: 0,
  })

  if (request.format === 'csv') {
    const lines =
      kind === 'classes'
        ? [
            csvLine(['class_index', 'class_name', 'files']),
            ...rows.map((row) => csvLine([row.classIndex, row.label, row.count])),
          ]
        : [
            csvLine(['score_from', 'score_to', 'files']),
            ...rows.map((row) => csvLine([row.from ?? null, row.to ?? null, row.count])),
          ]
    return result(`${base}.csv`, 'text/csv; charset=utf-8', Buffer.from(lines.join(''), 'utf8'))
  }

  const option = batchChartOption({
    kind,
    summary: data.summary,
    modelName: data.modelName,
    jobLabel: data.jobLabel,
    theme: request.theme,
    locale,
    interactive: false,
  })
  const metadata = {
    title,
    job: data.jobId,
    folders: data.jobLabel,
    model: data.modelId,
    chart: kind,
    bars: rows.length,
    files: rows.reduce((sum, row) => sum + row.count, 0),
    appVersion: data.appVersion,
    generatedAt: now.toISOString(),
  }
  const svg = withSvgJson(
    stableIds(renderChartSvg(option, request.width, request.height)),
    'zoo-explorer-batch-chart',
    title,
    metadata,
  )
  if (request.format === 'svg')
    return result(`${base}.svg`, 'image/svg+xml', Buffer.from(svg, 'utf8'))
  const png = await svgToPng(svg, request.pixelRatio, [
    ['Title', title],
    ['Description', `${title}: ${data.modelName} on ${data.jobLabel}, ${metadata.files} files`],
    ['Software', `Zoo Explorer ${data.appVersion}`],
    ['Creation Time', metadata.generatedAt],
    ['zoo-explorer-batch-chart', JSON.stringify(metadata)],
  ])
  return result(`${base}.png`, 'image/png', png)
}
