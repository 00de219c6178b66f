/** Where the app's one blob store keeps files, as the tests look at it from outside. */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export const blobsDir = (dataDir: string) => join(dataDir, 'cache', 'blobs')

export const blobPath = (dataDir: string, sha256: string) => join(blobsDir(dataDir), sha256)

/** The names in `<data>/cache/blobs` (blobs and temporaries), sorted; [] when it does not exist. */
export function blobFiles(dataDir: string): string[] {
  const dir = blobsDir(dataDir)
  return existsSync(dir) ? readdirSync(dir).sort() : []
}
