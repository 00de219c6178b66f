/**
 * Files that are not ordinary files, made for tests: FIFOs (made with the system's `mkfifo`),
 * sparse files of any size (instant, no disk used), whether a permission test can be run, and the
 * pid of a process that is gone.
 */
import { execFileSync, spawn } from 'node:child_process'
import { closeSync, ftruncateSync, openSync } from 'node:fs'
import { join } from 'node:path'

function findMkfifo(): string | null {
  if (process.platform === 'win32') return 'Windows has no FIFOs in the file system'
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' })
    return null
  } catch {
    // BSD mkfifo has no --version: it exits with a usage message, but it exists.
    try {
      execFileSync('sh', ['-c', 'command -v mkfifo'], { stdio: 'ignore' })
      return null
    } catch {
      return '`mkfifo` is not installed'
    }
  }
}

/** Null when FIFOs can be made here, else why not (printed by the tests that skip). */
export const noFifoReason = findMkfifo()

/** Whether FIFO tests run; prints why `what` is skipped when they cannot. */
export function canMakeFifos(what: string): boolean {
  if (noFifoReason) console.warn(`skipping ${what}: ${noFifoReason}`)
  return noFifoReason === null
}

/** A FIFO with no writer: a plain open or read of it waits forever. */
export function makeFifo(dir: string, name: string): string {
  const path = join(dir, name)
  execFileSync('mkfifo', [path])
  return path
}

/** A file of `size` bytes that reads as zeros and takes no disk space. */
export function sparseFile(path: string, size: number): string {
  const fd = openSync(path, 'w')
  try {
    ftruncateSync(fd, size)
  } finally {
    closeSync(fd)
  }
  return path
}

/** Why a permission-denied test cannot run here (root reads anything), or null. */
export const noEaccesReason =
  process.getuid?.() === 0
    ? 'running as root, which reads any file whatever its permissions'
    : process.platform === 'win32'
      ? 'Windows has no POSIX file modes'
      : null

/** The pid of a process that has just exited: what a killed writer leaves in its file names. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((resolve) => child.on('exit', resolve))
  return child.pid!
}
