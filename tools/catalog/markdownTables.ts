/**
 * Finds the pipe tables of a Markdown document with their context: the heading chain above
 * them, the paragraph that introduces them, and the footnote lines that follow.
 */
import { ImportError } from './importError'

export interface TableRow {
  line: number
  cells: string[]
}

export interface MarkdownTable {
  /**
   * Every heading above the table in document order (text without the hashes). Not a nesting
   * stack: the model list puts its series headings at a higher level than their sections.
   */
  headings: { level: number; text: string; line: number }[]
  headerLine: number
  header: string[]
  rows: TableRow[]
  /** Non-empty text lines between the previous heading/table and this table. */
  intro: string[]
  /**
   * Non-empty lines after the table up to the next heading, including those after later tables
   * under the same heading: footnotes often follow the last of several tables they explain.
   */
  after: string[]
}

function splitRow(line: string): string[] {
  const trimmed = line.trim()
  return trimmed
    .slice(1, trimmed.endsWith('|') ? -1 : undefined)
    .split('|')
    .map((c) => c.trim())
}

const isTableLine = (line: string) => line.trim().startsWith('|')
const isDelimiter = (line: string) =>
  /^\|?(\s*:?-{2,}:?\s*\|)+\s*(:?-{2,}:?\s*)?$/.test(line.trim())

export function parseMarkdownTables(text: string, document: string): MarkdownTable[] {
  const lines = text.split(/\r?\n/)
  const tables: MarkdownTable[] = []
  const headings: { level: number; text: string; line: number }[] = []
  let intro: string[] = []
  let underHeading: MarkdownTable[] = []

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heading = /^(#{1,6})\s+(.*)$/.exec(line)
    if (heading) {
      headings.push({ level: heading[1]!.length, text: heading[2]!.trim(), line: i + 1 })
      intro = []
      underHeading = []
      continue
    }
    if (!isTableLine(line)) {
      if (line.trim() !== '') {
        intro.push(line.trim())
        for (const table of underHeading) table.after.push(line.trim())
      }
      continue
    }
    const header = splitRow(line)
    const delimiter = lines[i + 1] ?? ''
    if (!isDelimiter(delimiter)) {
      throw new ImportError('a table row outside a table (no header/delimiter pair)', {
        document,
        line: i + 1,
      })
    }
    const table: MarkdownTable = {
      headings: [...headings],
      headerLine: i + 1,
      header,
      rows: [],
      intro,
      after: [],
    }
    i += 2
    for (; i < lines.length && isTableLine(lines[i] ?? ''); i++) {
      const cells = splitRow(lines[i]!)
      if (cells.length !== header.length) {
        throw new ImportError(`row has ${cells.length} cells, its header has ${header.length}`, {
          document,
          line: i + 1,
        })
      }
      table.rows.push({ line: i + 1, cells })
    }
    i--
    tables.push(table)
    underHeading.push(table)
    intro = []
  }
  return tables
}
