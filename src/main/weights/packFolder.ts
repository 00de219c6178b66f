/**
 * Packs a model folder the user already has (an extracted `*_infer` folder) into a tar, so that
 * importing a folder caches the same kind of content-addressed archive a download does. The tar
 * is reproducible (sorted entries, no times or owners): the same folder gives the same blob.
 */
import { lstat, readdir } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { AppError } from '../../shared/errors'
import { classifyFiles } from './archiveContents'
import { writeTar } from './tar/writeTar'

/** Relative paths of the folder's files; anything but files and folders is refused. */
async function plainFiles(dir: string): Promise<string[]> {
  const files: string[] = []
  const walk = async (sub: string) => {
    for (const name of (await readdir(join(dir, sub))).sort()) {
      const rel = sub ? `${sub}/${name}` : name
      const info = await lstat(join(dir, rel))
      if (info.isDirectory()) await walk(rel)
      else if (info.isFile()) files.push(rel)
      else
        throw new AppError(
          'INVALID_INPUT',
          `"${join(dir, rel)}" is not a plain file (links are not followed): copy the model files themselves into the folder and import it again.`,
        )
    }
  }
  await walk('')
  return files
}

export async function packFolder(folder: string, out: string): Promise<void> {
  const dir = resolve(folder)
  const files = await plainFiles(dir)
  if (classifyFiles(files).format === 'unknown') {
    throw new AppError(
      'INVALID_INPUT',
      `"${dir}" holds no model: an inference folder has inference.pdmodel + inference.pdiparams (Paddle 2), inference.json + inference.pdiparams (Paddle 3), or a .onnx file.`,
    )
  }
  const top = basename(dir)
  await writeTar(out, dirname(dir), [
    { path: top, type: 'dir' },
    ...files.map((file) => ({ path: `${top}/${file}`, type: 'file' as const })),
  ])
}
