/**
 * Plain-text columns for terminal output. Numbers are right-aligned; `decimals` fixes the
 * decimals of a numeric column so that its points line up.
 */
export function textTable(
  header: string[],
  rows: (string | number | null)[][],
  decimals: (number | undefined)[] = [],
  /** Right-align these columns even when they hold text (numbers with their unit). */
  alignRight: boolean[] = [],
): string {
  const numeric = header.map(
    (_, column) =>
      alignRight[column] === true ||
      rows.every((row) => row[column] === null || typeof row[column] === 'number'),
  )
  const cells = rows.map((row) =>
    row.map((cell, column) => {
      if (cell === null) return '—'
      const places = decimals[column]
      return typeof cell === 'number' && places !== undefined ? cell.toFixed(places) : String(cell)
    }),
  )
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((row) => row[column]!.length)),
  )
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n')
}
