/**
 * "Sort into folders": each classified file of a batch job placed into `<out>/<class folder>/`
 * by one model's top-1 (or `_uncertain` below a score), as a copy (the default), a hard link, or
 * — asked for twice — moved. Nothing is ever overwritten: a name taken gets `name (2).jpg`, found
 * atomically, so two sorts into one folder at once lose nothing either. A file not classified, or
 * gone or changed since it was (size, mtime), is left out and counted. The journal is walked a
 * page at a time, so a million files cost constant memory. Every placed file is written to the
 * undo log (sortLog.ts) before it has its name; sortUndo.ts takes it all back.
 */
import type { BigIntStats, Stats } from 'node:fs'
import { mkdir, realpath, rm, stat, unlink } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { BatchSortInput, Job, SortReport } from '../../shared/contract'
import { batchSortInput } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import type { BatchJournal, Top1Row } from './batchJournal'
import { ClassFolders, UNCERTAIN_FOLDER, suffixedName } from './classFolderName'
import {
  NameMemory,
  copyWithTimes,
  identityOf,
  linkNoClobber,
  lstatOrNull,
  renameNoClobber,
  type LinkOutcome,
} from './placeFile'
import {
  SortLogWriter,
  partsFolderOf,
  type SortLogEntry,
  type SortLogHeader,
  type SortMode,
} from './sortLog'

export interface SortProgress {
  /** Journal rows looked at, of `total`. */
  seen: number
  total: number
  placed: number
}

export interface SortHooks {
  signal?: AbortSignal
  onProgress?: (progress: SortProgress) => void
}

const SAMPLE_MAX = 100
const PROGRESS_EVERY = 250

type Claimed = { to: string; renamed: boolean }

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code
}

/** The source is not what was classified any more (changed while being copied, or gone). */
class SourceChanged extends Error {}

class Sorter {
  readonly report: SortReport
  private readonly folderCounts = new Map<string, number>()
  private readonly madeFolders = new Set<string>()
  private readonly names = new NameMemory()
  private log: SortLogWriter | null = null
  private parts: string | null = null
  /** Whether the output's file system does hard links, once a copy found out. */
  private links: boolean | null = null
  private seq = 0

  constructor(
    private readonly out: string,
    private readonly mode: SortMode,
    private readonly dryRun: boolean,
    /** The output's device, for a dry run to tell which links would become copies. */
    private readonly outDevice: number,
  ) {
    this.report = {
      out,
      mode,
      dryRun,
      log: null,
      placed: 0,
      uncertain: 0,
      renamed: 0,
      copiedInsteadOfLinked: 0,
      skipped: { failed: 0, pending: 0, missing: 0 },
      folders: [],
      sample: [],
    }
  }

  async open(header: Omit<SortLogHeader, 'format' | 'formatVersion'>): Promise<void> {
    this.log = await SortLogWriter.create(this.out, header)
    this.report.log = this.log.path
  }

  /** Places one done file into `folder`; counts it, or counts why not. */
  async place(row: Top1Row, folder: string): Promise<void> {
    const seen = await stat(row.absPath).catch(() => null)
    if (
      !seen?.isFile() ||
      (row.size !== null && (seen.size !== row.size || seen.mtimeMs !== row.mtimeMs))
    ) {
      this.report.skipped.missing++
      return
    }
    const dir = join(this.out, folder)
    const name = row.relPath.slice(row.relPath.lastIndexOf('/') + 1)
    let claimed: Claimed
    try {
      claimed = this.dryRun
        ? await this.plan(row.absPath, seen, dir, name)
        : await this.put(row.absPath, seen, dir, name)
    } catch (error) {
      if (!(error instanceof SourceChanged) && codeOf(error) !== 'ENOENT') throw error
      this.report.skipped.missing++
      return
    }
    this.report.placed++
    if (folder === UNCERTAIN_FOLDER) this.report.uncertain++
    if (claimed.renamed) this.report.renamed++
    this.folderCounts.set(folder, (this.folderCounts.get(folder) ?? 0) + 1)
    if (this.report.sample.length < SAMPLE_MAX)
      this.report.sample.push({ from: row.absPath, to: claimed.to })
  }

