/**
 * Makes a catalog model whose cached artifact is a Paddle 2 inference archive runnable: converts
 * it to ONNX once per archive and converter version (the `conversions` table says whether that
 * happened, here or in another process), commits the ONNX as a blob and records it as the
 * entry's converted model. One process converts a given archive at a time (a lease); another
 * that wants it meanwhile waits and then finds the row. Called right after a download and, for
 * archives cached before, on first use.
 */
import { existsSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { ModelSelfCheck } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import type { ModelStore, StoredModel } from '../inference/modelStore'
import type { Leases } from '../locks/leases'
import { sha256File } from '../files/sha256File'
import { type BlobStore, blobLease } from '../store/blobStore'
import type { ConversionTable } from '../store/conversionTable'
import type { WeightsService } from '../weights/weightsService'
import { CONVERTER_VERSION, type ConvertResult } from './convertPaddle'
import { convertFolder } from './convertSource'
import { INLINE_LIMIT_BYTES } from './onnxModel'

export interface ConversionServiceOptions {
  blobs: BlobStore
  table: ConversionTable
  models: ModelStore
  weights: WeightsService
  leases: Leases
  /** Weights past which the model keeps them in a data file beside it (default: protobuf's limit). */
  inlineLimit?: number
}

/** A converted model too large for one file: the graph, its weights beside it as MODEL_FILE.data. */
const MODEL_FILE = 'model.onnx'

export interface Converted {
  model: StoredModel
  /** The conversion, when this call made it (null when it was there already). */
  conversion: ConvertResult | null
}

/**
 * A catalog entry's model must take images and give scores: input [N, 3, S, S], one output of
 * [N, classes]. Anything else converted fine but cannot run as this entry.
 */
function refuseNonClassifier(catalogId: string, conversion: ConvertResult): void {
  const [input] = conversion.inputs
  const [output] = conversion.outputs
  const image = input?.shape.length === 4 && input.shape[1] === 3
  const scores = output?.shape.length === 2
  if (conversion.inputs.length === 1 && conversion.outputs.length === 1 && image && scores) return
  const shapes = (list: ConvertResult['inputs']) =>
    list.map((v) => `${v.name} [${v.shape.join(', ')}]`).join(', ')
  throw new AppError(
    'CONVERSION_UNSUPPORTED',
    `${catalogId}'s Paddle model converted, but it is not an image classifier: it takes ${shapes(conversion.inputs)} and gives ${shapes(conversion.outputs)}, where a classifier takes [N, 3, size, size] images and gives [N, classes] scores.`,
  )
}

export class ConversionService {
  constructor(private readonly options: ConversionServiceOptions) {}

  /** The cached Paddle 2 archive of `catalogId`, when there is one. */
  private source(catalogId: string): { sha256: string; dir: string; paramBytes: number } | null {
    const artifactId = `${catalogId}:inference`
    const artifact = this.options.weights.get(artifactId)
    if (!artifact?.contents) return null
    if (artifact.contents.format === 'paddle3')
      throw new AppError(
        'CONVERSION_UNSUPPORTED',
        `${catalogId}'s cached archive is in the Paddle 3 format (inference.json, a PIR program), which the converter does not support yet. Convert it with paddle2onnx and attach the result.`,
      )
    if (artifact.contents.format !== 'paddle2') return null
    const dir = this.options.weights.extractedPath(artifactId)
    if (!dir || !existsSync(dir)) return null
    return {
      sha256: artifact.sha256,
      dir,
      paramBytes: artifact.verification.structure?.paramBytes ?? 0,
    }
  }

  /**
   * The entry's converted model, converting its cached archive first when no conversion by this
   * converter version exists; null when the entry has no cached Paddle 2 archive.
   */
  async ensure(
    catalogId: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<Converted | null> {
    const source = this.source(catalogId)
    if (!source) return null
    const linked = this.linkExisting(catalogId, source.sha256)
    if (linked) return { model: linked, conversion: null }
    const lease = await this.options.leases.acquire(`convert:${source.sha256}`, 'convert', {
      ...(options.signal ? { signal: options.signal } : {}),
    })
    try {
      // Another process may have converted it while this one waited for the lease.
      const meanwhile = this.linkExisting(catalogId, source.sha256)
      if (meanwhile) return { model: meanwhile, conversion: null }
      await this.options.blobs.ensure()
      const inlineLimit = this.options.inlineLimit ?? INLINE_LIMIT_BYTES
      if (source.paramBytes >= inlineLimit)
        return await this.convertToFolder(catalogId, source, inlineLimit, options.signal)
      const out = this.options.blobs.temporary('onnx')
      let conversion: ConvertResult
      try {
        conversion = await convertFolder(source.dir, {
          out,
          name: catalogId,
          ...(options.signal ? { signal: options.signal } : {}),
        })
        refuseNonClassifier(catalogId, conversion)
      } catch (error) {
        await rm(out, { force: true })
        throw error
      }
      await this.options.blobs.commit(out, (blob) => {
        this.options.table.record({
          sourceSha256: source.sha256,
          converterVersion: CONVERTER_VERSION,
          opset: conversion.opset,
          onnxSha256: blob.sha256,
          ops: conversion.ops,
          durationMs: conversion.durationMs,
          convertedAt: new Date().toISOString(),
        })
        this.options.models.linkConverted(catalogId, blob)
      })
      return { model: this.options.models.get(catalogId)!, conversion }
    } finally {
      lease.release()
    }
  }

  /**
   * Forgets the conversions of a removed archive and the model linked to them; their ONNX blobs
   * go now when nothing else uses them (another entry with the same bytes keeps them).
   */
  async forget(catalogId: string, sourceSha256: string): Promise<void> {
    const made = this.options.table.forgetSource(sourceSha256)
    this.options.models.unlinkConverted(catalogId, made)
    for (const sha of made) await this.options.blobs.removeUnused(sha)
  }

  /**
   * A model past protobuf's 2 GB keeps its weights in `model.onnx.data` beside it, so it is a
   * folder, kept as the blob store keeps extracted archives: `extracted/<SHA-256 of model.onnx>`,
   * committed under that hash's lease, so gc cannot take it before its row exists.
   */
  private async convertToFolder(
    catalogId: string,
    source: { sha256: string; dir: string },
    inlineLimit: number,
    signal?: AbortSignal,
  ): Promise<Converted> {
    const { blobs, leases, table, models } = this.options
    const staging = blobs.stagingPath('converted')
    await mkdir(staging, { recursive: true })
    try {
      const out = join(staging, MODEL_FILE)
      const conversion = await convertFolder(source.dir, {
        out,
        name: catalogId,
        inlineLimit,
        ...(signal ? { signal } : {}),
      })
      refuseNonClassifier(catalogId, conversion)
      const sha256 = await sha256File(out)
      const lease = await leases.acquire(blobLease(sha256), 'commit')
      try {
        const dir = await blobs.commitExtracted(staging, sha256, async (existing) =>
          existsSync(join(existing, MODEL_FILE)),
        )
        table.record({
          sourceSha256: source.sha256,
          converterVersion: CONVERTER_VERSION,
          opset: conversion.opset,
          onnxSha256: sha256,
          ops: conversion.ops,
          durationMs: conversion.durationMs,
          convertedAt: new Date().toISOString(),
        })
        models.linkConverted(catalogId, { sha256, path: join(dir, MODEL_FILE) })
      } finally {
        lease.release()
      }
      return { model: models.get(catalogId)!, conversion }
    } finally {
      await rm(staging, { recursive: true, force: true })
    }
  }

  /** Records a converted model's self-check with its conversion. */
  recordSelfCheck(catalogId: string, check: ModelSelfCheck): void {
    const source = this.source(catalogId)
    if (source) this.options.table.setSelfCheck(source.sha256, CONVERTER_VERSION, check)
  }

  /** Links an existing conversion of `sourceSha256` (its blob still there) to the entry. */
  private linkExisting(catalogId: string, sourceSha256: string): StoredModel | null {
    const done = this.options.table.find(sourceSha256, CONVERTER_VERSION)
    if (!done) return null
    const file = this.options.blobs.blobPath(done.onnxSha256)
    const folder = join(this.options.blobs.extractedPath(done.onnxSha256), MODEL_FILE)
    const path = existsSync(file) ? file : existsSync(folder) ? folder : null
    if (!path) return null
    this.options.models.linkConverted(catalogId, { sha256: done.onnxSha256, path })
    const model = this.options.models.get(catalogId)
    // ONNX the user attached wins; the converted one still exists for when it is removed.
    return model
  }
}
