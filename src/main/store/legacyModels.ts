/**
 * Attached models of versions up to 7 lived in `<data>/models/<sha256>.onnx`; migration 8 points
 * their rows at the blob store and this moves the files there when a data folder is opened. It
 * runs at every open (a process killed halfway finishes on the next), in any number of processes
 * at once: a file is renamed, never copied in place, so it is in one place or the other; a rename
 * that finds the file gone means another process moved it. When the blob is already there (the
 * same bytes attached since, or another process's move) it is kept and the old file dropped.
 * The folder goes once it is empty. No blob lease is needed: the rows already name the blob paths
 * (the migration ran before), so a gc counts a moved file in use, and a commit of the same bytes
 * meanwhile renames the same bytes over it.
 */
import {
  closeSync,
  copyFileSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
} from 'node:fs'
import { join } from 'node:path'
import { isProcessAlive } from '../app/processAlive'
import type { BlobStore } from './blobStore'

const LEGACY_MODEL = /^([0-9a-f]{64})\.onnx$/
/** An older version's import in progress: `import-<pid>-<ms>.partial`. */
const LEGACY_IMPORT = /^import-(\d+)-\d+\.partial$/

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code

/** Moves `<dataDir>/models/*.onnx` into the blob store; returns how many files it moved. */
export function moveLegacyModels(dataDir: string, blobs: BlobStore): number {
  const dir = join(dataDir, 'models')
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 0
    throw error
  }
  mkdirSync(blobs.blobs, { recursive: true })
  let moved = 0
  for (const name of names) {
    const old = join(dir, name)
    const model = LEGACY_MODEL.exec(name)
    if (!model) {
      // A dead older process's half-copied import: nobody will finish it.
      const pid = LEGACY_IMPORT.exec(name)?.[1]
      if (pid && !isProcessAlive(Number(pid))) rmSync(old, { force: true })
      continue
    }
    if (moveInto(old, blobs.blobPath(model[1]!), blobs.temporary('legacy-model'))) moved++
  }
  if (moved > 0) syncDirSync(blobs.blobs)
  try {
    rmdirSync(dir)
  } catch (error) {
    // Another process's file still in it, or another process removed it first.
    if (!['ENOTEMPTY', 'EEXIST', 'ENOENT'].includes(errorCode(error) ?? '')) throw error
  }
  return moved
}

/** Moves one file to its blob name; false when there was nothing to move. */
function moveInto(old: string, blob: string, temporary: string): boolean {
  const oldSize = statSync(old, { throwIfNoEntry: false })?.size
  if (oldSize === undefined) return false // moved by another process meanwhile
  // The blob was committed (re-hashed, renamed) since: it is the one kept. One of another size
  // is not what its name says, and the old file takes its place.
  if (statSync(blob, { throwIfNoEntry: false })?.size === oldSize) {
    rmSync(old, { force: true })
    return false
  }
  try {
    renameSync(old, blob)
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false // moved by another process meanwhile
    if (errorCode(error) !== 'EXDEV') throw error
    // `models` on another drive (a link): copy to a temporary beside the blob, then rename.
    copyFileSync(old, temporary)
    const fd = openSync(temporary, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temporary, blob)
    rmSync(old, { force: true })
  }
  return true
}

function syncDirSync(dir: string): void {
  try {
    const fd = openSync(dir, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  } catch {
    // Not supported everywhere (as in blobStore's syncDir).
  }
}
