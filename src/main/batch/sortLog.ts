/**
 * The undo log of a sort into folders: JSON Lines beside the sorted folders
 * (`<out>/.zoo-sort-<time>-<tag>.jsonl`), a header line, then one line per file, written (to the
 * operating system, so a killed process loses none) before the file appears under its name; so a
 * sort stopped at any moment leaves a log that undoes everything it placed. A line names the
 * placed file by what it is, not only where: its inode (a link, or the copy's own) with size and
 * mtime, so undoing never removes a file that someone else put under that name meanwhile. A file
 * tried under one name and placed under another (taken at that instant) has a line per try; the
 * last line of a `seq` is the one that counts.
 */
import { randomBytes } from 'node:crypto'
import { open, type FileHandle } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { createInterface } from 'node:readline'
import { AppError } from '../../shared/errors'

export const SORT_LOG_FORMAT = 'zoo-sort-log'

export type SortMode = 'copy' | 'link' | 'move'

/** How a file was placed: `move-copy` is a move to another file system (copy, then delete). */
export type PlacedHow = 'copy' | 'link' | 'move' | 'move-copy'

export interface SortLogHeader {
  format: typeof SORT_LOG_FORMAT
  formatVersion: 1
  job: string
  model: number
  modelId: string
  mode: SortMode
  minScore: number
  out: string
  startedAt: string
  pid: number
}

/** What a file is, as far as undoing needs to know: its inode (null where hard links are not
 * supported: such file systems renumber files), size and mtime in nanoseconds, creation time. */
export interface FileIdentity {
  ino: string | null
  size: number
  mtimeNs: string
  /** Creation time in nanoseconds, where the file system keeps one (absent in older logs). */
  birthNs?: string
}

export interface SortLogEntry extends FileIdentity {
  seq: number
  how: PlacedHow
  from: string
  to: string
  /** A move to another file system: the original as it was, to tell "not deleted yet" apart. */
  source?: FileIdentity
}

/** Unflushed log lines reach the disk at least this often (a killed process loses none anyway). */
const SYNC_EVERY_MS = 1000

function stampOf(date: Date): string {
  // Colons are not allowed in Windows names.
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-')
}

/** The folder of a sort's temporaries, named after its log (removed by the sort, or the undo). */
export function partsFolderOf(logPath: string): string {
  return logPath.replace(/\.jsonl$/, '.parts')
}

export class SortLogWriter {
  private lastSync = Date.now()

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** A new log in `out` (created exclusively, so two sorts at once get two logs). */
  static async create(out: string, header: Omit<SortLogHeader, 'format' | 'formatVersion'>) {
    const stamp = stampOf(new Date(header.startedAt))
    for (;;) {
      const path = join(out, `.zoo-sort-${stamp}-${randomBytes(3).toString('hex')}.jsonl`)
      const handle = await open(path, 'ax').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return null
        throw error
      })
      if (!handle) continue
      const writer = new SortLogWriter(path, handle)
      await writer.line({ format: SORT_LOG_FORMAT, formatVersion: 1, ...header })
      await handle.datasync()
      return writer
    }
  }

  async entry(entry: SortLogEntry): Promise<void> {
    await this.line(entry)
    if (Date.now() - this.lastSync >= SYNC_EVERY_MS) {
      await this.handle.datasync()
      this.lastSync = Date.now()
    }
  }

  /** A last line saying how it ended, synced; the log stays for the undo. */
  async close(end: Record<string, unknown>): Promise<void> {
    try {
      await this.line({ end: new Date().toISOString(), ...end })
      await this.handle.datasync()
    } finally {
      await this.handle.close()
    }
  }

  private async line(value: unknown): Promise<void> {
    await this.handle.write(`${JSON.stringify(value)}\n`)
  }
}

function notALog(path: string, why: string): AppError {
  return new AppError(
    'INVALID_INPUT',
    `"${path}" is not a sort log (${why}). Give the .zoo-sort-….jsonl file that "sort into folders" wrote into its output folder.`,
  )
}

function isEntry(value: unknown): value is SortLogEntry {
  const v = value as Partial<SortLogEntry> | null
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.seq === 'number' &&
    typeof v.from === 'string' &&
    typeof v.to === 'string' &&
    typeof v.size === 'number' &&
    typeof v.mtimeNs === 'string' &&
    (v.ino === null || typeof v.ino === 'string') &&
    (v.birthNs === undefined || typeof v.birthNs === 'string') &&
    ['copy', 'link', 'move', 'move-copy'].includes(v.how as string)
  )
}

/**
 * A log's header, then its entries one at a time (the last try of each file), streamed: a log of
 * a million files costs constant memory. A torn last line (the sort killed mid-write) is no entry.
 */
export async function readSortLog(
  path: string,
): Promise<{ header: SortLogHeader; entries: AsyncGenerator<SortLogEntry> }> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new AppError('NOT_FOUND', `There is no sort log "${path}".`)
    if (error.code === 'EISDIR') throw notALog(path, 'it is a folder')
    throw error
  })
  const lines = createInterface({
    input: handle.createReadStream({ encoding: 'utf8', autoClose: false }),
    crlfDelay: Infinity,
  })
  const iterator = lines[Symbol.asyncIterator]()
  const close = async () => {
    lines.close()
    await handle.close()
  }
  const first = await iterator.next()
  let header: SortLogHeader | null
  try {
    header = first.done ? null : (JSON.parse(first.value) as SortLogHeader)
  } catch {
    header = null
  }
  if (header?.format !== SORT_LOG_FORMAT) {
    await close()
    throw notALog(path, first.done ? 'it is empty' : 'its first line is no sort log header')
  }
  if (header.formatVersion !== 1) {
    await close()
    throw notALog(path, `it is of format version ${header.formatVersion}; this app reads 1`)
  }
  if (typeof header.out !== 'string' || !isAbsolute(header.out)) {
    await close()
    throw notALog(path, 'its header names no output folder')
  }
  async function* entries(): AsyncGenerator<SortLogEntry> {
    let held: SortLogEntry | null = null
    let torn = 0
    try {
      for (;;) {
        const next = await iterator.next()
        if (next.done) break
        if (!next.value.trim()) continue
        let value: unknown
        try {
          value = JSON.parse(next.value)
        } catch {
          torn++
          continue
        }
        if (torn) throw notALog(path, 'a line in the middle of it is cut short or is not JSON')
        if (!isEntry(value)) continue // the end line, or a later version's extra line
        if (held && held.seq !== value.seq) yield held
        held = value
      }
      if (held) yield held
    } finally {
      await close()
    }
  }
  return { header, entries: entries() }
}
