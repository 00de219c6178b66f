/** Temporary folders under the OS temp dir, always removed again. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onTestFinished } from 'vitest'

export function makeTempDir(label = 'zoo-test'): string {
  return mkdtempSync(join(tmpdir(), `${label}-`))
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/** A fresh folder for the running test, removed when the test finishes (pass or fail). */
export function tempDirForTest(label?: string): string {
  const dir = makeTempDir(label)
  onTestFinished(() => removeDir(dir))
  return dir
}
