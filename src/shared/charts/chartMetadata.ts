/**
 * What every exported chart carries about itself (title, axes, filters, catalog and app version,
 * date, sources), and how that is written into SVG, PNG and CSV.
 */
import { latencyLabel } from './platformLabel'
import { chartFields } from './chartFields'
import type { ChartAxis, ChartState } from './chartState'

export interface ChartMetadata {
  title: string
  x: string
  y: string
  filters: string
  points: number
  catalogVersion: string
  appVersion: string
  generatedAt: string
  sources: string[]
  state: ChartState
}

export function describeAxis(axis: ChartAxis, locale: 'en' | 'zh-CN' = 'en'): string {
  const def = chartFields[axis.field]
  const latency =
    axis.field === 'latency' && axis.latency ? ` (${latencyLabel(axis.latency, locale)})` : ''
  return `${def.label[locale]}${latency} [${def.unit}], ${axis.scale}`
}

export function describeFilters(state: ChartState): string {
  const parts = [
    state.series.length ? `series: ${state.series.join(', ')}` : 'series: all',
    ...(state.ids.length ? [`models: ${state.ids.length} chosen`] : []),
    ...(state.hidden.length ? [`hidden: ${state.hidden.join(', ')}`] : []),
    ...(state.budget !== null ? [`budget: x ≤ ${state.budget}`] : []),
  ]
  return parts.join('; ')
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** A `<title>` and a `<metadata id=…>` element (JSON inside) right after the opening `<svg …>` tag. */
export function withSvgJson(svg: string, id: string, title: string, json: unknown): string {
  const element = `<metadata id="${id}">${escapeXml(JSON.stringify(json))}</metadata>`
  const titled = `<title>${escapeXml(title)}</title>${element}`
  return svg.replace(/<svg\b[^>]*>/, (open) => open + titled)
}

export function withSvgMetadata(svg: string, metadata: ChartMetadata): string {
  return withSvgJson(svg, 'zoo-explorer-chart', metadata.title, metadata)
}

export function readSvgMetadata(svg: string): ChartMetadata | null {
  const match = /<metadata id="zoo-explorer-chart">([\s\S]*?)<\/metadata>/.exec(svg)
  if (!match) return null
  const text = match[1]!
    .replace(/&quot;/g, '"')
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&amp;/g, '&')
  return JSON.parse(text) as ChartMetadata
}

/** `# key: value` lines that open the CSV. */
export function csvMetadataLines(metadata: ChartMetadata): string[] {
  const line = (key: string, value: string | number) =>
    `# ${key}: ${String(value).replace(/[\r\n]+/g, ' ')}`
  return [
    line('title', metadata.title),
    line('x', metadata.x),
    line('y', metadata.y),
    line('filters', metadata.filters),
    line('points', metadata.points),
    line('catalog version', metadata.catalogVersion),
    line('app version', metadata.appVersion),
    line('generated', metadata.generatedAt),
    line('sources', metadata.sources.join(', ')),
    line('state', JSON.stringify(metadata.state)),
  ]
}

/** Key/value pairs for PNG text chunks (the keywords PNG defines where one fits). */
export function pngTextEntries(metadata: ChartMetadata): [string, string][] {
  return [
    ['Title', metadata.title],
    [
      'Description',
      `${metadata.y} against ${metadata.x}; ${metadata.filters}; ${metadata.points} models`,
    ],
    ['Software', `Zoo Explorer ${metadata.appVersion}`],
    ['Creation Time', metadata.generatedAt],
    ['Source', metadata.sources.join(', ')],
    ['zoo-explorer-chart', JSON.stringify(metadata)],
  ]
}
