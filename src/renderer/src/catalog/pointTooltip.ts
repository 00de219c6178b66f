/**
 * The HTML of a chart point's tooltip: every figure of the model, each with the model-list line it
 * was read from, the plotted two marked. Pure and given its words, so it is the same in both
 * languages and testable without a browser. Everything from the catalog is escaped: ECharts puts
 * the string into the page as HTML.
 */
import { THIS_MACHINE, type MachineLatency } from '@shared/bench/machineLatencies'
import type { MachinePoint, PlottedPoint } from '@shared/charts/chartModel'
import type { ChartAxis } from '@shared/charts/chartState'
import type { PlatformId } from '@shared/catalog/types'
import type { ModelRow } from '@shared/contract'
import { escapeHtml } from '@shared/format/escapeHtml'
import { fieldTable } from '@shared/catalog/fieldTable'
import { formatFigureNumber } from '@shared/format/formatFigure'
import { formatFull, toPercent } from './figureFormat'

/** Every `sourceLines` and latency `line` of a list row points into this document. */
export const MODEL_LIST_FILE = 'model_list.zh_CN.md'

export const tooltipFields = ['top1', 'top5', 'paramsM', 'flopsG', 'sizeMB', 'inputSize'] as const
export type TooltipField = (typeof tooltipFields)[number]

export interface TooltipText {
  /** Name of each figure ("Top-1 accuracy"); units come with the number, from formatFigure. */
  figures: Record<TooltipField, string>
  latency: string
  /** "V100 · batch 1". */
  latencyKey: (key: { platform: PlatformId; batchSize: number; threads: number | null }) => string
  notPublished: string
  tables: string
  onFrontier: string
  overBudget: string
  selected: string
  open: string
  /** Where this machine's latencies come from, in place of a model-list line ("benchmarked here"). */
  measuredHere: string
  /** How to add the model to Compare, or take it out when it is in. */
  compare: (id: string) => string
}

const platformOrder: PlatformId[] = [
  'v100-trt-fp32',
  'sd855-arm-fp32',
  'xeon6148-paddle-fp32',
  'xeon6271c-openvino-fp32',
  THIS_MACHINE,
]

/**
 * Every digit the source published (the list rows carry no published text to round to), in the
 * units the rest of the app uses: percent, and FLOPs in M below 1 G.
 */
function figureValue(row: ModelRow, field: TooltipField): { number: string; unit: string } | null {
  const value = row[field]
  if (value === null) return null
  const { unit } = formatFigureNumber(field, value)
  if (fieldTable[field].percent) return { number: formatFull(toPercent(value)), unit }
  return { number: formatFull(unit === 'M' && field === 'flopsG' ? value * 1000 : value), unit }
}

function sourceCell(line: number | undefined): string {
  return line === undefined ? '' : escapeHtml(`${MODEL_LIST_FILE}:${line}`)
}

function plottedLatency(a: ChartAxis, latency: ModelRow['latencies'][number]): boolean {
  return (
    a.field === 'latency' &&
    a.latency !== null &&
    a.latency.platform === latency.platform &&
    a.latency.batchSize === latency.batchSize &&
    a.latency.threads === latency.threads
  )
}

