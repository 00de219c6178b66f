/**
 * Compare's table: one column per model, one row per figure (accuracy, SSLD, size, input size,
 * every latency any of the models has), and which cell of each row is best by that field's
 * direction in the field table. Pure, so the view, the exports and `zoo compare` share it.
 */
import { fieldTable, type FigureFieldId } from '../catalog/fieldTable'
import type { CatalogModel, Figure, PlatformId } from '../catalog/types'

export const compareFigures = [
  'top1',
  'top5',
  'ssldGain',
  'ssldReferenceTop1',
  'paramsM',
  'flopsG',
  'sizeMB',
  'inputSize',
] as const satisfies readonly FigureFieldId[]
export type CompareFigure = (typeof compareFigures)[number]

export interface LatencyKey {
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
  | { kind: 'latency'; key: LatencyKey; cells: CompareCell[] }

/** The field table's id of a row (every latency row is a `latency`). */
export const rowField = (row: CompareRow): FigureFieldId =>
  row.kind === 'figure' ? row.field : 'latency'

/** A stable id for a row: `top1`, `latency/v100-trt-fp32/8/`. */
export const rowId = (row: CompareRow): string =>
  row.kind === 'figure' ? row.field : `latency/${latencyKeyId(row.key)}`

export const latencyKeyId = (key: LatencyKey): string =>
  `${key.platform}/${key.batchSize}/${key.threads ?? ''}`

export const platformOrder: PlatformId[] = [
  'v100-trt-fp32',
  'sd855-arm-fp32',
  'xeon6148-paddle-fp32',
  'xeon6271c-openvino-fp32',
  'this-machine',
]

const blank = (): CompareCell => ({ value: null, raw: null, line: null, best: false })

/**
 * Marks the best cells by the field's direction: only when at least two models have the figure
 * and they differ; every cell that ties for best is marked; a missing value never is.
 */
export function markBest(cells: CompareCell[], field: FigureFieldId): CompareCell[] {
  const direction = fieldTable[field].direction
  const values = cells.map((c) => c.value).filter((v): v is number => v !== null)
  if (direction === 'none' || values.length < 2 || values.every((v) => v === values[0]))
    return cells
  const best = direction === 'higher' ? Math.max(...values) : Math.min(...values)
  return cells.map((cell) => ({ ...cell, best: cell.value === best }))
}

function figureCell(figure: Figure | null): CompareCell {
  return figure
    ? { value: figure.value, raw: figure.source.raw, line: figure.source.line, best: false }
    : blank()
}

export function compareRows(models: readonly CatalogModel[]): CompareRow[] {
  const figures: CompareRow[] = compareFigures.map((field) => {
    const cells = models.map((model) =>
      field === 'inputSize'
        ? model.inputSize === null
          ? blank()
          : { value: model.inputSize, raw: null, line: null, best: false }
        : figureCell(model[field]),
    )
    return { kind: 'figure', field, cells: markBest(cells, field) }
  })

  const keys = new Map<string, LatencyKey>()
  for (const model of models) {
    for (const l of model.latencies) {
      keys.set(latencyKeyId(l), {
        platform: l.platform,
        batchSize: l.batchSize,
        threads: l.threads,
      })
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
        const found = model.latencies.find((l) => latencyKeyId(l) === latencyKeyId(key))
        return found
          ? { value: found.ms, raw: found.source.raw, line: found.source.line, best: false }
          : blank()
      })
      return { kind: 'latency', key, cells: markBest(cells, 'latency') }
    })
  return [...figures, ...latencies]
}

/**
 * Rows where every model has the same value (or none has any): foldable, they tell the models
 * apart by nothing. A row only some models have is never identical.
 */
export function isIdentical(row: CompareRow): boolean {
  const values = row.cells.map((c) => c.value)
  return values.every((v) => v === values[0])
}
