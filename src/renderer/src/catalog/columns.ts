/**
 * The models table's columns: which row field each shows, how it sorts, its width and how many
 * decimals its numbers get. Fixed decimals per column keep right-aligned numbers lined up on the
 * decimal point; the detail panel shows every figure at full precision.
 */
import { fieldTable, type FigureFieldId } from '@shared/catalog/fieldTable'
import type { LatencyKey, ModelRow, SortField } from '@shared/contract'
import type { ColumnId, SortDirection } from './modelsViewState'
import { toPercent } from './figureFormat'

export interface ColumnDef {
  id: ColumnId | 'model'
  sortField: SortField | null
  /** Direction of the first click: accuracy best-first (descending), costs cheapest-first. */
  firstDirection: SortDirection
  numeric: boolean
  /** Width in px; null takes the remaining space. */
  width: number | null
  /** Decimals for numeric cells. */
  digits: number
  /** The i18n key of the unit, if any. */
  unit: 'percent' | 'paramsM' | 'flopsG' | 'sizeMB' | 'px' | 'ms' | null
}

/** The first click sorts best-first, by the field table's direction (ascending for none). */
const number = (
  id: ColumnId & FigureFieldId,
  width: number,
  digits: number,
  unit: ColumnDef['unit'],
): ColumnDef => ({
  id,
  sortField: id as SortField,
  firstDirection: fieldTable[id].direction === 'higher' ? 'desc' : 'asc',
  numeric: true,
  width,
  digits,
  unit,
})

export const columnDefs: readonly ColumnDef[] = [
  {
    id: 'model',
    sortField: 'id',
    firstDirection: 'asc',
    numeric: false,
    width: null,
    digits: 0,
    unit: null,
  },
  {
    id: 'series',
    sortField: 'series',
    firstDirection: 'asc',
    numeric: false,
    width: 124,
    digits: 0,
    unit: null,
  },
  number('top1', 66, 2, 'percent'),
  number('top5', 66, 2, 'percent'),
  number('paramsM', 76, 2, 'paramsM'),
  number('flopsG', 80, 3, 'flopsG'),
  number('sizeMB', 60, 1, 'sizeMB'),
  number('inputSize', 60, 0, 'px'),
  number('latency', 136, 2, 'ms'),
  {
    id: 'download',
    sortField: null,
    firstDirection: 'asc',
    numeric: false,
    width: 92,
    digits: 0,
    unit: null,
  },
]

/** The number a numeric column shows for a row, in the column's unit. */
export function cellNumber(row: ModelRow, id: ColumnDef['id']): number | null {
  switch (id) {
    case 'top1':
      return row.top1 === null ? null : toPercent(row.top1)
    case 'top5':
      return row.top5 === null ? null : toPercent(row.top5)
    case 'paramsM':
      return row.paramsM
    case 'flopsG':
      return row.flopsG
    case 'sizeMB':
      return row.sizeMB
    case 'inputSize':
      return row.inputSize
    case 'latency':
      return row.latencyMs
    default:
      return null
  }
}

/** The model-list line a cell's figure was read from, for its tooltip; null when not a figure. */
export function cellSourceLine(
  row: ModelRow,
  id: ColumnDef['id'],
  latency: LatencyKey,
): number | null {
  switch (id) {
    case 'top1':
    case 'top5':
    case 'paramsM':
    case 'flopsG':
    case 'sizeMB':
      return row.sourceLines[id] ?? null
    case 'latency':
      return (
        row.latencies.find(
          (l) =>
            l.platform === latency.platform &&
            l.batchSize === latency.batchSize &&
            l.threads === latency.threads,
        )?.line ?? null
      )
    default:
      return null
  }
}
