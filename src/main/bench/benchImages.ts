/**
 * The real images a benchmark's end-to-end pass runs: a folder the user names (its image files,
 * not its subfolders, in name order, up to MAX_BENCH_IMAGES), or the four ImageNet val images
 * the app ships (resources/samples, as the self-check uses them).
 */
import { readdir, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { AppError } from '../../shared/errors'
import { imageExtensions, isImageName } from '../batch/imageFiles'
import { sampleImages } from '../inference/selfCheck'

/** Enough for a few batches of the largest default batch; a benchmark is not a batch job. */
export const MAX_BENCH_IMAGES = 64

export interface BenchImages {
  source: 'samples' | 'folder'
  folder: string | null
  paths: string[]
}

function notAFolder(folder: string, info: { isFIFO(): boolean; isFile(): boolean }): AppError {
  const what = info.isFIFO() ? 'a FIFO (named pipe)' : info.isFile() ? 'a file' : 'not a folder'
  return new AppError('NOT_A_FILE', `--images "${folder}" is ${what}: give a folder of images.`)
}

export async function benchImages(
  folder: string | undefined,
  resourcesDir: string,
): Promise<BenchImages> {
  if (folder === undefined) {
    return { source: 'samples', folder: null, paths: sampleImages(resourcesDir).map((s) => s.path) }
  }
  const dir = resolve(folder)
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR')
      throw new AppError('NOT_FOUND', `There is no folder "${dir}".`)
    throw new AppError(
      'FILE_UNREADABLE',
      `"${dir}" cannot be read (${error.code ?? error.message}).`,
    )
  })
  if (!info.isDirectory()) throw notAFolder(dir, info)
  const names = (await readdir(dir)).filter(isImageName).sort()
  const paths: string[] = []
  for (const name of names) {
    if (paths.length === MAX_BENCH_IMAGES) break
    const path = join(dir, name)
    // A FIFO or a folder named like a photo is skipped here, as a batch job skips it.
    const entry = await stat(path).catch(() => null)
    if (entry?.isFile()) paths.push(path)
  }
  if (paths.length === 0) {
    throw new AppError(
      'INVALID_INPUT',
      `There are no images in "${dir}" (files ending in ${imageExtensions.map((e) => `.${e}`).join(', ')}).`,
    )
  }
  return { source: 'folder', folder: dir, paths }
}
