/**
 * A comparison as a document: the models, every row with its label, unit, direction, the text of
 * each cell, the best marks, the deltas against the baseline, which rows are identical, and the
 * latency conditions as sentences. The view shows it, and the CSV, Markdown and JSON exports
 * (in the app and `zoo compare`) are written from it, so they cannot disagree. Pure.
 */
import { fieldTable, type Direction } from '../catalog/fieldTable'
import type { CatalogModel, EntryKind, Platform, Preprocess } from '../catalog/types'
import type { Locale } from '../contract/values'
import { formatFigure, formatFigureDelta, formatRelative } from '../format/formatFigure'
import { baselineDeltas, delta, type Delta } from './baselineDeltas'
import {
  compareRows,
  isIdentical,
  markBest,
  rowField,
  rowId,
  type CompareCell,
  type CompareRow,
  type LatencyKey,
} from './compareRows'
import type { LocalAccuracySource } from './localAccuracy'
import { latencyConditions, machineConditions, type ConditionDifference } from './latencyConditions'
import { THIS_MACHINE } from '../bench/machineLatencies'
import { platformName } from '../charts/platformLabel'

export interface ComparisonCell {
  /** In the field's stored unit (fractions for accuracy, G for FLOPs); null: no figure. */
  value: number | null
  /** The value as shown, with its unit; "—" for no figure. */
  text: string
  best: boolean
  delta: Delta | null
  /** "+1.20 pp, +1.5 %"; empty without a delta. */
  deltaText: string
  /** The model-list line the figure was read from. */
  line: number | null
}

export interface ComparisonRow {
  id: string
  /** `local`: measured on this machine (a labelled batch job), not a published figure. */
  kind: 'figure' | 'latency' | 'text' | 'local'
  label: string
  /** The unit of `value` (the stored unit); empty for text rows. */
  unit: string
  direction: Direction
  identical: boolean
  cells: ComparisonCell[]
  /** For latency rows: the platform, batch size and threads they were measured at. */
  latency?: LatencyKey
  /** For local rows: the job, its folders and how many labelled files it had. */
  local?: { jobId: string; folders: string[]; files: number }
  /** A latency row of this machine's benchmarks: measured here, not published. */
  measuredHere?: true
}

export interface ComparisonModel {
  id: string
  displayName: string
  entryKind: EntryKind
}

export interface ComparisonDocument {
  models: ComparisonModel[]
  baseline: string | null
  rows: ComparisonRow[]
  conditions: string[]
}

export const NO_FIGURE = '—'

const words = {
  en: {
    latency: 'Latency',
    batch: (n: number) => `batch ${n}`,
    threads: (n: number) => (n === 1 ? '1 thread' : `${n} threads`),
    preprocess: 'Preprocessing',
    pretrained: 'Pretrained weights',
    inference: 'Inference model',
    series: 'Series',
    differences: {
      hardware: 'hardware',
      engine: 'engine',
      precision: 'precision',
      batchSize: 'batch size',
      threads: 'threads',
    } satisfies Record<ConditionDifference, string>,
    local: (what: string, folder: string, files: number) =>
      `${what} on ${folder} (${files} files) · local`,
    notComparable: (a: string, b: string, aKey: string, bKey: string, why: string) =>
      `${a} and ${b} share no latency measured alike (${aKey} vs ${bKey}): different ${why}.`,
    measuredHere: 'local',
    machineVersus: (model: string, mine: string, published: string, why: string) =>
      `${model}: ${mine} is measured on this machine, not under ${published}: different ${why}.`,
  },
  'zh-CN': {
    latency: '推理耗时',
    batch: (n: number) => `批大小 ${n}`,
    threads: (n: number) => `${n} 线程`,
    preprocess: '预处理',
    pretrained: '预训练权重',
    inference: '推理模型',
    series: '系列',
    differences: {
      hardware: '硬件',
      engine: '推理引擎',
      precision: '精度',
      batchSize: '批大小',
      threads: '线程数',
    } satisfies Record<ConditionDifference, string>,
    local: (what: string, folder: string, files: number) =>
      `本机 ${folder} 上的 ${what}（${files} 个文件）`,
    notComparable: (a: string, b: string, aKey: string, bKey: string, why: string) =>
      `${a} 与 ${b} 没有相同条件下测得的耗时（${aKey} 对 ${bKey}）：${why}不同。`,
    measuredHere: '本机实测',
    machineVersus: (model: string, mine: string, published: string, why: string) =>
      `${model}：${mine} 为本机实测，与公布的 ${published} 条件不同：${why}不同。`,
  },
} as const

