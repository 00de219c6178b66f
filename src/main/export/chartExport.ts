/**
 * The export engine shared by the app and the CLI: a chart state in, an SVG, a 2× PNG or the CSV
 * of exactly the plotted points out, each carrying the chart's metadata.
 */
import sharp from 'sharp'
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
import { addPngText } from './pngTextChunks'
import { renderChartSvg } from './renderChartSvg'

/** Title and subtitle live in src/shared so the Explore view says the same; re-exported for callers here. */
export { chartSubtitle, chartTitle }

export interface ChartData {
  rows: readonly ModelRow[]
  seriesOrder: readonly string[]
  catalogVersion: string
  appVersion: string
  sources: string[]
}

export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'chart'
  )
}

/** zrender numbers its elements per process; make ids stable so one state gives one file. */
export function stableIds(svg: string): string {
  // zrender also numbers CSS classes from a process-wide counter: renumber them by first use.
  const classes = new Map<string, string>()
  return svg.replace(/\bzr\d+-/g, 'zr-').replace(/\bzr-cls-\d+\b/g, (name) => {
    let stable = classes.get(name)
    if (!stable) classes.set(name, (stable = `zr-cls-${classes.size}`))
    return stable
  })
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
    points: model.points.filter((p) => !hidden.has(p.series)).length,
    catalogVersion: data.catalogVersion,
    appVersion: data.appVersion,
    generatedAt: now.toISOString(),
    sources: data.sources,
    state,
  }
  const base = `zoo-${slug(state.preset ?? `${state.y.field}-vs-${state.x.field}`)}`
  const result = (fileName: string, mime: string, bytes: Buffer): ChartExportResult => ({
    fileName,
    mime,
    base64: bytes.toString('base64'),
    points: metadata.points,
    missing: model.missing.length,
  })

  if (request.format === 'csv') {
    return result(
      `${base}.csv`,
      'text/csv; charset=utf-8',
      Buffer.from(chartCsv(model, state, metadata), 'utf8'),
    )
  }
  const option = buildChartOption({
    model,
    state,
    locale,
    theme: request.theme,
    title,
    subtitle,
    interactive: false,
  })
  const svg = withSvgMetadata(
    stableIds(renderChartSvg(option, request.width, request.height)),
    metadata,
  )
  if (request.format === 'svg')
    return result(`${base}.svg`, 'image/svg+xml', Buffer.from(svg, 'utf8'))

  const png = await svgToPng(svg, request.pixelRatio, pngTextEntries(metadata))
  return result(`${base}.png`, 'image/png', png)
}

/** The SVG at `pixelRatio` × its size (72 dpi is one SVG pixel per PNG pixel), with text chunks. */
export async function svgToPng(
  svg: string,
  pixelRatio: number,
  text: readonly [string, string][],
): Promise<Buffer> {
  const png = await sharp(Buffer.from(svg, 'utf8'), { density: 72 * pixelRatio })
    .png({ compressionLevel: 9 })
    .toBuffer()
  return addPngText(png, text)
}
