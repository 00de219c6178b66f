/**
 * What makes a downloaded or imported file trustworthy enough to cache, given that PaddleClas
 * publishes no checksums: an inference archive must be a plain tar that unpacks within its caps and
 * holds a model whose files are structurally whole (the program parses, the params file is consumed
 * exactly by it); pretrained weights must be a whole pickle. `zoo cache verify` runs the same check.
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { ArtifactKind, ModelCheckSummary } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import { formatBytes } from '../../shared/format/formatBytes'
import type { OpenForWrite } from '../files/openForWrite'
import { checkModelFiles } from '../paddle/checkPaddleModel'
import { recognise, type ArchiveContents } from './archiveContents'
import { extractTar } from './tar/extractTar'

export interface CheckedArchive {
  /** The staging folder it was unpacked into (inference archives), for the caller to commit. */
  staging: string | null
  contents: { format: ArchiveContents['format']; files: string[] } | null
  extractedBytes: number
  structure: ModelCheckSummary | null
}

/** Whether a file of this kind and name is an archive to unpack. */
export const isInferenceArchive = (kind: ArtifactKind, name: string) =>
  kind === 'inference' && name.toLowerCase().endsWith('.tar')

/** Checks the model in an extracted folder; ARCHIVE_CORRUPT when there is none or it is broken. */
export async function checkFolder(dir: string): Promise<{
  contents: ArchiveContents
  structure: ModelCheckSummary
}> {
  const contents = await recognise(dir)
  const at = (file: string | null) => join(dir, file!)
  switch (contents.format) {
    case 'paddle2':
    case 'paddle3':
      return {
        contents,
        structure: await checkModelFiles({
          format: contents.format,
          model: at(contents.model),
          params: at(contents.params),
        }),
      }
    case 'onnx':
      return {
        contents,
        structure: await checkModelFiles({ format: 'onnx', model: at(contents.model) }),
      }
    case 'unknown':
      throw new AppError(
        'ARCHIVE_CORRUPT',
        `The archive holds no model (${contents.files.length} files, none of them inference.pdmodel + inference.pdiparams, inference.json + inference.pdiparams, or a .onnx file).`,
      )
  }
}

/**
 * Checks `file` as an artifact of `kind` named `name`. An inference archive is unpacked into
 * `staging` (removed again when the check fails).
 */
export async function checkArtifactFile(
  file: string,
  kind: ArtifactKind,
  name: string,
  staging: string,
  options: { onUnpack?: () => void; openFile?: OpenForWrite } = {},
): Promise<CheckedArchive> {
  if (isInferenceArchive(kind, name)) {
    options.onUnpack?.()
    const { bytes } = await extractTar(
      file,
      staging,
      options.openFile ? { openFile: options.openFile } : {},
    )
    try {
      const { contents, structure } = await checkFolder(staging)
      return {
        staging,
        contents: { format: contents.format, files: contents.files },
        extractedBytes: bytes,
        structure,
      }
    } catch (error) {
      await rm(staging, { recursive: true, force: true })
      throw error
    }
  }
  const structure = name.toLowerCase().endsWith('.pdparams')
    ? await checkModelFiles({ format: 'pdparams', params: file })
    : null
  return { staging: null, contents: null, extractedBytes: 0, structure }
}

/** The structural check's finding in words, for `zoo` and verify messages. */
export function describeStructure(structure: ModelCheckSummary): string {
  switch (structure.format) {
    case 'paddle2':
    case 'paddle3':
      return `${structure.format === 'paddle2' ? 'Paddle' : 'Paddle 3'} program with ${structure.ops} ops, ${structure.params} parameter tensor${structure.params === 1 ? '' : 's'} (${formatBytes(structure.paramBytes)}) consumed exactly`
    case 'onnx':
      return 'ONNX model, well-formed'
    case 'pdparams':
      return 'pickle, whole'
  }
}