function latencyCaption(
  key: { platform: string; batchSize: number; threads: number | null },
  platforms: readonly Platform[],
  locale: Locale,
): string {
  const w = words[locale]
  const name =
    key.platform === THIS_MACHINE
      ? platformName(THIS_MACHINE, locale)
      : (platforms.find((p) => p.id === key.platform)?.name ?? key.platform)
  return [name, w.batch(key.batchSize), key.threads === null ? null : w.threads(key.threads)]
    .filter(Boolean)
    .join(' · ')
}

/** Language-neutral: the transforms' own terms. */
export function preprocessSummary(p: Preprocess | null): string {
  if (!p) return NO_FIGURE
  const resize =
    p.resize.mode === 'shortSide'
      ? `resize short ${p.resize.size}`
      : p.resize.mode === 'exact'
        ? `resize ${p.resize.size}×${p.resize.size}`
        : `resize ${p.resize.size} (pad ${p.resize.pad})`
  const crop = p.cropSize ? ` · crop ${p.cropSize}` : ''
  const numbers = (values: readonly number[]) => values.map((v) => Number(v.toFixed(4))).join(',')
  return `${resize}${crop} · ${p.resize.interpolation} (${p.resize.library}) · ${p.colorOrder} · mean ${numbers(p.mean)} · std ${numbers(p.std)}`
}

function figureRow(
  row: CompareRow,
  baselineIndex: number | null,
  platforms: readonly Platform[],
  locale: Locale,
): ComparisonRow {
  const field = rowField(row)
  const def = fieldTable[field]
  const deltas =
    baselineIndex === null ? row.cells.map(() => null) : baselineDeltas(row, baselineIndex)
  const here = row.kind === 'latency' && row.key.platform === THIS_MACHINE
  const label =
    row.kind === 'figure'
      ? def.label[locale]
      : `${words[locale].latency} · ${latencyCaption(row.key, platforms, locale)}${here ? ` · ${words[locale].measuredHere}` : ''}`
  return {
    id: rowId(row),
    kind: row.kind,
    label,
    unit: def.unit,
    direction: def.direction,
    identical: isIdentical(row),
    ...(row.kind === 'latency' ? { latency: row.key } : {}),
    ...(here ? { measuredHere: true as const } : {}),
    cells: row.cells.map((cell, index) => {
      const d = deltas[index] ?? null
      return {
        value: cell.value,
        text: cell.value === null ? NO_FIGURE : formatFigure(field, cell.value, cell.raw),
        best: cell.best,
        delta: d,
        deltaText: d
          ? `${formatFigureDelta(field, d.absolute)}${d.relative === null ? '' : `, ${formatRelative(d.relative)}`}`
          : '',
        line: cell.line,
      }
    }),
  }
}

function textRow(id: string, label: string, texts: readonly (string | null)[]): ComparisonRow {
  const shown = texts.map((t) => t ?? NO_FIGURE)
  return {
    id,
    kind: 'text',
    label,
    unit: '',
    direction: 'none',
    identical: shown.every((t) => t === shown[0]),
    cells: shown.map((text) => ({
      value: null,
      text,
      best: false,
      delta: null,
      deltaText: '',
      line: null,
    })),
  }
}

