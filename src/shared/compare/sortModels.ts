/**
 * The compared models ordered by one row, best first by the row's direction (largest first for a
 * row without one), models without the figure last, ties in their current order. Pure.
 */
import type { ComparisonDocument } from './comparisonDocument'

export function modelsSortedBy(doc: ComparisonDocument, rowId: string): string[] {
  const ids = doc.models.map((m) => m.id)
  const row = doc.rows.find((r) => r.id === rowId)
  if (!row || row.kind === 'text') return ids
  const sign = row.direction === 'lower' ? 1 : -1
  return ids
    .map((id, index) => ({ id, index, value: row.cells[index]?.value ?? null }))
    .sort((a, b) => {
      if (a.value === null || b.value === null)
        return (a.value === null ? 1 : 0) - (b.value === null ? 1 : 0) || a.index - b.index
      return sign * (a.value - b.value) || a.index - b.index
    })
    .map((entry) => entry.id)
}
