/**
 * A model's deploy-time preprocessing, read from its PaddleClas config's `Infer.transforms`.
 * Models without a config of their own (SSLD and 22k variants) take their base model's, and say so.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { parse } from 'yaml'
import type { Interpolation, Preprocess } from '../../src/shared/catalog/types'
import { ImportError } from './importError'
import { CONFIGS, DEPLOY_CONFIG } from './sources'

export interface ConfigIndex {
  root: string
  /** Model name (file name without .yaml) → path. */
  files: Map<string, string>
}

export function indexConfigs(root: string): ConfigIndex {
  const files = new Map<string, string>()
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry)
      if (statSync(path).isDirectory()) walk(path)
      else if (entry.endsWith('.yaml')) {
        const name = entry.slice(0, -'.yaml'.length)
        if (files.has(name)) throw new ImportError(`two configs named ${entry}`, { document: path })
        files.set(name, path)
      }
    }
  }
  walk(root)
  return { root, files }
}

/** The config names to try for a model id, own name first. */
export function configCandidates(id: string): string[] {
  const base = id.replace(/_ssld$/, '').replace(/_22kto1k$/, '')
  return [...new Set([id, base, base.replace(/_x1_0$/, '')])]
}

const INTERPOLATIONS: Record<string, Interpolation> = {
  bilinear: 'bilinear',
  linear: 'bilinear',
  bicubic: 'bicubic',
  cubic: 'bicubic',
  nearest: 'nearest',
  area: 'area',
  lanczos: 'lanczos',
}

type Op = Record<string, Record<string, unknown> | null>

function readScale(value: unknown, where: { document: string }): number {
  if (typeof value === 'number') return value
  const match = typeof value === 'string' ? /^\s*([\d.]+)\s*\/\s*([\d.]+)\s*$/.exec(value) : null
  if (match) return Number(match[1]) / Number(match[2])
  if (typeof value === 'string' && /^[\d.]+$/.test(value.trim())) return Number(value)
  throw new ImportError(
    `NormalizeImage scale "${String(value)}" is not a number or a fraction`,
    where,
  )
}

function triple(
  value: unknown,
  name: string,
  where: { document: string },
): [number, number, number] {
  if (Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'number')) {
    return value as [number, number, number]
  }
  throw new ImportError(`NormalizeImage ${name} is not three numbers`, where)
}

export interface ModelConfig {
  preprocess: Preprocess
  classes: number
}

/** Reads `Infer.transforms` into a Preprocess; an op or option it does not know stops the import. */
/** `Infer.transforms`-style op list → Preprocess (without its source); unknown ops stop the import. */
export function readTransforms(
  transforms: Op[],
  where: { document: string },
): Omit<Preprocess, 'source'> {
  let colorOrder: Preprocess['colorOrder'] = 'RGB'
  let decoder: Preprocess['decoder'] = 'cv2'
  let resize: Preprocess['resize'] | null = null
  let cropSize: number | null = null
  let normalize: Pick<Preprocess, 'scale' | 'mean' | 'std'> | null = null
  const seen: string[] = []

  for (const op of transforms) {
    const [name, options] = Object.entries(op)[0] ?? []
    if (!name) continue
    const o = (options ?? {}) as Record<string, unknown>
    seen.push(name)
    switch (name) {
      case 'DecodeImage':
        // PaddleClas decodes with OpenCV (BGR) and converts to RGB unless to_rgb is False; a PIL
        // decode (backend: pil, or to_np: False) yields RGB as it is.
        decoder = o.backend === 'pil' || o.to_np === false ? 'pil' : 'cv2'
        colorOrder = decoder === 'pil' || o.to_rgb !== false ? 'RGB' : 'BGR'
        break
      case 'ResizeImage': {
        const library = o.backend === 'pil' ? 'pil' : 'cv2'
        const named =
          typeof o.interpolation === 'string' ? INTERPOLATIONS[o.interpolation] : undefined
        if (o.interpolation !== undefined && !named) {
          throw new ImportError(`unknown interpolation "${String(o.interpolation)}"`, where)
        }
        if (!named && library === 'pil') {
          throw new ImportError(
            'a PIL resize without an interpolation: its default is not pinned here',
            where,
          )
        }
        // OpenCV's resize defaults to bilinear (INTER_LINEAR).
        const interpolation = named ?? 'bilinear'
        if (typeof o.resize_short === 'number') {
          resize = { mode: 'shortSide', size: o.resize_short, interpolation, library }
        } else if (typeof o.size === 'number') {
          resize = { mode: 'exact', size: o.size, interpolation, library }
        } else throw new ImportError('ResizeImage has neither resize_short nor size', where)
        break
      }
      case 'CropImage':
        if (typeof o.size !== 'number') throw new ImportError('CropImage without a size', where)
        cropSize = o.size
        break
      case 'CropImageAtRatio': {
        const interpolation =
          typeof o.interpolation === 'string' ? INTERPOLATIONS[o.interpolation] : 'bilinear'
        if (!interpolation || typeof o.size !== 'number' || typeof o.pad !== 'number') {
          throw new ImportError('CropImageAtRatio needs size, pad and a known interpolation', where)
        }
        resize = { mode: 'cropAtRatio', size: o.size, pad: o.pad, interpolation, library: 'cv2' }
        break
      }
      case 'NormalizeImage':
        if (o.order !== undefined && o.order !== '' && o.order !== 'hwc') {
          throw new ImportError(`NormalizeImage order "${String(o.order)}" is not handled`, where)
        }
        normalize = {
          scale: readScale(o.scale, where),
          mean: triple(o.mean, 'mean', where),
          std: triple(o.std, 'std', where),
        }
        break
      case 'ToCHWImage':
        break
      default:
        throw new ImportError(`unknown transform ${name}`, where)
    }
  }
  if (!resize || !normalize) {
    throw new ImportError(`transforms lack a resize or a normalisation (${seen.join(', ')})`, where)
  }
  return { colorOrder, decoder, resize, cropSize, ...normalize, layout: 'CHW' }
}

