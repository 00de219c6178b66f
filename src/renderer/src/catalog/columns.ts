/**
 * The models table's columns: which row field each shows, how it sorts, its width and how many
 * decimals its numbers get. Fixed decimals per column keep right-aligned numbers lined up on the
 * decimal point; the detail panel shows every figure at full precision.
 */
import { fieldTable, type FigureFieldId } from '@shared/catalog/fieldTable'
import type { CatalogLatencyKey, LatencyKey, ModelRow, SortField } from '@shared/contract'
import {
  latencyToken,
  sameLatencyKey,
  type ColumnId,
  type ModelsViewState,
  type SortDirection,
  type SortState,
} from './modelsViewState'
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

/** A column as the table shows it: its definition, and for a latency column which key. */
export interface TableColumn extends ColumnDef {
  /** Unique among the shown columns: the column id, or `lat-<URL token>` for an added latency. */
  key: string
  /** The latency key a latency column shows; null for the other columns. */
  latency: CatalogLatencyKey | null
  /** A latency column added beside "Latency on", which the user can remove. */
  added: boolean
}

/** Room for "Xeon 6271C" beside the remove button; the key goes on the unit line below. */
const ADDED_LATENCY_WIDTH = 128

/**
 * The columns a state shows, in table order: the model, the chosen ones, and the added latency
 * columns right after where "Latency on" is (also when that one is hidden).
 */
export function tableColumns(
  state: Pick<ModelsViewState, 'columns' | 'latency' | 'latencyColumns'>,
): TableColumn[] {
  const shown: TableColumn[] = []
  for (const def of columnDefs) {
    if (def.id === 'model' || state.columns.includes(def.id)) {
      shown.push({
        ...def,
        key: def.id,
        latency: def.id === 'latency' ? state.latency : null,
        added: false,
      })
    }
    if (def.id !== 'latency') continue
    for (const key of state.latencyColumns) {
      shown.push({
        ...def,
        width: ADDED_LATENCY_WIDTH,
        key: `lat-${latencyToken(key)}`,
        latency: key,
        added: true,
      })
    }
  }
  return shown
}

/** The sort a click on a column's header asks for, before its direction is settled. */
export function sortTarget(column: TableColumn): Omit<SortState, 'direction'> | null {
  if (!column.sortField) return null
  return column.added && column.latency
    ? { field: column.sortField, latency: column.latency }
    : { field: column.sortField }
}

/** Whether the table is sorted by this column (an added latency column by its own key). */
export function sortsBy(sort: SortState, column: TableColumn): boolean {
  if (!column.sortField || sort.field !== column.sortField) return false
  if (!column.added) return !sort.latency
  return !!sort.latency && !!column.latency && sameLatencyKey(sort.latency, column.latency)
}

/** A row's published figure for one latency key, with the line it was read from. */
export function latencyFigure(
  row: ModelRow,
  key: LatencyKey,
): ModelRow['latencies'][number] | null {
  return row.latencies.find((figure) => sameLatencyKey(figure, key)) ?? null
}

/** The number a numeric column shows for a row, in the column's unit. */
export function cellNumber(
  row: ModelRow,
  column: Pick<TableColumn, 'id' | 'latency'>,
): number | null {
  const id = column.id
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
      return column.latency ? (latencyFigure(row, column.latency)?.ms ?? null) : null
    default:
      return null
  }
}

/** The model-list line a cell's figure was read from, for its tooltip; null when not a figure. */
export function cellSourceLine(
  row: ModelRow,
  column: Pick<TableColumn, 'id' | 'latency'>,
): number | null {
  switch (column.id) {
    case 'top1':
    case 'top5':
    case 'paramsM':
    case 'flopsG':
    case 'sizeMB':
      return row.sourceLines[column.id] ?? null
    case 'latency':
      return column.latency ? (latencyFigure(row, column.latency)?.line ?? null) : null
    default:
      return null
  }
}
