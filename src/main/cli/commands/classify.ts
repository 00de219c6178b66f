import { existsSync } from 'node:fs'
import type { ClassifyInput, ClassifyResult, ModelRef } from '../../../shared/contract'
import { UsageError, type Command, type ParsedArgs } from '../command'
import { EXIT, reportFailure } from '../reportFailure'
import { withCore } from '../withCore'

function triple(value: unknown, flag: string): [number, number, number] | undefined {
  if (value === undefined) return undefined
  const parts = String(value).split(',').map(Number)
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) {
    throw new UsageError(`${flag} takes three comma-separated numbers, got "${String(value)}".`)
  }
  return parts as [number, number, number]
}

function integer(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(String(value)))
    throw new UsageError(`${flag} must be a whole number, got "${String(value)}".`)
  return Number(value)
}

/** `--model` is a catalog id, a custom model id, or a path to an .onnx file. */
export function modelRefFromArg(value: string): ModelRef {
  if (value.startsWith('custom:')) return { customId: value }
  if (/\.onnx$/i.test(value) || value.includes('/') || value.includes('\\')) {
    if (!existsSync(value)) throw new UsageError(`--model: there is no file "${value}".`)
    return { path: value }
  }
  return { catalogId: value }
}

export function classifyInputFromArgs({ values, positionals }: ParsedArgs): ClassifyInput {
  const model = values.model as string | undefined
  if (!model) throw new UsageError('--model ID|FILE.onnx is required.')
  const ref = modelRefFromArg(model)
  const preprocess = {
    resizeShort: integer(values.resize, '--resize'),
    crop: integer(values.crop, '--crop'),
    mean: triple(values.mean, '--mean'),
    std: triple(values.std, '--std'),
    ...(values.bgr ? { colorOrder: 'BGR' as const } : {}),
  }
  const given = Object.values(preprocess).some((v) => v !== undefined)
  if (given && !('path' in ref)) {
    throw new UsageError(
      '--resize/--crop/--mean/--std/--bgr apply only to a model given as an .onnx file.',
    )
  }
  return {
    model: ref,
    images: positionals.map((path) => ({ path })),
    topk: integer(values.topk, '--topk') ?? 5,
    ...(given ? { preprocess: JSON.parse(JSON.stringify(preprocess)) as typeof preprocess } : {}),
    ...(values.labels ? { labelsPath: String(values.labels) } : {}),
  }
}

function formatResults(result: ClassifyResult): string {
  const lines = [`${result.model.name} (${result.model.inputSize}×${result.model.inputSize})`]
  for (const item of result.results) {
    lines.push('', item.image)
    if (!item.ok) {
      lines.push(`  error ${item.error.code}: ${item.error.message}`)
      continue
    }
    for (const score of item.top) {
      lines.push(
        `  ${(score.probability * 100).toFixed(2).padStart(6)} %  ${String(score.index).padStart(4)}  ${score.label}`,
      )
    }
    const t = item.timings
    lines.push(
      `  decode ${t.decodeMs.toFixed(1)} ms · preprocess ${t.preprocessMs.toFixed(1)} ms · inference ${t.inferenceMs.toFixed(1)} ms${item.exact ? '' : ' · resize approximated'}`,
    )
  }
  return lines.join('\n')
}

export const classifyCommand: Command = {
  name: 'classify',
  summary:
    'classify images with a local model (attached catalog model, custom model or .onnx file)',
  usage: `classify --model ID|FILE.onnx IMAGE... [--topk 5] [--json]
            [--labels FILE] [--resize N] [--crop N] [--mean R,G,B] [--std R,G,B] [--bgr]

Runs the model with its own preprocessing: a catalog model's PaddleClas transforms, or for a
plain .onnx file the ImageNet convention scaled to its input size (overridable).

Options:
  --model M         a catalog id with attached ONNX weights (see "zoo attach"), custom:…, or FILE.onnx
  --topk N          how many classes to show per image (default 5)
  --json            print the full result as JSON
  --labels FILE     class names for a FILE.onnx model ("index name" or one name per line)
  --resize N        resize the short side to N (FILE.onnx only; default input/0.875)
  --crop N          centre crop (FILE.onnx only; default the input size)
  --mean, --std     per-channel mean and std in 0–1 units (FILE.onnx only; default ImageNet's)
  --bgr             feed BGR instead of RGB (FILE.onnx only)`,
  options: {
    model: { type: 'string' },
    topk: { type: 'string' },
    json: { type: 'boolean' },
    labels: { type: 'string' },
    resize: { type: 'string' },
    crop: { type: 'string' },
    mean: { type: 'string' },
    std: { type: 'string' },
    bgr: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1000 },
  run(args, io) {
    const input = classifyInputFromArgs(args)
    return withCore(args, io, async (core) => {
      const result = await core.dispatch('inference.classify', input, { face: 'cli' })
      if (!result.ok) return reportFailure(io, 'classify', result, args.values.json === true)
      const value = result.value
      io.out(args.values.json ? JSON.stringify(value, null, 2) : formatResults(value))
      // Some images failing is a partial success: say so in the exit code for scripts.
      return value.results.every((r) => r.ok) ? EXIT.ok : EXIT.partial
    })
  },
}
