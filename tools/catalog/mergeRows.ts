/**
 * Models appear in several tables (an SSLD table and their series table) with the same figure
 * written to different precision. Merging keeps the most precise value, lists the others with
 * their sources, and notes any pair that disagrees beyond rounding.
 */
import type { Figure, Latency, SourceRef } from '../../src/shared/catalog/types'
import type { Candidate, FigureKey, LatencyCandidate, RowRecord } from './rowRecords'

export interface MergedRows {
  id: string
  rows: RowRecord[]
  /** The series-table row, or the first row when the model is only in an SSLD table. */
  primary: RowRecord
  figures: Partial<Record<FigureKey, Figure>>
  latencies: Latency[]
  notes: string[]
}

const where = (source: SourceRef) => `${source.section}, line ${source.line}`

/**
 * True when `coarse` can be `fine` rounded to coarse's precision: within half a unit of its last
 * digit. (Rounding the binary `fine` with toFixed would misjudge values written ending in 5.)
 */
export function agreesByRounding(fine: Candidate, coarse: Candidate): boolean {
  const digits = Math.min(coarse.precision, 12)
  return Math.abs(fine.value - coarse.value) <= 0.5 * 10 ** -digits + 1e-12
}

/** Most precise first; between equals, series tables before SSLD tables, then document order. */
function rank(candidates: { candidate: Candidate; fromSeries: boolean }[]) {
  return [...candidates].sort(
    (a, b) =>
      b.candidate.precision - a.candidate.precision ||
      Number(b.fromSeries) - Number(a.fromSeries) ||
      a.candidate.source.line - b.candidate.source.line,
  )
}

function choose(
  label: string,
  candidates: { candidate: Candidate; fromSeries: boolean }[],
  notes: string[],
): Figure {
  const [best, ...rest] = rank(candidates)
  const chosen = best!.candidate
  for (const { candidate } of rest) {
    if (!agreesByRounding(chosen, candidate)) {
      notes.push(
        `${label}: ${candidate.source.raw} (${where(candidate.source)}) disagrees with ` +
          `${chosen.source.raw} (${where(chosen.source)}) beyond rounding; the more precise value is shown.`,
      )
    }
  }
  const others = rest.map(({ candidate }) => ({ value: candidate.value, source: candidate.source }))
  return others.length
    ? { value: chosen.value, source: chosen.source, others }
    : { value: chosen.value, source: chosen.source }
}

export function mergeRows(id: string, rows: RowRecord[]): MergedRows {
  const notes: string[] = []
  const primary = rows.find((row) => row.part !== 'ssld') ?? rows[0]!
  const figures: Partial<Record<FigureKey, Figure>> = {}
  const keys = new Set(rows.flatMap((row) => Object.keys(row.figures) as FigureKey[]))
  for (const key of keys) {
    const candidates = rows.flatMap((row) => {
      const candidate = row.figures[key]
      return candidate ? [{ candidate, fromSeries: row.part !== 'ssld' }] : []
    })
    figures[key] = choose(key, candidates, notes)
  }

  const byKey = new Map<string, { candidate: LatencyCandidate; fromSeries: boolean }[]>()
  for (const row of rows) {
    for (const latency of row.latencies) {
      const key = `${latency.platform}|${latency.batchSize}|${latency.threads}`
      byKey.set(key, [
        ...(byKey.get(key) ?? []),
        { candidate: latency, fromSeries: row.part !== 'ssld' },
      ])
    }
  }
  const latencies: Latency[] = [...byKey.values()].map((candidates) => {
    const first = candidates[0]!.candidate
    const label = `latency ${first.platform} bs=${first.batchSize}${first.threads ? ` threads=${first.threads}` : ''}`
    const figure = choose(label, candidates, notes)
    return {
      platform: first.platform,
      batchSize: first.batchSize,
      threads: first.threads,
      ms: figure.value,
      source: figure.source,
    }
  })

  for (const field of ['pretrained', 'inference'] as const) {
    const urls = new Set(rows.map((row) => row[field]).filter((url): url is string => url !== null))
    if (urls.size > 1)
      notes.push(`The tables give different ${field} links: ${[...urls].join(', ')}.`)
  }
  return { id, rows, primary, figures, latencies, notes }
}
