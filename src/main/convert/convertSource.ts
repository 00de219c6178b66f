/**
 * What a user points the converter at: an extracted inference folder or a PaddleClas `_infer.tar`
 * (unpacked by the cache's checked extractor into a staging folder beside the output, removed
 * after). Says plainly when the folder holds something else: a Paddle 3 (PIR) program, an ONNX
 * model already, or no model.
 */
import { randomBytes } from 'node:crypto'
import { stat, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { AppError } from '../../shared/errors'
import { fileError } from '../files/regularFile'
import { recognise } from '../weights/archiveContents'
import { extractTar } from '../weights/tar/extractTar'
import { type ConvertOptions, type ConvertResult, convertPaddleModel } from './convertPaddle'

export type SourceOptions = Omit<ConvertOptions, 'model' | 'params'>

/** Converts the Paddle 2 model in folder `dir`. */
export async function convertFolder(dir: string, options: SourceOptions): Promise<ConvertResult> {
  const contents = await recognise(dir)
  const name = options.name ?? basename(dir)
  switch (contents.format) {
    case 'paddle2':
      return convertPaddleModel({
        ...options,
        name,
        model: join(dir, contents.model!),
        params: join(dir, contents.params!),
      })
    case 'paddle3':
      throw new AppError(
        'CONVERSION_UNSUPPORTED',
        `${name} is in the Paddle 3 format (${contents.model}, a PIR program), which the converter does not support yet. PaddleClas's own *_infer.tar downloads are Paddle 2; convert this one with paddle2onnx and attach the result.`,
      )
    case 'onnx':
      throw new AppError(
        'INVALID_INPUT',
        `${name} already holds an ONNX model (${contents.model}): attach it instead.`,
      )
    case 'unknown':
      throw new AppError(
        'ARCHIVE_CORRUPT',
        `${name} holds no Paddle model: no inference.pdmodel + inference.pdiparams among its ${contents.files.length} files.`,
      )
  }
}

/** Converts a folder or a tar archive of one. */
export async function convertSource(path: string, options: SourceOptions): Promise<ConvertResult> {
  const info = await stat(path).catch((error: unknown) => {
    throw fileError(path, error, 'archive')
  })
  if (info.isDirectory()) return convertFolder(path, options)
  if (!info.isFile())
    throw new AppError(
      'NOT_A_FILE',
      `"${path}" is neither a folder nor a file: give an inference folder or its .tar.`,
    )
  const staging = join(
    dirname(options.out),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.unpacking`,
  )
  try {
    await extractTar(path, staging)
    return await convertFolder(staging, {
      ...options,
      name: options.name ?? basename(path).replace(/\.tar$/i, ''),
    })
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}

/** The default output of `zoo convert X`: X's name (less .tar) + ".onnx", beside it. */
export function defaultOutput(path: string): string {
  const trimmed = path.replace(/[/\\]+$/, '')
  return join(dirname(trimmed), `${basename(trimmed).replace(/\.tar$/i, '')}.onnx`)
}
