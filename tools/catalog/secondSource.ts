/**
 * The English overview (ImageNet_models.en.md) republishes the model list's tables, and for some
 * models with other figures (PP-LCNet latencies, several transformer accuracies). Those figures
 * are kept as a second source beside the catalog's, with their document and line, so that a
 * reader sees where the two disagree. A figure written the same adds nothing and is not repeated;
 * one written to fewer digits (PVTV2's 0.705 for 0.7052) is kept and marked `roundingOnly`.
 */
import type { CatalogModel, SecondSource, SourceRef } from '../../src/shared/catalog/types'
import { classifyColumn } from './columns'
import type { MarkdownTable } from './markdownTables'
import { parseMarkdownTables } from './markdownTables'
import { columnLabel, links, plainText } from './markdownText'
import { agreesByRounding } from './mergeRows'
import { accuracyFraction, decimals, flopsInG, readNumber } from './numbers'
import { idFromUrl } from './olderLists'

type Figures = SecondSource['figures']

/** Decimal places a catalog figure was written with, from its raw text and unit. */
function catalogPrecision(raw: string, field: string, column: string | undefined): number {
  if (field === 'flopsG' && /FLOPs\(M\)/.test(column ?? '')) return decimals(raw) + 3
  if ((field === 'top1' || field === 'top5') && Number(raw) > 1) return decimals(raw) + 2
  return decimals(raw)
}

function rowFigures(table: MarkdownTable, document: string, section: string) {
  const columns = table.header.map((header) =>
    classifyColumn(header, { document, line: table.headerLine, footnotes: table.after }),
  )
  return table.rows.map((row) => {
    const figures: { field: string; value: number; precision: number; source: SourceRef }[] = []
    let id: string | null = null
    columns.forEach((column, index) => {
      const raw = row.cells[index] ?? ''
      if (column.kind === 'link') {
        const url = links(raw)[0]
        if (url && column.field === 'pretrained') id = idFromUrl(url)
        if (url && column.field === 'inference') id ??= idFromUrl(url)
        return
      }
      if (column.kind === 'name') return
      const value = readNumber(raw)
      if (value === null || value === undefined) return
      const source: SourceRef = {
        document,
        section,
        line: row.line,
        column: columnLabel(table.header[index] ?? ''),
        raw: raw.trim(),
      }
      if (column.kind === 'accuracy') {
        figures.push({
          field: column.field,
          value: accuracyFraction(value),
          precision: decimals(raw) + (value > 1 ? 2 : 0),
          source,
        })
      } else if (column.kind === 'flops') {
        figures.push({
          field: 'flopsG',
          value: flopsInG(value, column.unit),
          precision: decimals(raw) + (column.unit === 'M' ? 3 : 0),
          source,
        })
      } else if (column.kind === 'params' || column.kind === 'size') {
        const field = column.kind === 'params' ? 'paramsM' : 'sizeMB'
        figures.push({ field, value, precision: decimals(raw), source })
      } else {
        const field = `${column.platform}|${column.batchSize}|${column.threads ?? ''}`
        figures.push({ field, value, precision: decimals(raw), source })
      }
    })
    return { id, displayName: plainText(row.cells[0] ?? ''), figures }
  })
}

/** The catalog's figure for a field, with the raw text it was read from. */
/** The catalog's figure for a field: its value, raw text, and the values other tables gave. */
function catalogFigure(
  model: CatalogModel,
  field: string,
): { value: number; raw: string; column?: string | undefined; also?: number[] } | null {
  if (field.includes('|')) {
    const [platform, batch, threads] = field.split('|')
    const latency = model.latencies.find(
      (l) =>
        l.platform === platform &&
        l.batchSize === Number(batch) &&
        String(l.threads ?? '') === threads,
    )
    return latency
      ? { value: latency.ms, raw: latency.source.raw, column: latency.source.column }
      : null
  }
  const figure = model[field as 'top1']
  return figure
    ? {
        value: figure.value,
        raw: figure.source.raw,
        column: figure.source.column,
        also: (figure.others ?? []).map((o) => o.value),
      }
    : null
}

export function readSecondSource(
  text: string,
  document: string,
  models: readonly CatalogModel[],
): Map<string, SecondSource> {
  const byId = new Map(models.map((m) => [m.id, m]))
  const result = new Map<string, SecondSource>()
  for (const table of parseMarkdownTables(text, document)) {
    if (!table.header.some((h) => /Top-1 Acc/.test(h))) continue
    const section = plainText(table.headings.at(-1)?.text ?? '')
    for (const row of rowFigures(table, document, section)) {
      const model = row.id ? byId.get(row.id) : undefined
      if (!model) continue
      const differing: Figures = []
      for (const figure of row.figures) {
        const ours = catalogFigure(model, figure.field)
        if (!ours) continue
        const oursCandidate = {
          value: ours.value,
          precision: catalogPrecision(ours.raw, figure.field, ours.column),
          source: figure.source,
        }
        const theirs = { value: figure.value, precision: figure.precision, source: figure.source }
        const [fine, coarse] =
          oursCandidate.precision >= theirs.precision
            ? [oursCandidate, theirs]
            : [theirs, oursCandidate]
        // The model list itself wrote it so (an SSLD table's coarser copy): nothing new.
        if (figure.value === ours.value || ours.also?.includes(figure.value)) continue
        differing.push({
          field: figure.field,
          value: figure.value,
          catalogValue: ours.value,
          roundingOnly: agreesByRounding(fine, coarse),
          source: figure.source,
        })
      }
      if (!differing.length) continue
      const existing = result.get(model.id)
      const figures = [...(existing?.figures ?? []), ...differing].filter(
        (f, index, all) =>
          all.findIndex((g) => g.field === f.field && g.value === f.value) === index,
      )
      result.set(model.id, { document, figures })
    }
  }
  return result
}
