/** What the chart export tests share: reading exported files back and the independent counts. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { readCatalogBundle } from '../../../src/main/catalog/catalogBundle'
import { projectRoot } from '../helpers/paths'

export const packageVersion = (
  JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }
).version

/** The documents the shipped catalog was built from, as its meta.json lists them. */
export const bundleSources = (): string[] =>
  readCatalogBundle(join(projectRoot, 'resources')).meta.sources.map((s) => s.document)

/**
 * Blanks the one `generatedAt` value (plain or XML-escaped JSON) so two exports can be compared
 * byte for byte; throws unless exactly one was found, so a renamed key cannot pass silently.
 */
export function withoutGeneratedAt(text: string): string {
  const pattern = /(generatedAt(?:"|&quot;):(?:"|&quot;))\d{4}-\d\d-\d\dT[\d:.]+Z/g
  const found = text.match(pattern)?.length ?? 0
  if (found !== 1) throw new Error(`expected one generatedAt value, found ${found}`)
  return text.replace(pattern, '$1<time>')
}

export interface ParsedCsv {
  comments: string[]
  header: string[]
  rows: string[][]
}

/** RFC 4180 cells; leading `#` lines are the metadata, then a header and the rows. */
export function parseCsv(text: string): ParsedCsv {
  const lines = text.split('\n')
  expect(lines.at(-1)).toBe('')
  lines.pop()
  const comments: string[] = []
  while (lines[0]?.startsWith('#')) comments.push(lines.shift()!)
  const records: string[][] = []
  for (const line of lines) {
    const cells: string[] = []
    let cell = ''
    let quoted = false
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          cell += '"'
          i++
        } else if (c === '"') quoted = false
        else cell += c
      } else if (c === '"') quoted = true
      else if (c === ',') {
        cells.push(cell)
        cell = ''
      } else cell += c
    }
    cells.push(cell)
    records.push(cells)
  }
  const [header = [], ...rows] = records
  return { comments, header, rows }
}

/** `# key: value` comment lines as a map. */
export function csvComments(comments: readonly string[]): Map<string, string> {
  return new Map(
    comments.map((line) => {
      const match = /^# ([^:]+): (.*)$/.exec(line)
      if (!match) throw new Error(`not a "# key: value" line: ${line}`)
      return [match[1]!, match[2]!]
    }),
  )
}
