/**
 * A comparison written as Markdown (for a report or an issue) and as CSV (for a spreadsheet), the
 * same bytes from the app's Export menu and from `zoo compare`. Pure.
 */
import { fieldTable, type FigureFieldId } from '../catalog/fieldTable'
import { toPercent } from '../format/publishedPrecision'
import { NO_FIGURE, type ComparisonDocument, type ComparisonRow } from './comparisonDocument'

const fieldOf = (row: ComparisonRow): FigureFieldId | null =>
  row.kind === 'latency'
    ? 'latency'
    : row.kind === 'figure'
      ? (row.id as FigureFieldId)
      : row.kind === 'local'
        ? (row.id.split('/').at(-1) as FigureFieldId)
        : null

/** A value in the unit its row names: percent for accuracies, G for FLOPs, ms for latency. */
export function valueInUnit(row: ComparisonRow, value: number): number {
  const field = fieldOf(row)
  return field && fieldTable[field].percent ? toPercent(value) : value
}

function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

/**
 * A pipe table: one column per model, best values in bold, deltas against the baseline after the
 * value. Identical rows are kept (a report should be whole); the conditions follow as a list.
 */
export function comparisonMarkdown(doc: ComparisonDocument): string {
  const header = [
    'Figure',
    ...doc.models.map((m) => (m.id === doc.baseline ? `${m.id} (baseline)` : m.id)),
  ]
  const lines = [
    `| ${header.map(markdownCell).join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
  ]
  for (const row of doc.rows) {
    const cells = row.cells.map((cell) => {
      const shown = cell.best ? `**${cell.text}**` : cell.text
      return cell.deltaText ? `${shown} (${cell.deltaText})` : shown
    })
    lines.push(`| ${[row.label, ...cells].map(markdownCell).join(' | ')} |`)
  }
  const notes = [
    ...doc.models
      .filter((m) => m.entryKind !== 'zoo')
      .map((m) => `${m.id}: outside the zoo (${m.entryKind}), no published figures.`),
    ...doc.conditions,
  ]
  return [
    ...lines,
    ...(notes.length ? ['', ...notes.map((n) => `- ${markdownCell(n)}`)] : []),
    '',
  ].join('\n')
}

function csvField(value: string | number | null): string {
  if (value === null) return ''
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * One line per row: the figure, its unit, its direction, each model's value in that unit (blank
 * for no figure), then with a baseline each model's absolute and relative (%) difference. Text
 * rows (preprocessing, links) carry their text in the value columns.
 */
export function comparisonCsv(doc: ComparisonDocument): string {
  const ids = doc.models.map((m) => m.id)
  const others = doc.baseline ? ids.filter((id) => id !== doc.baseline) : []
  const header = [
    'figure',
    'row',
    'unit',
    'better',
    ...ids,
    ...others.flatMap((id) => [`delta ${id}`, `delta% ${id}`]),
  ]
  const lines = [header.map(csvField).join(',')]
  for (const row of doc.rows) {
    const byId = new Map(ids.map((id, i) => [id, row.cells[i]!]))
    const values = row.cells.map((cell) =>
      row.kind === 'text'
        ? cell.text === NO_FIGURE
          ? null
          : cell.text
        : cell.value === null
          ? null
          : valueInUnit(row, cell.value),
    )
    const deltas = others.flatMap((id) => {
      const d = byId.get(id)!.delta
      if (!d) return [null, null]
      return [
        valueInUnit(row, d.absolute),
        d.relative === null ? null : Number((d.relative * 100).toPrecision(12)),
      ]
    })
    lines.push(
      [row.label, row.id, row.unit, row.direction, ...values, ...deltas].map(csvField).join(','),
    )
  }
  return lines.join('\r\n') + '\r\n'
}
