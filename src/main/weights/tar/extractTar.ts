/**
 * Unpacks a tar that `readTarIndex` accepted into a new staging folder. Files are created
 * exclusively (never through an existing file or link), with plain permissions (setuid, setgid and
 * sticky bits are dropped, whoever runs the app), and fsync'd: the caller renames the folder into
 * the cache only once it is whole. A full disk is DISK_FULL, and the staging folder is removed.
 */
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { AppError } from '../../../shared/errors'
import { formatBytes } from '../../../shared/format/formatBytes'
import { openForWrite, type OpenForWrite } from '../../files/openForWrite'
import { archiveLimits, readTarIndex, type TarEntry, type TarLimits } from './tarIndex'

export interface ExtractedTar {
  /** Relative paths of the files (not folders), in archive order. */
  files: string[]
  /** Bytes of file data written. */
  bytes: number
}

const COPY_CHUNK = 1 << 20

function diskError(error: unknown, needed: number): AppError | null {
  const code = (error as NodeJS.ErrnoException).code
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return null
  return new AppError(
    'DISK_FULL',
    `The disk is full: unpacking the archive needs ${formatBytes(needed)}. Free some space and try again.`,
  )
}

/** Only the permission bits a user needs: read/write, and execute when the archive had it. */
const fileMode = (mode: number) => (mode & 0o111 ? 0o755 : 0o644)

async function writeEntry(
  archive: FileHandle,
  entry: TarEntry,
  target: string,
  buffer: Buffer,
  openFile: OpenForWrite,
): Promise<void> {
  const out = await openFile(target, 'wx', fileMode(entry.mode))
  try {
    let done = 0
    while (done < entry.size) {
      const want = Math.min(buffer.length, entry.size - done)
      const { bytesRead } = await archive.read(buffer, 0, want, entry.dataOffset + done)
      if (bytesRead === 0)
        throw new AppError('ARCHIVE_CORRUPT', `The archive ended inside ${entry.path}.`)
      let written = 0
      while (written < bytesRead) {
        const { bytesWritten } = await out.write(buffer, written, bytesRead - written)
        written += bytesWritten
      }
      done += bytesRead
    }
    await out.sync()
  } finally {
    await out.close()
  }
}

/**
 * Checks `archivePath` (see tarIndex.ts) and unpacks it into `staging`, which must not exist.
 * Nothing is written when the check fails; on any later failure `staging` is removed.
 */
export async function extractTar(
  archivePath: string,
  staging: string,
  options: { limits?: TarLimits; openFile?: OpenForWrite } = {},
): Promise<ExtractedTar> {
  const archive = await open(archivePath, 'r')
  try {
    const size = (await archive.stat()).size
    const entries = await readTarIndex(archive, size, options.limits ?? archiveLimits(size))
    const needed = entries.reduce((sum, entry) => sum + entry.size, 0)
    await mkdir(dirname(staging), { recursive: true })
    await mkdir(staging)
    try {
      const buffer = Buffer.allocUnsafe(COPY_CHUNK)
      const files: string[] = []
      for (const entry of entries) {
        const target = join(staging, entry.path)
        if (entry.type === 'dir') {
          await mkdir(target, { recursive: true, mode: 0o755 })
          continue
        }
        await mkdir(dirname(target), { recursive: true, mode: 0o755 })
        await writeEntry(archive, entry, target, buffer, options.openFile ?? openForWrite)
        files.push(entry.path)
      }
      return { files, bytes: needed }
    } catch (error) {
      await rm(staging, { recursive: true, force: true })
      const full = diskError(error, needed)
      // Anything else (EIO, a folder we may not write) is not the archive's fault: it stays
      // what it is and reaches the log as INTERNAL.
      throw full ?? error
    }
  } finally {
    await archive.close()
  }
}