export function pointTooltipHtml(
  point: PlottedPoint,
  axes: { x: ChartAxis; y: ChartAxis },
  text: TooltipText,
): string {
  const { row } = point
  const plotted = (field: string) => axes.x.field === field || axes.y.field === field
  const line = (
    label: string,
    value: { number: string; unit: string } | null,
    source: string,
    on: boolean,
  ) =>
    `<tr${on ? ' class="zt-on"' : ''}><th>${escapeHtml(label)}</th>` +
    (value === null
      ? `<td class="zt-none">${escapeHtml(text.notPublished)}</td>`
      : `<td>${escapeHtml(value.number)}${value.unit ? `&#8239;${escapeHtml(value.unit)}` : ''}</td>`) +
    `<td class="zt-src">${source}</td></tr>`

  const figures = tooltipFields.map((field) =>
    line(
      text.figures[field],
      figureValue(row, field),
      sourceCell(field === 'inputSize' ? undefined : row.sourceLines[field]),
      plotted(field),
    ),
  )
  const latencies = [...row.latencies]
    .sort(
      (a, b) =>
        platformOrder.indexOf(a.platform) - platformOrder.indexOf(b.platform) ||
        a.batchSize - b.batchSize ||
        (a.threads ?? 0) - (b.threads ?? 0),
    )
    .map((latency) =>
      line(
        `${text.latency} · ${text.latencyKey(latency)}`,
        { number: formatFull(latency.ms), unit: fieldTable.latency.unit },
        // This machine's figures come from its benchmark runs, not from a line of the model list.
        latency.platform === THIS_MACHINE
          ? escapeHtml(text.measuredHere)
          : sourceCell(latency.line),
        plottedLatency(axes.x, latency) || plottedLatency(axes.y, latency),
      ),
    )

  const flags = [
    point.onFrontier ? text.onFrontier : null,
    point.withinBudget ? null : text.overBudget,
    point.selected ? text.selected : null,
  ].filter((flag): flag is string => flag !== null)
  const tables = row.tables
    .map(
      (table) =>
        `${escapeHtml(table.section)} <span class="zt-src">${sourceCell(table.line)}</span>`,
    )
    .join('<br>')

  return [
    `<div class="zt">`,
    `<div class="zt-head"><b>${escapeHtml(row.id)}</b>`,
    row.displayName !== row.id
      ? ` <span class="zt-muted">${escapeHtml(row.displayName)}</span>`
      : '',
    `</div>`,
    `<div class="zt-muted">${escapeHtml(row.series)} · ${escapeHtml(row.family)}</div>`,
    flags.length ? `<div class="zt-flags">${flags.map(escapeHtml).join(' · ')}</div>` : '',
    `<table>${figures.join('')}${latencies.join('')}</table>`,
    tables
      ? `<div class="zt-tables"><span class="zt-muted">${escapeHtml(text.tables)}</span><br>${tables}</div>`
      : '',
    `<div class="zt-hint">${escapeHtml(text.open)}<br>${escapeHtml(text.compare(row.id))}</div>`,
    `</div>`,
  ].join('')
}

export interface MachineTooltipText {
  title: string
  median: string
  p90: string
  /** "Published · V100 · batch 1". */
  published: string
  busy: string
  /** "Measured 2026-12-04 · run 3f0a…". */
  measured: (date: string, run: string) => string
  /** "This machine · batch 1 · 2 threads". */
  key: (key: { batchSize: number; threads: number | null }) => string
  machine: (fingerprint: MachineLatency['fingerprint']) => string
}

/** This machine's point of a model: its measured figures beside the published one, and the machine. */
export function machineTooltipHtml(
  point: MachinePoint,
  figure: MachineLatency | undefined,
  text: MachineTooltipText,
): string {
  const ms = (value: number) => `${escapeHtml(formatFull(value))}&#8239;ms`
  const row = (label: string, value: string, on = false) =>
    `<tr${on ? ' class="zt-on"' : ''}><th>${escapeHtml(label)}</th><td>${value}</td><td class="zt-src"></td></tr>`
  return [
    `<div class="zt">`,
    `<div class="zt-head"><b>${escapeHtml(point.id)}</b> <span class="zt-muted">${escapeHtml(text.title)}</span></div>`,
    figure ? `<div class="zt-muted">${escapeHtml(text.machine(figure.fingerprint))}</div>` : '',
    figure?.busy ? `<div class="zt-flags">${escapeHtml(text.busy)}</div>` : '',
    `<table>`,
    row(`${text.median} · ${text.key(point)}`, ms(point.x), true),
    figure ? row(text.p90, ms(figure.p90Ms)) : '',
    row(text.published, ms(point.from.x)),
    `</table>`,
    figure
      ? `<div class="zt-hint">${escapeHtml(text.measured(figure.measuredAt.slice(0, 10), figure.runId))}</div>`
      : '',
    `</div>`,
  ].join('')
}