/**
 * What differs between the preprocessing the accuracy was measured with (`Eval`) and the one a
 * deployment uses (`Infer`): worth telling a user who compares their results with the table.
 */
export function evalDifferences(
  infer: Omit<Preprocess, 'source'>,
  evaluation: Omit<Preprocess, 'source'>,
): string[] {
  const differences: string[] = []
  const show = (value: unknown) => JSON.stringify(value)
  const resize = (r: Preprocess['resize']) =>
    `${r.mode === 'shortSide' ? 'short side' : r.mode} ${r.size} ${r.interpolation} (${r.library === 'pil' ? 'PIL' : 'OpenCV'})`
  if (infer.colorOrder !== evaluation.colorOrder) {
    differences.push(`colour order ${evaluation.colorOrder} (Infer: ${infer.colorOrder})`)
  }
  if (show(infer.resize) !== show(evaluation.resize)) {
    differences.push(`resize ${resize(evaluation.resize)} (Infer: ${resize(infer.resize)})`)
  }
  if (infer.cropSize !== evaluation.cropSize) {
    differences.push(`crop ${evaluation.cropSize} (Infer: ${infer.cropSize})`)
  }
  if (show([infer.mean, infer.std]) !== show([evaluation.mean, evaluation.std])) {
    differences.push(
      `mean/std ${show([evaluation.mean, evaluation.std])} (Infer: ${show([infer.mean, infer.std])})`,
    )
  }
  return differences
}

export interface ModelConfig {
  preprocess: Preprocess
  classes: number
  /** How the Eval preprocessing (which produced the published accuracy) differs from Infer. */
  evalDiffers: string[]
}

/** Reads a config's `Infer.transforms` (or a deploy config's `PreProcess.transform_ops`). */
export function readModelConfig(
  path: string,
  document: string,
  inheritedFrom?: string,
): ModelConfig {
  const where = { document }
  const yaml = parse(readFileSync(path, 'utf8'), { merge: true }) as Record<string, unknown>
  const transforms =
    (yaml.Infer as { transforms?: Op[] } | undefined)?.transforms ??
    (yaml.PreProcess as { transform_ops?: Op[] } | undefined)?.transform_ops
  if (!transforms) throw new ImportError('no Infer.transforms or PreProcess.transform_ops', where)
  const arch = yaml.Arch as { class_num?: number } | undefined
  const classes = typeof arch?.class_num === 'number' ? arch.class_num : 1000
  const infer = readTransforms(transforms, where)
  const evalOps = (yaml.DataLoader as { Eval?: { dataset?: { transform_ops?: Op[] } } } | undefined)
    ?.Eval?.dataset?.transform_ops
  const evalDiffers = evalOps ? evalDifferences(infer, readTransforms(evalOps, where)) : []
  return {
    classes,
    evalDiffers,
    preprocess: {
      ...infer,
      source: {
        config: document,
        ...(inheritedFrom ? { inheritedFrom } : {}),
        raw: JSON.stringify(transforms),
      },
    },
  }
}

export function findModelConfig(id: string, index: ConfigIndex): ModelConfig | null {
  for (const name of configCandidates(id)) {
    const path = index.files.get(name)
    if (path) {
      const document = `${CONFIGS}/${relative(index.root, path).split(sep).join('/')}`
      return readModelConfig(path, document, name === id ? undefined : name)
    }
  }
  return null
}

/**
 * PaddleClas's deploy-time default (`inference_cls.yaml`), for models whose own config is not
 * published. Its decoder is the deploy predictor's: OpenCV, converted to RGB.
 */
export const DEPLOY_DEFAULT = 'deploy default (inference_cls.yaml)'

export function readDeployDefault(path: string): ModelConfig {
  return readModelConfig(path, DEPLOY_CONFIG, DEPLOY_DEFAULT)
}
