import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ModelInput, PreprocessPlan } from '../../../shared/contract'
import { AppError, failureOf } from '../../../shared/errors'
import { canonicalRef } from '../../core/canonicalIds'
import { npyFloat32 } from '../../export/npyFile'
import { announceResolution } from '../announceResolution'
import { UsageError, type Command } from '../command'
import { EXIT, reportFailure } from '../reportFailure'
import { withCore } from '../withCore'
import { modelRefFromArg, preprocessOverridesFromArgs } from './classify'

const fixed = (v: number) => Number(v.toFixed(6)).toString()
const list = (values: readonly number[]) => `[${values.map(fixed).join(', ')}]`

/** The plan as the steps PaddleClas's transforms take, one line each. */
export function planSteps(view: ModelInput): string[] {
  const plan: PreprocessPlan = view.plan
  const library = plan.resize.library === 'pil' ? 'Pillow' : 'OpenCV'
  const how =
    view.resize === 'approximate'
      ? 'approximated with libvips'
      : `${library}'s, reproduced to the bit`
  const target =
    plan.resize.mode === 'shortSide'
      ? `short side to ${plan.resize.size}`
      : `to ${plan.resize.size}×${plan.resize.size}`
  const { image, resized, crop } = view
  return [
    `decode ${image.width}×${image.height} ${image.format.toUpperCase()} as cv2.imdecode does, ${plan.colorOrder}`,
    `resize ${target} (${plan.resize.interpolation}, ${how}) → ${resized.width}×${resized.height}`,
    ...(crop ? [`centre crop ${crop.width}×${crop.height} at x ${crop.x}, y ${crop.y}`] : []),
    `× ${plan.scale === 1 / 255 ? '1/255' : fixed(plan.scale)}, − mean ${list(plan.mean)}, ÷ std ${list(plan.std)} (float32)`,
    `HWC → CHW: float32 [${view.shape.join(', ')}]`,
  ]
}

export const preprocessCommand: Command = {
  name: 'preprocess',
  summary: 'write the exact tensor a model gets for an image, as a NumPy .npy',
  usage: `preprocess --model ID|FILE.onnx IMAGE --out TENSOR.npy [--picture FILE.png] [--json]
            [--resize N] [--crop N] [--mean R,G,B] [--std R,G,B] [--bgr]

Runs the model's own preprocessing (a catalog model's PaddleClas transforms; for a plain .onnx
file the ImageNet convention at its input size, or the flags) on one image and writes the
float32 NCHW tensor the model is given, so that it can be checked against PaddleClas in Python:

  import numpy as np; t = np.load("TENSOR.npy"); print(t.shape, t.dtype, t.min(), t.max())

A catalog model needs no weights for this. Prints the steps that made the tensor.

Options:
  --model M         a catalog id, custom:…, or FILE.onnx
  --out FILE        where to write the tensor (.npy)
  --picture FILE    also write the tensor turned back into pixels (× std + mean), as a PNG
  --json            print the plan, sizes and plane ranges as JSON
  --resize, --crop, --mean, --std, --bgr   as for "zoo classify" (FILE.onnx only)`,
  options: {
    model: { type: 'string' },
    out: { type: 'string' },
    picture: { type: 'string' },
    json: { type: 'boolean' },
    resize: { type: 'string' },
    crop: { type: 'string' },
    mean: { type: 'string' },
    std: { type: 'string' },
    bgr: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1 },
  run(args, io) {
    const { values } = args
    if (typeof values.model !== 'string') throw new UsageError('--model ID|FILE.onnx is required.')
    if (typeof values.out !== 'string') throw new UsageError('--out TENSOR.npy is required.')
    const out = resolve(values.out)
    if (!out.toLowerCase().endsWith('.npy'))
      throw new UsageError(`--out ${values.out}: the tensor's file must end in .npy.`)
    const picture = typeof values.picture === 'string' ? resolve(values.picture) : null
    if (picture && !picture.toLowerCase().endsWith('.png'))
      throw new UsageError(`--picture ${String(values.picture)}: the picture must end in .png.`)
    const ref = modelRefFromArg(values.model)
    const input = {
      model: ref,
      image: { path: resolve(args.positionals[0]!) },
      ...preprocessOverridesFromArgs(values, ref),
    }
    const json = values.json === true
    return withCore(args, io, async (core) => {
      try {
        if ('catalogId' in ref) await announceResolution(core, io, [ref.catalogId])
        const resolve = (name: string) => core.catalog.resolve(name)
        const { view, tensor } = await core.inference.preprocess({
          ...input,
          model: canonicalRef(input.model, resolve),
        })
        writeFileSync(out, npyFloat32(tensor, view.shape))
        if (picture) {
          const png = view.picture.slice(view.picture.indexOf(',') + 1)
          writeFileSync(picture, Buffer.from(png, 'base64'))
        }
        if (json) {
          const { picture: _dataUrl, ...rest } = view
          io.out(JSON.stringify({ ...rest, out, ...(picture ? { picture } : {}) }, null, 2))
          return EXIT.ok
        }
        const planes = view.plan.colorOrder === 'RGB' ? ['R', 'G', 'B'] : ['B', 'G', 'R']
        io.out(
          [
            `${view.model.name}: ${args.positionals[0]!}`,
            ...planSteps(view).map((step) => `  ${step}`),
            ...view.planes.map(
              (p, i) =>
                `  plane ${i} (${planes[i]}): min ${fixed(p.min)}, max ${fixed(p.max)}, mean ${fixed(p.mean)}`,
            ),
            `Wrote ${out}${picture ? ` and ${picture}` : ''}`,
          ].join('\n'),
        )
        return EXIT.ok
      } catch (error) {
        if (!(error instanceof AppError)) throw error
        return reportFailure(io, 'preprocess', failureOf(error), json)
      }
    })
  },
}
