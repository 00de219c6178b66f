/**
 * A job's folder that is gone (deleted, moved away, its disk unmounted) stops the whole job: every
 * file left in it would otherwise become a failed row of its own, and the job would end "done"
 * with its results lost in a list of failures. Stopped, the files stay pending and a resume once
 * the folder is back finishes the job.
 */
import { stat } from 'node:fs/promises'
import { AppError } from '../../shared/errors'

/** The index of the first of `folders` (or of those at `roots`) that is not a folder now. */
export async function goneRoot(
  folders: readonly string[],
  roots: Iterable<number> = folders.keys(),
): Promise<number | null> {
  for (const root of roots) {
    const folder = folders[root]
    if (folder === undefined) continue
    const info = await stat(folder).catch((error: NodeJS.ErrnoException) => {
      // Only a folder that is not there; one unreadable for a moment is the files' concern.
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null
      return 'unknown' as const
    })
    if (info === null || (info !== 'unknown' && !info.isDirectory())) return root
  }
  return null
}

export function folderGoneError(folder: string, jobId: string, kept: number): AppError {
  return new AppError(
    'NOT_FOUND',
    `The folder "${folder}" is gone (deleted, moved or unmounted): batch job ${jobId} stopped. The ${kept} results so far are kept; put the folder back, then resume the job.`,
    { folder },
  )
}
