/**
 * Labelled folders: when a job's folder is an evaluation set — its subfolders named after the
 * classes (ImageNet class names, WordNet ids like n01440764, or class indices), or a `path,label`
 * CSV beside it — each file's true class, and each model's accuracy against it: top-1, top-5,
 * per class, and the pairs of classes most often confused. Pure: the caller reads the files and
 * the journal.
 *
 * A file's folder label is its relative path's first component (`n01440764/x.JPEG` under the
 * job's folder); files directly in the folder have none. Class names match case-insensitively,
 * with "_", "-" and runs of spaces alike and apostrophes dropped ("Potters_wheel" is "potter's
 * wheel"), against a class's whole label, its first name or any of its comma-separated synonyms,
 * preferring them in that order; a name two classes share at the same level ("crane": the bird
 * and the machine) is ambiguous and labels nothing.
 */
import type { AccuracyReport, ModelAccuracy } from '../../shared/contract'
import type { ExportRow } from './batchJournal'

export interface ClassList {
  /** Class names in model output order (readLabels: resources/catalog/imagenet1k-labels.json). */
  names: readonly string[]
  /** WordNet ids in the same order, when known (the app ships none). */
  wnids?: readonly string[] | null
}

export type LabelScheme = 'name' | 'wnid' | 'index'

export interface FolderLabels {
  scheme: LabelScheme
  byFolder: ReadonlyMap<string, number>
  /** Subfolder names that name no class in this scheme. */
  unmatched: string[]
  /** Subfolder names more than one class answers to. */
  ambiguous: string[]
}

