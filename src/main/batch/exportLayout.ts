/**
 * The columns of a batch export, shared by the CSV and JSON Lines writers and by the reader that
 * merges shard outputs back: one flat record per (file, model), so that `pandas.read_csv` and
 * `pd.read_json(lines=True)` give the same table with no options:
 *
 *   folder, path, model, status, top1_index, top1_name, top1_score, …, topK_score,
 *   error_code, error_message
 *
 * `folder` is the index into the sidecar's `folders`; `path` is relative to it with "/"
 * separators; `model` is the model's id; `status` is ok, failed or pending. Result columns are
 * empty (null) unless ok, and past the model's last class; error columns unless failed.
 */
import type { ExportRow } from './batchJournal'

export type Cell = string | number | null

export const leadingColumns = ['folder', 'path', 'model', 'status'] as const
export const errorColumns = ['error_code', 'error_message'] as const

export function exportColumns(topk: number): string[] {
  const ranks = Array.from({ length: topk }, (_, i) => [
    `top${i + 1}_index`,
    `top${i + 1}_name`,
    `top${i + 1}_score`,
  ]).flat()
  return [...leadingColumns, ...ranks, ...errorColumns]
}

/** The row's cells, in `exportColumns(topk)` order. */
export function exportCells(row: ExportRow, topk: number): Cell[] {
  const cells: Cell[] = [row.folder, row.path, row.model, row.status]
  for (let rank = 0; rank < topk; rank++) {
    const entry = row.top[rank]
    cells.push(entry?.index ?? null, entry ? entry.label : null, entry?.score ?? null)
  }
  cells.push(row.error?.code ?? null, row.error?.message ?? null)
  return cells
}
