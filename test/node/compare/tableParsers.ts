/**
 * Independent readers of the exports (not the writers run backwards): a GitHub-style pipe table
 * with `\|` escapes, and RFC 4180 CSV with quoted fields and CRLF lines.
 */
export function parseMarkdownTable(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split('\n').filter((line) => line.startsWith('|'))
  const cells = (line: string) => {
    const out: string[] = []
    let current = ''
    for (let i = 1; i < line.length; i++) {
      const ch = line[i]!
      if (ch === '\\' && i + 1 < line.length) {
        current += line[++i]
      } else if (ch === '|') {
        out.push(current.trim())
        current = ''
      } else current += ch
    }
    return out
  }
  const [head, separator, ...body] = lines
  if (!head || !separator || !/^\|( *-+:? *\|)+$/.test(separator))
    throw new Error('not a pipe table')
  return { header: cells(head), rows: body.map(cells) }
}

export function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      record.push(field)
      field = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i++
    } else field += ch
  }
  if (field || record.length) throw new Error('CSV does not end with CRLF')
  const [header = [], ...rows] = records
  for (const row of rows) if (row.length !== header.length) throw new Error('ragged CSV row')
  return { header, rows }
}