  /** A dry run: the name the file would get, and whether a link would be a copy; no writes. */
  private async plan(source: string, seen: Stats, dir: string, name: string): Promise<Claimed> {
    if (this.mode === 'link' && seen.dev !== this.outDevice) this.report.copiedInsteadOfLinked++
    let n = this.names.start(dir, name)
    while (await lstatOrNull(join(dir, suffixedName(name, n)))) n++
    this.names.used(dir, name, n)
    return { to: join(dir, suffixedName(name, n)), renamed: n > 1 }
  }

  private async put(path: string, seen: Stats, dir: string, name: string): Promise<Claimed> {
    await this.folder(dir)
    const seq = ++this.seq
    if (this.mode === 'copy') return this.copy(seq, 'copy', path, seen, dir, name)
    // A link or a move acts on the file itself, also when the job reached it through a symlink.
    const source = await realpath(path)
    const info = await stat(source, { bigint: true })
    if (this.mode === 'link') {
      const linked = await this.link(seq, 'link', source, info, dir, name)
      if (typeof linked === 'object') return linked
      this.report.copiedInsteadOfLinked++
      return this.copy(seq, 'copy', source, seen, dir, name)
    }
    const moved =
      this.links === false ? 'unsupported' : await this.link(seq, 'move', source, info, dir, name)
    if (typeof moved === 'object') {
      await unlink(source)
      return moved
    }
    if (moved === 'cross-device') {
      const copied = await this.copy(seq, 'move-copy', source, seen, dir, name, info)
      await unlink(source)
      return copied
    }
    // No hard links here: a rename, onto a reservation so that it replaces nothing.
    return this.claimByRename(dir, name, source, (to) =>
      this.entry({ seq, how: 'move', from: source, to, ...identityOf(info, false) }),
    )
  }

  private link(
    seq: number,
    how: 'link' | 'move',
    source: string,
    info: BigIntStats,
    dir: string,
    name: string,
  ): Promise<Claimed | 'unsupported' | 'cross-device'> {
    return this.claim(dir, name, async (to) => {
      await this.entry({ seq, how, from: source, to, ...identityOf(info, true) })
      return linkNoClobber(source, to)
    })
  }

  /** A copy under a temporary name first (synced), then given its name: never half a file. */
  private async copy(
    seq: number,
    how: 'copy' | 'move-copy',
    source: string,
    seen: Stats,
    dir: string,
    name: string,
    original?: BigIntStats,
  ): Promise<Claimed> {
    const temp = join(await this.partsFolder(), `${seq}.part`)
    const copy = await copyWithTimes(source, temp, seen)
    try {
      if (Number(copy.size) !== seen.size) throw new SourceChanged()
      const extra = original ? { source: identityOf(original, true) } : {}
      if (this.links !== false) {
        const linked = await this.claim(dir, name, async (to) => {
          await this.entry({ seq, how, from: source, to, ...identityOf(copy, true), ...extra })
          return linkNoClobber(temp, to)
        })
        if (typeof linked === 'object') {
          this.links = true
          return linked
        }
        if (linked === 'cross-device')
          throw new AppError(
            'INVALID_INPUT',
            `"${dir}" is on another file system than "${this.out}" (a mount or a link to another disk): sort into a folder whose class folders are its own.`,
          )
        this.links = false
      }
      return await this.claimByRename(dir, name, temp, (to) =>
        this.entry({ seq, how, from: source, to, ...identityOf(copy, false), ...extra }),
      )
    } finally {
      await rm(temp, { force: true })
    }
  }

  /** Tries `name`, `name (2)`… in `dir` until `put` gives the file one that was free. */
  private async claim(
    dir: string,
    name: string,
    put: (to: string) => Promise<LinkOutcome>,
  ): Promise<Claimed | 'unsupported' | 'cross-device'> {
    for (let n = this.names.start(dir, name); ; n++) {
      const to = join(dir, suffixedName(name, n))
      if (await lstatOrNull(to)) continue
      const outcome = await put(to)
      if (outcome === 'taken') continue // another process took it this instant
      if (outcome !== 'done') return outcome
      this.names.used(dir, name, n)
      return { to, renamed: n > 1 }
    }
  }

  /** `claim` by renaming `from` (where there are no hard links): that always ends placed. */
  private async claimByRename(
    dir: string,
    name: string,
    from: string,
    reserved: (to: string) => Promise<void>,
  ): Promise<Claimed> {
    const claimed = await this.claim(dir, name, (to) =>
      renameNoClobber(from, to, () => reserved(to)),
    )
    if (typeof claimed !== 'object') throw new Error('a rename cannot fail like a link')
    return claimed
  }