function normalised(name: string): string {
  return name
    .normalize('NFC')
    .toLowerCase()
    .replace(/['\u2019]/g, '')
    .replace(/[\s_-]+/g, ' ')
    .trim()
}

interface NameEntry {
  index: number
  /** 0 the whole label, 1 its first name, 2 another synonym. */
  level: number
  ambiguous: boolean
}

const nameTables = new WeakMap<readonly string[], Map<string, NameEntry>>()

function nameTable(names: readonly string[]): Map<string, NameEntry> {
  let table = nameTables.get(names)
  if (table) return table
  table = new Map()
  const offer = (key: string, index: number, level: number) => {
    if (!key) return
    const held = table!.get(key)
    if (!held || level < held.level) table!.set(key, { index, level, ambiguous: false })
    else if (level === held.level && held.index !== index) held.ambiguous = true
  }
  names.forEach((label, index) => {
    offer(normalised(label), index, 0)
    const [first, ...others] = label.split(',')
    offer(normalised(first ?? ''), index, 1)
    for (const other of others) offer(normalised(other), index, 2)
  })
  nameTables.set(names, table)
  return table
}

const wnidTables = new WeakMap<readonly string[], Map<string, number>>()

function wnidTable(wnids: readonly string[]): Map<string, number> {
  let table = wnidTables.get(wnids)
  if (!table) {
    table = new Map(wnids.map((wnid, index) => [wnid.toLowerCase(), index]))
    wnidTables.set(wnids, table)
  }
  return table
}

type Lookup = number | 'ambiguous' | null

/** The class `text` names under `scheme`: its index, 'ambiguous', or null. */
export function classOf(text: string, scheme: LabelScheme, classes: ClassList): Lookup {
  const trimmed = text.trim()
  switch (scheme) {
    case 'index': {
      if (!/^\d{1,7}$/.test(trimmed)) return null
      const index = Number(trimmed)
      return index < classes.names.length ? index : null
    }
    case 'wnid': {
      if (!classes.wnids || !/^n\d{8}$/i.test(trimmed)) return null
      return wnidTable(classes.wnids).get(trimmed.toLowerCase()) ?? null
    }
    case 'name': {
      const entry = nameTable(classes.names).get(normalised(trimmed))
      if (!entry) return null
      return entry.ambiguous ? 'ambiguous' : entry.index
    }
  }
}

/** The class a label text names in any scheme (wnid, then index, then name). */
export function classOfAny(text: string, classes: ClassList): Lookup {
  for (const scheme of ['wnid', 'index', 'name'] as const) {
    const found = classOf(text, scheme, classes)
    if (found !== null) return found
  }
  return null
}

/**
 * How the subfolders `folderNames` label their files: the scheme that names the most of them,
 * if it names at least half; null when none does (not a labelled folder).
 */
export function folderLabels(
  folderNames: Iterable<string>,
  classes: ClassList,
): FolderLabels | null {
  const names = [...new Set(folderNames)]
  if (names.length === 0) return null
  let best: FolderLabels | null = null
  for (const scheme of ['wnid', 'index', 'name'] as const) {
    const byFolder = new Map<string, number>()
    const unmatched: string[] = []
    const ambiguous: string[] = []
    for (const name of names) {
      const found = classOf(name, scheme, classes)
      if (typeof found === 'number') byFolder.set(name, found)
      else (found === 'ambiguous' ? ambiguous : unmatched).push(name)
    }
    if (!best || byFolder.size > best.byFolder.size)
      best = { scheme, byFolder, unmatched, ambiguous }
  }
  return best && best.byFolder.size * 2 >= names.length ? best : null
}

/** The first folder of `relPath`, or null for a file directly in the root. */
export function topFolderOf(relPath: string): string | null {
  const slash = relPath.indexOf('/')
  return slash > 0 ? relPath.slice(0, slash) : null
}

/** The class of the file at `relPath`, from its folder, or null. */
export function labelOfPath(relPath: string, labels: FolderLabels): number | null {
  const folder = topFolderOf(relPath)
  return folder === null ? null : (labels.byFolder.get(folder) ?? null)
}

/** One CSV record's fields (RFC 4180 quoting, one line). */
function csvFields(line: string): string[] | null {
  const fields: string[] = []
  let i = 0
  for (;;) {
    if (line[i] === '"') {
      let value = ''
      i++
      for (;;) {
        const quote = line.indexOf('"', i)
        if (quote < 0) return null
        value += line.slice(i, quote)
        if (line[quote + 1] === '"') {
          value += '"'
          i = quote + 2
        } else {
          i = quote + 1
          break
        }
      }
      fields.push(value)
      if (i === line.length) return fields
      if (line[i] !== ',') return null
      i++
    } else {
      const comma = line.indexOf(',', i)
      if (comma < 0) {
        fields.push(line.slice(i))
        return fields
      }
      fields.push(line.slice(i, comma))
      i = comma + 1
    }
  }
}

export function normalisedRelPath(path: string): string {
  return path
    .trim()
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
}

export interface LabelCsv {
  /** Relative path ("/" separators) → class index. */
  byPath: Map<string, number>
  problems: { line: number; message: string }[]
}

/**
 * A `path,label` CSV (an optional header row "path,label"): paths relative to the job's folder,
 * labels a class index, WordNet id or class name. Lines that label nothing are listed in
 * `problems`, not guessed.
 */
export function parseLabelCsv(text: string, classes: ClassList): LabelCsv {
  const byPath = new Map<string, number>()
  const problems: LabelCsv['problems'] = []
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  lines.forEach((line, i) => {
    if (line.trim() === '') return
    const fields = csvFields(line)
    if (!fields || fields.length < 2) {
      problems.push({ line: i + 1, message: 'expected "path,label"' })
      return
    }
    const [path = '', label = ''] = fields
    if (i === 0 && path.trim().toLowerCase() === 'path' && label.trim().toLowerCase() === 'label')
      return
    const found = classOfAny(label, classes)
    if (typeof found !== 'number') {
      problems.push({
        line: i + 1,
        message:
          found === 'ambiguous'
            ? `"${label}" names more than one class; use its index`
            : `"${label}" is no class`,
      })
      return
    }
    byPath.set(normalisedRelPath(path), found)
  })
  return { byPath, problems }
}

interface Tally {
  model: string
  evaluated: number
  failed: number
  pending: number
  top1: number
  top5: number
  short: boolean
  perClass: Map<number, { count: number; top1: number; top5: number }>
  confused: Map<string, number>
}

/**
 * Accuracy of each model, tallied from the journal's export rows one at a time (so a caller can
 * pause between pages): memory grows with classes and confused pairs, not with files.
 */
export class AccuracyTally {
  private readonly tallies: Tally[] = []
  private labelled = 0
  private unlabelled = 0

  constructor(
    private readonly labelOf: (row: ExportRow) => number | null,
    private readonly options: { classNames: readonly string[]; confusedPairs?: number },
  ) {}

  add(row: ExportRow): void {
    const label = this.labelOf(row)
    if (row.modelIndex === 0) {
      if (label === null) this.unlabelled++
      else this.labelled++
    }
    if (label === null) return
    const tally = (this.tallies[row.modelIndex] ??= {
      model: row.model,
      evaluated: 0,
      failed: 0,
      pending: 0,
      top1: 0,
      top5: 0,
      short: false,
      perClass: new Map(),
      confused: new Map(),
    })
    if (row.status !== 'ok') {
      if (row.status === 'failed') tally.failed++
      else tally.pending++
      return
    }
    const predicted = row.top[0]?.index
    const hit1 = predicted === label
    const hit5 = row.top.slice(0, 5).some((entry) => entry.index === label)
    if (row.top.length < 5) tally.short = true
    tally.evaluated++
    if (hit1) tally.top1++
    if (hit5) tally.top5++
    const perClass = tally.perClass.get(label) ?? { count: 0, top1: 0, top5: 0 }
    perClass.count++
    if (hit1) perClass.top1++
    if (hit5) perClass.top5++
    tally.perClass.set(label, perClass)
    if (!hit1 && predicted !== undefined) {
      const key = `${label}:${predicted}`
      tally.confused.set(key, (tally.confused.get(key) ?? 0) + 1)
    }
  }

  report(): AccuracyReport {
    const options = this.options
    const nameOf = (index: number) => options.classNames[index] ?? `class ${index}`
    const fraction = (part: number, whole: number) => (whole === 0 ? null : part / whole)
    const models = this.tallies
      .filter((tally): tally is Tally => tally !== undefined)
      .map((tally): ModelAccuracy => ({
        model: tally.model,
        evaluated: tally.evaluated,
        failed: tally.failed,
        pending: tally.pending,
        top1: fraction(tally.top1, tally.evaluated),
        top5: tally.short ? null : fraction(tally.top5, tally.evaluated),
        perClass: [...tally.perClass]
          .sort(([a], [b]) => a - b)
          .map(([index, c]) => ({
            index,
            name: nameOf(index),
            count: c.count,
            top1: c.top1 / c.count,
            top5: tally.short ? null : c.top5 / c.count,
          })),
        confused: [...tally.confused]
          .map(([key, count]) => {
            const [actual, predicted] = key.split(':').map(Number) as [number, number]
            return {
              actual,
              actualName: nameOf(actual),
              predicted,
              predictedName: nameOf(predicted),
              count,
            }
          })
          .sort((a, b) => b.count - a.count || a.actual - b.actual || a.predicted - b.predicted)
          .slice(0, options.confusedPairs ?? 20),
      }))
    return { labelled: this.labelled, unlabelled: this.unlabelled, models }
  }
}

/** Accuracy of each model from the journal's export rows (`BatchJournal.iterateAll`), streamed. */
export function accuracyReport(
  rows: Iterable<ExportRow>,
  labelOf: (row: ExportRow) => number | null,
  options: { classNames: readonly string[]; confusedPairs?: number },
): AccuracyReport {
  const tally = new AccuracyTally(labelOf, options)
  for (const row of rows) tally.add(row)
  return tally.report()
}
