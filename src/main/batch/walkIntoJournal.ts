/**
 * A job's folders walked into its journal: each file of the job's shard (and each entry the walk
 * had to skip, with why) written a chunk per transaction as it is found, so a million files cost
 * constant memory and a walk killed midway is simply walked again. Marks the job enumerated when
 * the walk got to its end with every folder still there (else throws NOT_FOUND, see goneFolder.ts).
 */
import type { Job } from '../../shared/contract'
import type { BatchJournal } from './batchJournal'
import { enumerateImages, type FoundFile, type SkippedEntry } from './enumerateImages'
import { folderGoneError, goneRoot } from './goneFolder'
import { inShard } from './shard'

/** Files found are written to the journal this many at a time (one transaction each). */
const FOUND_CHUNK = 1000

export interface WalkOptions {
  signal?: AbortSignal
  /** Asked between entries: true ends the walk early (paused, cancelled), not enumerated. */
  stopping?: () => boolean
  /** After each chunk is written. */
  onChunk?: () => void
}

export async function walkIntoJournal(
  journal: BatchJournal,
  job: Job,
  options: WalkOptions = {},
): Promise<void> {
  const stopping = options.stopping ?? (() => false)
  let found: FoundFile[] = []
  let skipped: SkippedEntry[] = []
  const flush = () => {
    if (found.length + skipped.length === 0) return
    journal.addFiles(job.id, found, skipped)
    found = []
    skipped = []
    options.onChunk?.()
  }
  const entries = enumerateImages(job.spec.folders, {
    recursive: job.spec.recursive,
    ...(options.signal ? { signal: options.signal } : {}),
  })
  for await (const entry of entries) {
    if (stopping()) break
    if ('file' in entry) {
      if (inShard(entry.file.relPath, job.spec.shard)) found.push(entry.file)
    } else if (inShard(entry.skipped.relPath, job.spec.shard)) skipped.push(entry.skipped)
    if (found.length + skipped.length >= FOUND_CHUNK) flush()
  }
  flush()
  if (stopping()) return
  // A root deleted mid-walk reads as empty from then on: that is not the end of its files.
  const gone = await goneRoot(job.spec.folders)
  if (gone !== null)
    throw folderGoneError(job.spec.folders[gone]!, job.id, journal.job(job.id)?.counts.done ?? 0)
  journal.markEnumerated(job.id)
}
