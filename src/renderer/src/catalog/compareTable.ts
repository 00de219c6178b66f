/**
 * The Compare view's table: one column per model, one row per figure (accuracy, size, every
 * latency any of the models has), and which cell of each row is best. Pure; the view translates
 * the row names and formats the numbers.
 */
import type { CatalogModel, Figure, PlatformId } from '@shared/catalog/types'

export const compareFigures = ['top1', 'top5', 'paramsM', 'flopsG', 'sizeMB', 'inputSize'] as const
export type CompareFigure = (typeof compareFigures)[number]

export interface LatencyKeyOf {
  platform: PlatformId
  batchSize: number
  threads: number | null
}

export interface CompareCell {
  value: number | null
  /** The text as published, for the precision it was given with. */
  raw: string | null
  line: number | null
  best: boolean
}

export type CompareRow =
  | { kind: 'figure'; field: CompareFigure; cells: CompareCell[] }
  | { kind: 'latency'; key: LatencyKeyOf; cells: CompareCell[] }

const higherIsBetter: Record<CompareFigure, boolean | null> = {
  top1: true,
  top5: true,
  paramsM: false,
  flopsG: false,
  sizeMB: false,
  // A larger input is neither better nor worse: no highlight.
  inputSize: null,
}

const platformOrder: PlatformId[] = [
  'v100-trt-fp32',
  'sd855-arm-fp32',
  'xeon6148-paddle-fp32',
  'xeon6271c-openvino-fp32',
]

/** Marks the best cells; only when at least two models have the figure and they differ. */
function markBest(cells: CompareCell[], higher: boolean | null): CompareCell[] {
  const values = cells.map((c) => c.value).filter((v): v is number => v !== null)
  if (higher === null || values.length < 2 || values.every((v) => v === values[0])) return cells
  const best = higher ? Math.max(...values) : Math.min(...values)
  return cells.map((cell) => ({ ...cell, best: cell.value === best }))
}

function figureCell(figure: Figure | null): CompareCell {
  return figure
    ? { value: figure.value, raw: figure.source.raw, line: figure.source.line, best: false }
    : { value: null, raw: null, line: null, best: false }
}

const keyId = (key: LatencyKeyOf) => `${key.platform}/${key.batchSize}/${key.threads ?? ''}`

export function compareRows(models: readonly CatalogModel[]): CompareRow[] {
  const figures: CompareRow[] = compareFigures.map((field) => {
    const cells = models.map((model) =>
      field === 'inputSize'
        ? {
            value: model.inputSize,
            raw: null,
            line: null,
            best: false,
          }
        : figureCell(model[field]),
    )
    return { kind: 'figure', field, cells: markBest(cells, higherIsBetter[field]) }
  })

  const keys = new Map<string, LatencyKeyOf>()
  for (const model of models) {
    for (const l of model.latencies) {
      keys.set(keyId(l), { platform: l.platform, batchSize: l.batchSize, threads: l.threads })
    }
  }
  const latencies: CompareRow[] = [...keys.values()]
    .sort(
      (a, b) =>
        platformOrder.indexOf(a.platform) - platformOrder.indexOf(b.platform) ||
        a.batchSize - b.batchSize ||
        (a.threads ?? 0) - (b.threads ?? 0),
    )
    .map((key) => {
      const cells = models.map((model): CompareCell => {
        const found = model.latencies.find((l) => keyId(l) === keyId(key))
        return found
          ? { value: found.ms, raw: found.source.raw, line: found.source.line, best: false }
          : { value: null, raw: null, line: null, best: false }
      })
      return { kind: 'latency', key, cells: markBest(cells, false) }
    })
  return [...figures, ...latencies]
}

/** `?ids=A,B,C` → the ids, without blanks or repeats, at most `max`. */
export function parseIds(value: string | null | undefined, max = 50): string[] {
  if (!value) return []
  return [
    ...new Set(
      value
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id.length > 0 && id.length <= 200),
    ),
  ].slice(0, max)
}
