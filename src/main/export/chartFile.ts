/**
 * The file side of every chart export (Explore's charts, a batch job's): an ECharts option drawn
 * as a stable SVG or a sharp PNG with what it shows written inside, a CSV, and the result the API
 * hands back. Each export decides what its chart is and says; this decides how files are made.
 */
import sharp from 'sharp'
import type { EChartsOption } from 'echarts'
import type { ChartExportResult, ChartFileRequest } from '../../shared/contract/charts'
import { addPngText } from './pngTextChunks'
import { renderChartSvg } from './renderChartSvg'

export interface ChartFile {
  fileName: string
  mime: string
  bytes: Buffer
}

/** What the chart writes about itself into the file it is drawn in. */
export interface ChartMarks {
  /** Adds the `<title>` and `<metadata>` to the drawn SVG. */
  svg: (svg: string) => string
  /** PNG text chunks, keyword and text. */
  png: readonly [string, string][]
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

/** `option` drawn at the request's size as `<base>.svg` or `<base>.png`, marked as `marks` say. */
export async function drawnChartFile(
  option: EChartsOption,
  request: ChartFileRequest & { format: 'svg' | 'png' },
  base: string,
  marks: ChartMarks,
): Promise<ChartFile> {
  const svg = marks.svg(stableIds(renderChartSvg(option, request.width, request.height)))
  if (request.format === 'svg')
    return { fileName: `${base}.svg`, mime: 'image/svg+xml', bytes: Buffer.from(svg, 'utf8') }
  return {
    fileName: `${base}.png`,
    mime: 'image/png',
    bytes: await svgToPng(svg, request.pixelRatio, marks.png),
  }
}

export function csvChartFile(base: string, text: string): ChartFile {
  return {
    fileName: `${base}.csv`,
    mime: 'text/csv; charset=utf-8',
    bytes: Buffer.from(text, 'utf8'),
  }
}

/** The file as the API returns it, with how many points (or bars) it draws and how many it cannot. */
export function chartExportResult(
  file: ChartFile,
  points: number,
  missing: number,
): ChartExportResult {
  return {
    fileName: file.fileName,
    mime: file.mime,
    base64: file.bytes.toString('base64'),
    points,
    missing,
  }
}
