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
  type BatchChartInput,
  type BatchChartRow,
} from '../../shared/charts/batchChartOption'
import { withSvgJson } from '../../shared/charts/chartMetadata'
import { csvLine } from '../batch/exportResults'
import { chartExportResult, csvChartFile, drawnChartFile, slug } from './chartFile'

export interface BatchChartData {
  summary: BatchSummary
  jobId: string
  jobLabel: string
  modelId: string
  modelName: string
  appVersion: string
}

/** The SVG `<metadata>` id and the PNG text keyword of a batch chart's metadata (JSON). */
export const BATCH_CHART_METADATA = 'zoo-explorer-batch-chart'

function csvText(input: BatchChartInput, rows: readonly BatchChartRow[]): string {
  const lines =
    input.kind === 'classes'
      ? [
          csvLine(['class_index', 'class_name', 'files']),
          ...rows.map((row) => csvLine([row.classIndex, row.label, row.count])),
        ]
      : [
          csvLine(['score_from', 'score_to', 'files']),
          ...rows.map((row) => csvLine([row.bin?.from ?? null, row.bin?.to ?? null, row.count])),
        ]
  return lines.join('')
}

export async function exportBatchChart(
  data: BatchChartData,
  request: BatchChartExportRequest,
  now: Date = new Date(),
): Promise<ChartExportResult> {
  const input: BatchChartInput = {
    kind: request.chart,
    summary: data.summary,
    modelName: data.modelName,
    jobLabel: data.jobLabel,
    theme: request.theme,
    locale: request.locale,
    interactive: false,
    size: { width: request.width, height: request.height },
  }
  // The same rows as the drawing: at this size the tail folds into "other" where the chart's does.
  const rows = batchChartRows(input)
  // By name: a model attached as a file has its path for an id.
  const base = `zoo-batch-${data.jobId}-${slug(data.modelName)}-${request.chart}`
  if (request.format === 'csv')
    return chartExportResult(csvChartFile(base, csvText(input, rows)), rows.length, 0)

  const title = batchChartTitle(request.chart, request.locale)
  const metadata = {
    title,
    job: data.jobId,
    folders: data.jobLabel,
    model: data.modelId,
    chart: request.chart,
    bars: rows.length,
    files: rows.reduce((sum, row) => sum + row.count, 0),
    appVersion: data.appVersion,
    generatedAt: now.toISOString(),
  }
  const file = await drawnChartFile(
    batchChartOption(input),
    { ...request, format: request.format },
    base,
    {
      svg: (svg) => withSvgJson(svg, BATCH_CHART_METADATA, title, metadata),
      png: [
        ['Title', title],
        ['Description', `${title}: ${data.modelName} on ${data.jobLabel}, ${metadata.files} files`],
        ['Software', `Zoo Explorer ${data.appVersion}`],
        ['Creation Time', metadata.generatedAt],
        [BATCH_CHART_METADATA, JSON.stringify(metadata)],
      ],
    },
  )
  return chartExportResult(file, rows.length, 0)
}
