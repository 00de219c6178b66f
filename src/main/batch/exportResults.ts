/**
 * A batch job's results as CSV or JSON Lines (layout: exportLayout.ts), streamed from the journal
 * a page at a time, so a million rows cost constant memory. Each file is written to a temporary
 * beside its destination and fsync'd; only when both the table and its sidecar are written are
 * they renamed over their destinations: a reader never sees half an export, and a failed export
 * (a full disk) leaves the previous one in place. The job's provenance (folders, models with
 * their SHA-256 and preprocessing, onnxruntime version, options, counts) goes into a sidecar
 * `<out>.json`, not into the table: the CSV has a header row and data rows, nothing else.
 *
 * CSV: RFC 4180 (comma, CRLF, fields quoted when they hold a comma, quote, CR/LF or leading or
 * trailing spaces), numbers in plain decimal with "." (no locale, no exponent), UTF-8 with a BOM
 * by default: Excel (Windows and Mac) reads a CSV without one in the system's legacy code page,
 * garbling every non-ASCII file name, while pandas (since 0.19), R's readr and LibreOffice skip
 * the BOM. Python's own `csv` module needs `encoding="utf-8-sig"` for it; `bom: false` leaves it
 * out. JSON Lines: one JSON object per line, UTF-8 without a BOM (JSON forbids one).
 */
import { randomBytes } from 'node:crypto'
import { open, rename, rm, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { AppError } from '../../shared/errors'
import { formatDecimal } from '../../shared/format/formatDecimal'
import type { ExportRow, Provenance } from './batchJournal'
import { exportCells, exportColumns, type Cell } from './exportLayout'

export const SIDECAR_FORMAT = 'zoo-batch-results'

export interface Sidecar extends Provenance {
  format: typeof SIDECAR_FORMAT
  formatVersion: 1
  /** The export this describes, beside it. */
  file: string
  fileFormat: 'csv' | 'jsonl'
  encoding: 'utf-8' | 'utf-8 with BOM'
  columns: string[]
  rows: number
  exportedAt: string
}

export interface ExportOptions {
  provenance: Provenance
  signal?: AbortSignal
  /** CSV only: start with a UTF-8 BOM (default true, for Excel). */
  bom?: boolean
  now?: () => Date
}

export interface ExportSummary {
  path: string
  sidecar: string
  rows: number
}

/** Bytes gathered before a write: few syscalls, bounded memory. */
const FLUSH_CHARS = 256 * 1024

/** A number as plain decimal text: "0.000000123", never "1.23e-7", whatever the locale. */
export function decimalText(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot export the number ${value}`)
  const text = String(value)
  if (!/e/i.test(text)) return text
  // formatDecimal works on the shortest round-trip digits: with room for every digit it is exact.
  return formatDecimal(value, 0, 400).replace(/,/g, '')
}

/** One CSV field (RFC 4180): quoted when it must be, quotes doubled. */
export function csvField(value: Cell): string {
  if (value === null) return ''
  if (typeof value === 'number') return decimalText(value)
  return /[",\r\n]/.test(value) || value.trim() !== value || value === ''
    ? `"${value.replace(/"/g, '""')}"`
    : value
}

export function csvLine(cells: readonly Cell[]): string {
  return cells.map(csvField).join(',') + '\r\n'
}

function jsonLine(columns: readonly string[], cells: readonly Cell[]): string {
  const record: Record<string, Cell> = {}
  columns.forEach((column, i) => (record[column] = cells[i] ?? null))
  return JSON.stringify(record) + '\n'
}

/**
 * Writes what `out` is to hold into a temporary beside it: `fill` is given a buffered `write`;
 * the file is fsync'd once `fill` finished, and its path returned. On any failure the temporary
 * is removed again and nothing is left behind.
 */