export interface ComparisonOptions {
  /** The baseline's id; it must be one of the models. */
  baseline?: string | null
  locale?: Locale
  seriesNames?: ReadonlyMap<string, string>
  /** Labelled batch jobs of this machine: each gives local accuracy rows. */
  local?: readonly LocalAccuracySource[]
}

/** `/photos/cats/` → `cats`: the folder as a row label names it. */
const folderName = (path: string) =>
  path
    .replace(/[\\/]+$/, '')
    .split(/[\\/]/)
    .at(-1) || path

function localRows(
  models: readonly CatalogModel[],
  source: LocalAccuracySource,
  baselineIndex: number | null,
  locale: Locale,
): ComparisonRow[] {
  const folder = source.folders.map(folderName).join(', ')
  return (['top1', 'top5'] as const).flatMap((field) => {
    const values = models.map((m) => source.models.get(m.id)?.[field] ?? null)
    if (values.every((v) => v === null)) return []
    const cells = markBest(
      values.map((value): CompareCell => ({ value, raw: null, line: null, best: false })),
      field,
    )
    const base = baselineIndex === null ? null : (values[baselineIndex] ?? null)
    const row: ComparisonRow = {
      id: `local/${source.jobId}/${field}`,
      kind: 'local',
      label: words[locale].local(fieldTable[field].label[locale], folder, source.files),
      unit: fieldTable[field].unit,
      direction: 'higher',
      identical: values.every((v) => v === values[0]),
      local: { jobId: source.jobId, folders: source.folders, files: source.files },
      cells: cells.map((cell, index) => {
        const d = baselineIndex === null || index === baselineIndex ? null : delta(cell.value, base)
        return {
          value: cell.value,
          text: cell.value === null ? NO_FIGURE : formatFigure(field, cell.value),
          best: cell.best,
          delta: d,
          deltaText: d
            ? `${formatFigureDelta(field, d.absolute)}${d.relative === null ? '' : `, ${formatRelative(d.relative)}`}`
            : '',
          line: null,
        }
      }),
    }
    return [row]
  })
}

export function comparisonDocument(
  models: readonly CatalogModel[],
  platforms: readonly Platform[],
  options: ComparisonOptions = {},
): ComparisonDocument {
  const locale = options.locale ?? 'en'
  const w = words[locale]
  const baselineIndex = options.baseline ? models.findIndex((m) => m.id === options.baseline) : -1
  const base = baselineIndex >= 0 ? baselineIndex : null
  const rows: ComparisonRow[] = [
    textRow(
      'series',
      w.series,
      models.map((m) => options.seriesNames?.get(m.series) ?? m.series),
    ),
    ...compareRows(models).map((row) => figureRow(row, base, platforms, locale)),
    ...(options.local ?? []).flatMap((source) => localRows(models, source, base, locale)),
    textRow(
      'preprocess',
      w.preprocess,
      models.map((m) => preprocessSummary(m.preprocess)),
    ),
    textRow(
      'pretrained',
      w.pretrained,
      models.map((m) => m.downloads.pretrained),
    ),
    textRow(
      'inference',
      w.inference,
      models.map((m) => m.downloads.inference),
    ),
  ]
  const why = (differences: readonly ConditionDifference[]) =>
    differences.map((d) => w.differences[d]).join(', ')
  const conditions = [
    ...latencyConditions(models, platforms).map((note) =>
      w.notComparable(
        models[note.a]!.id,
        models[note.b]!.id,
        latencyCaption(note.aKey, platforms, locale),
        latencyCaption(note.bKey, platforms, locale),
        why(note.differences),
      ),
    ),
    ...machineConditions(models, platforms).map((note) =>
      w.machineVersus(
        models[note.model]!.id,
        latencyCaption(note.mine, platforms, locale),
        latencyCaption(note.published, platforms, locale),
        why(note.differences),
      ),
    ),
  ]
  return {
    models: models.map((m) => ({
      id: m.id,
      displayName: m.displayName,
      entryKind: m.entryKind ?? 'zoo',
    })),
    baseline: base === null ? null : models[base]!.id,
    rows,
    conditions,
  }
}
