/**
 * One table row read into typed candidates: every figure with its raw text, normalised value,
 * precision and source. Rows are merged into models later; nothing here decides between tables.
 */
import type { PlatformId, SourceRef } from '../../src/shared/catalog/types'
import { classifyColumn, type Column } from './columns'
import { ImportError } from './importError'
import type { MarkdownTable } from './markdownTables'
import { columnLabel, links, plainText, supMarkers } from './markdownText'
import { accuracyFraction, decimals, flopsInG, readNumber } from './numbers'
import { seriesOf, tableContext, type TablePart } from './tableContext'

export type FigureKey =
  'top1' | 'top5' | 'ssldReferenceTop1' | 'ssldGain' | 'paramsM' | 'flopsG' | 'sizeMB'

export interface Candidate {
  value: number
  /** Decimal places in the normalised unit: higher means more precise. */
  precision: number
  source: SourceRef
}

export interface LatencyCandidate extends Candidate {
  platform: PlatformId
  batchSize: number
  threads: number | null
}

export interface RowRecord {
  id: string
  displayName: string
  part: TablePart
  series: string | null
  /** `[1]` after the name: pretrained on ImageNet-22k, then fine-tuned on ImageNet-1k. */
  marked22k: boolean
  row: SourceRef
  figures: Partial<Record<FigureKey, Candidate>>
  latencies: LatencyCandidate[]
  pretrained: string | null
  inference: string | null
  linkSource: SourceRef
}

export interface SeriesHeading {
  /** Header line of the table this heading introduces. */
  tableLine: number
  group: string
  part: TablePart
  references: number[]
  heading: { text: string; line: number }
  intro: string[]
}

const idFromLink = (url: string, suffix: RegExp) => url.split('/').at(-1)!.replace(suffix, '')

function modelId(
  pretrained: string | null,
  inference: string | null,
  where: { document: string; line: number },
): string {
  if (pretrained) {
    if (!/_pretrained\.pdparams$/.test(pretrained)) {
      throw new ImportError(
        `pretrained link does not end in _pretrained.pdparams: ${pretrained}`,
        where,
      )
    }
    return idFromLink(pretrained, /_pretrained\.pdparams$/)
  }
  if (inference && /_infer\.tar$/.test(inference)) return idFromLink(inference, /_infer\.tar$/)
  throw new ImportError('row has no download link to take its model id from', where)
}

export function readTableRows(
  table: MarkdownTable,
  document: string,
): { rows: RowRecord[]; heading: SeriesHeading | null } {
  const context = tableContext(table, document)
  const columns: Column[] = table.header.map((header) =>
    classifyColumn(header, { document, line: table.headerLine, footnotes: table.after }),
  )
  const nameIndex = columns.findIndex((c) => c.kind === 'name')
  if (nameIndex !== 0)
    throw new ImportError('the first column is not the model name', {
      document,
      line: table.headerLine,
    })

  const rows = table.rows.map((row): RowRecord => {
    const where = { document, line: row.line }
    const cellSource = (index: number): SourceRef => ({
      document,
      section: context.section,
      line: row.line,
      column: columnLabel(table.header[index] ?? ''),
      raw: row.cells[index] ?? '',
    })
    const nameCell = row.cells[0]!
    const displayName = plainText(nameCell)
    const markers = supMarkers(nameCell)
    const record: Partial<RowRecord> & {
      figures: RowRecord['figures']
      latencies: LatencyCandidate[]
    } = {
      figures: {},
      latencies: [],
    }
    let pretrained: string | null = null
    let inference: string | null = null
    const linkCells: number[] = []

    columns.forEach((column, index) => {
      const raw = row.cells[index] ?? ''
      if (column.kind === 'name') return
      if (column.kind === 'link') {
        const found = links(raw)
        if (found.length > 1)
          throw new ImportError(`more than one link in the ${column.field} cell`, where)
        if (column.field === 'pretrained') pretrained = found[0] ?? null
        else inference = found[0] ?? null
        linkCells.push(index)
        return
      }
      const value = readNumber(raw)
      if (value === undefined) {
        throw new ImportError(
          `cell "${raw}" in column "${table.header[index]}" is not a number`,
          where,
        )
      }
      if (value === null) return
      const source = cellSource(index)
      switch (column.kind) {
        case 'accuracy': {
          const percent = value > 1
          record.figures[column.field] = {
            value: accuracyFraction(value),
            precision: decimals(raw) + (percent ? 2 : 0),
            source,
          }
          return
        }
        case 'flops':
          record.figures.flopsG = {
            value: flopsInG(value, column.unit),
            precision: decimals(raw) + (column.unit === 'M' ? 3 : 0),
            source,
          }
          return
        case 'params':
          record.figures.paramsM = { value, precision: decimals(raw), source }
          return
        case 'size':
          record.figures.sizeMB = { value, precision: decimals(raw), source }
          return
        case 'latency':
          record.latencies.push({
            value,
            precision: decimals(raw),
            source,
            platform: column.platform,
            batchSize: column.batchSize,
            threads: column.threads,
          })
          return
      }
    })

    const id = modelId(pretrained, inference, where)
    const marked22k = markers.some((m) => m === '[1]')
    if (marked22k && !/22k/.test(id)) {
      throw new ImportError(
        `${displayName} is marked [1] (ImageNet-22k) but its id ${id} is not a 22k id`,
        where,
      )
    }
    if (markers.some((m) => m !== '[1]')) {
      throw new ImportError(`unknown marker ${markers.join(' ')} after ${displayName}`, where)
    }
    return {
      id,
      displayName,
      part: context.part,
      series: context.group === null ? null : seriesOf(id, context.group, where),
      marked22k,
      row: { document, section: context.section, line: row.line, raw: displayName },
      figures: record.figures,
      latencies: record.latencies,
      pretrained,
      inference,
      linkSource: {
        document,
        section: context.section,
        line: row.line,
        column: linkCells.map((index) => columnLabel(table.header[index] ?? '')).join(' / '),
        raw: [pretrained, inference].filter(Boolean).join(' '),
      },
    }
  })

  const heading =
    context.group === null || !context.groupHeading
      ? null
      : {
          tableLine: table.headerLine,
          group: context.group,
          part: context.part,
          references: context.references,
          heading: context.groupHeading,
          // Footnotes of an earlier table under the same heading ("[1]：…", "*: …") are not intro.
          intro: table.intro.filter((line) => !/^(\[\d+\]|\*+)\s*[:：]/.test(line)),
        }
  return { rows, heading }
}
