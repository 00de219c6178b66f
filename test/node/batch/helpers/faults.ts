/**
 * What goes wrong under a running batch job, made for real: a folder removed by `rm -rf` in its
 * own process, and a small tmpfs (we run as root) that the test fills to the last byte.
 */
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { makeTempDir, removeDir } from '../../helpers/tempDir'

/** `rm -rf` in its own process, as a user in another terminal would. */
export function rmRf(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('rm', ['-rf', path], { stdio: 'ignore' })
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`rm -rf: ${code}`))))
  })
}

const mounts: string[] = []

/**
 * Mounts a tmpfs of `size` (e.g. "24m") on a fresh folder; null, with the reason printed, when
 * this process may not mount. Call `unmountAll` in afterEach.
 */
export function mountTmpfs(size: string): string | null {
  const dir = makeTempDir('zoo-tmpfs')
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], {
    encoding: 'utf8',
  })
  if (mounted.status !== 0) {
    removeDir(dir)
    const why = (mounted.stderr || mounted.error?.message || `status ${mounted.status}`).trim()
    console.log(`Skipping the disk-full test: cannot mount a tmpfs (${why}).`)
    return null
  }
  mounts.push(dir)
  return dir
}

/** Lazily (a process still holding files there must not keep the mount behind), then removed. */
export function unmountAll(): void {
  for (const dir of mounts.splice(0)) {
    spawnSync('umount', ['-l', dir])
    removeDir(dir)
  }
}

/** Fills the file system of `dir` to the last byte with one file `name`; returns its path. */
export function fillDisk(dir: string, name = 'filler'): string {
  const path = join(dir, name)
  const fd = openSync(path, 'w')
  try {
    for (const chunk of [1 << 20, 4096, 512, 1])
      for (const bytes = Buffer.alloc(chunk, 7); ;)
        try {
          if (writeSync(fd, bytes) < chunk) break
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
          break
        }
  } finally {
    closeSync(fd)
  }
  return path
}