  private entry(entry: SortLogEntry): Promise<void> {
    return this.log!.entry(entry)
  }

  private async folder(dir: string): Promise<void> {
    if (this.madeFolders.has(dir)) return
    await mkdir(dir, { recursive: true })
    this.madeFolders.add(dir)
  }

  private async partsFolder(): Promise<string> {
    if (!this.parts) {
      const parts = partsFolderOf(this.log!.path)
      await mkdir(parts, { recursive: true })
      this.parts = parts
    }
    return this.parts
  }

  async close(end: Record<string, unknown>): Promise<void> {
    this.report.folders = [...this.folderCounts]
      .map(([name, count]) => ({ name, count }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    if (this.parts) await rm(this.parts, { recursive: true, force: true })
    await this.log?.close(end)
  }
}

/** The device of `path`, or of the nearest folder above it that exists. */
async function deviceOf(path: string): Promise<number> {
  for (let at = path; ; at = dirname(at)) {
    const info = await stat(at).catch(() => null)
    if (info || dirname(at) === at) return info?.dev ?? -1
  }
}

function stoppedBy(error: unknown, out: string, report: SortReport): unknown {
  const undo = report.log
    ? ` The ${report.placed} files placed so far are in the undo log: "zoo batch unsort ${report.log}" takes them back.`
    : ''
  if (error instanceof AppError)
    return undo ? new AppError(error.code, `${error.message}${undo}`) : error
  const code = codeOf(error)
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new AppError('DISK_FULL', `The disk of "${out}" is full; sorting stopped.${undo}`)
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new AppError(
      'INVALID_INPUT',
      `Sorting into "${out}" stopped: ${(error as Error).message}. Choose a folder you can write to (and files you can read).${undo}`,
    )
  return error
}

/** Sorts a job's classified files into folders (see the top of this file). */
export async function sortIntoFolders(
  journal: BatchJournal,
  job: Job,
  raw: BatchSortInput,
  hooks: SortHooks = {},
): Promise<SortReport> {
  const input = batchSortInput.parse(raw)
  const model = job.spec.models[input.model]
  if (!model) {
    const count = job.spec.models.length
    throw new AppError(
      'INVALID_INPUT',
      `Batch job ${job.id} has ${count} model${count === 1 ? '' : 's'}: choose model 0${count > 1 ? `…${count - 1}` : ''}.`,
    )
  }
  if (input.mode === 'move' && !input.confirmMove && !input.dryRun)
    throw new AppError(
      'INVALID_INPUT',
      'Moving takes the files out of their folders, so it must be confirmed: ask again with confirmMove (in the CLI, --move --yes), or copy or link them instead.',
    )
  const out = resolve(input.out)
  const existing = await stat(out).catch(() => null)
  if (existing && !existing.isDirectory())
    throw new AppError('NOT_A_FILE', `"${out}" is a file: give the folder to sort into.`)
  const sorter = new Sorter(out, input.mode, input.dryRun, await deviceOf(out))
  const folders = new ClassFolders(journal.labelsOf(job.id, input.model))
  const report = sorter.report
  let ended: Record<string, unknown> = {}
  try {
    if (!input.dryRun) {
      await mkdir(out, { recursive: true })
      await sorter.open({
        job: job.id,
        model: input.model,
        modelId: model.id,
        mode: input.mode,
        minScore: input.minScore,
        out,
        startedAt: new Date().toISOString(),
        pid: process.pid,
      })
    }
    let seen = 0
    for (const row of journal.iterateTop1(job.id, input.model)) {
      if (hooks.signal?.aborted)
        throw new AppError('CANCELLED', `Sorting into "${out}" was stopped.`)
      if (++seen % PROGRESS_EVERY === 0)
        hooks.onProgress?.({ seen, total: job.counts.total, placed: report.placed })
      if (row.state === 'failed') report.skipped.failed++
      else if (row.state === 'pending' || !row.top1) report.skipped.pending++
      else {
        const { index, label, score } = row.top1
        const folder = score < input.minScore ? UNCERTAIN_FOLDER : folders.of(index, label)
        await sorter.place(row, folder)
      }
    }
    ended = { placed: report.placed, skipped: report.skipped }
  } catch (error) {
    ended = { error: error instanceof Error ? error.message : String(error) }
    throw stoppedBy(error, out, report)
  } finally {
    await sorter.close(ended)
  }
  return report
}
