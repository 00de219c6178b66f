/**
 * How the app opens files it writes (downloads, unpacked archives). A parameter of the writers so
 * tests can hand in one whose writes fail like a full disk does (ENOSPC): the one stand-in the
 * tests use, because filling a real disk is neither fast nor safe.
 */
import { open, type FileHandle } from 'node:fs/promises'

export type OpenForWrite = (
  path: string,
  flags: 'a' | 'w' | 'wx',
  mode?: number,
) => Promise<FileHandle>

export const openForWrite: OpenForWrite = (path, flags, mode) => open(path, flags, mode)
