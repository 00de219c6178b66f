/** What an extracted model folder holds: Paddle 2 (.pdmodel), Paddle 3 (.json) or ONNX. */
import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'

export interface ArchiveContents {
  format: 'paddle2' | 'paddle3' | 'onnx' | 'unknown'
  /** Paths relative to the extracted folder. */
  files: string[]
  model: string | null
  params: string | null
}

export async function recognise(dir: string): Promise<ArchiveContents> {
  const files: string[] = []
  const walk = async (sub: string) => {
    for (const name of (await readdir(join(dir, sub))).sort()) {
      const rel = sub ? `${sub}/${name}` : name
      if ((await lstat(join(dir, rel))).isDirectory()) await walk(rel)
      else files.push(rel)
    }
  }
  await walk('')
  return classifyFiles(files)
}

/** The model format a list of relative file paths holds. */
export function classifyFiles(files: string[]): ArchiveContents {
  const find = (suffix: string) => files.find((f) => f.endsWith(suffix)) ?? null
  const params = find('.pdiparams')
  if (find('.pdmodel') && params)
    return { format: 'paddle2', files, model: find('.pdmodel'), params }
  if (find('inference.json') && params)
    return { format: 'paddle3', files, model: find('inference.json'), params }
  if (find('.onnx')) return { format: 'onnx', files, model: find('.onnx'), params: null }
  return { format: 'unknown', files, model: null, params: null }
}