async function writeTemporary(
  out: string,
  fill: (write: (text: string) => Promise<void>) => Promise<void>,
): Promise<string> {
  const temporary = join(
    dirname(out),
    `.${basename(out)}.${process.pid}.${randomBytes(4).toString('hex')}.partial`,
  )
  let handle: FileHandle
  try {
    handle = await open(temporary, 'wx')
  } catch (error) {
    throw exportError(out, error)
  }
  let closed = false
  try {
    let buffered: string[] = []
    let size = 0
    const flush = async () => {
      if (buffered.length === 0) return
      const text = buffered.join('')
      buffered = []
      size = 0
      await handle.write(text, null, 'utf8')
    }
    await fill(async (text) => {
      buffered.push(text)
      size += text.length
      if (size >= FLUSH_CHARS) await flush()
    })
    await flush()
    await handle.sync()
    await handle.close()
    closed = true
    return temporary
  } catch (error) {
    if (!closed) await handle.close().catch(() => {})
    await rm(temporary, { force: true })
    throw exportError(out, error)
  }
}

/** Renames each written temporary over its destination; a failed rename removes those left. */
async function putInPlace(files: readonly { temporary: string; out: string }[]): Promise<void> {
  for (const [index, { temporary, out }] of files.entries()) {
    try {
      await rename(temporary, out)
    } catch (error) {
      for (const left of files.slice(index)) await rm(left.temporary, { force: true })
      throw exportError(out, error)
    }
  }
}

function exportError(out: string, error: unknown): unknown {
  if (error instanceof AppError) return error
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOSPC')
    return new AppError('DISK_FULL', `The disk is full: "${out}" could not be written.`)
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOENT')
    return new AppError(
      'INVALID_INPUT',
      `"${out}" cannot be written (${code}); choose a folder you can write to.`,
    )
  return error
}

function writeSidecar(
  out: string,
  sidecar: Omit<Sidecar, 'exportedAt' | 'format' | 'formatVersion'>,
  now: () => Date,
): Promise<string> {
  const body: Sidecar = {
    format: SIDECAR_FORMAT,
    formatVersion: 1,
    ...sidecar,
    exportedAt: now().toISOString(),
  }
  return writeTemporary(`${out}.json`, (write) => write(JSON.stringify(body, null, 2) + '\n'))
}

async function writeExport(
  rows: Iterable<ExportRow>,
  out: string,
  options: ExportOptions,
  fileFormat: 'csv' | 'jsonl',
): Promise<ExportSummary> {
  const { provenance, signal } = options
  const topk = provenance.options.topk
  const columns = exportColumns(topk)
  const bom = fileFormat === 'csv' && options.bom !== false
  let count = 0
  const table = await writeTemporary(out, async (write) => {
    if (fileFormat === 'csv') await write((bom ? '\uFEFF' : '') + csvLine(columns))
    for (const row of rows) {
      if (signal?.aborted) throw new AppError('CANCELLED', `Exporting to "${out}" was cancelled.`)
      const cells = exportCells(row, topk)
      await write(fileFormat === 'csv' ? csvLine(cells) : jsonLine(columns, cells))
      count++
    }
  })
  let sidecar: string
  try {
    sidecar = await writeSidecar(
      out,
      {
        ...provenance,
        file: basename(out),
        fileFormat,
        encoding: bom ? 'utf-8 with BOM' : 'utf-8',
        columns,
        rows: count,
      },
      options.now ?? (() => new Date()),
    )
  } catch (error) {
    await rm(table, { force: true })
    throw error
  }
  // Both written before either is put in place: a table never stands beside another's sidecar.
  await putInPlace([
    { temporary: table, out },
    { temporary: sidecar, out: `${out}.json` },
  ])
  return { path: out, sidecar: `${out}.json`, rows: count }
}

export function writeCsv(
  rows: Iterable<ExportRow>,
  out: string,
  options: ExportOptions,
): Promise<ExportSummary> {
  return writeExport(rows, out, options, 'csv')
}

export function writeJsonl(
  rows: Iterable<ExportRow>,
  out: string,
  options: ExportOptions,
): Promise<ExportSummary> {
  return writeExport(rows, out, options, 'jsonl')
}
