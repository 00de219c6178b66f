import { announceResolution } from '../announceResolution'
import { existsSync } from 'node:fs'
import type {
  BatchStartInput,
  ClassifyInput,
  ClassifyResult,
  ModelRef,
  PreprocessOverrides,
} from '../../../shared/contract'
import { parseShard } from '../../batch/shard'
import { exitStatusOfJob, followJob, summaryText } from '../batchForeground'
import { UsageError, type CliIo, type Command, type ParsedArgs } from '../command'
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

/** `--model` (or `flag`) is a catalog id, a custom model id, or a path to an .onnx file. */
export function modelRefFromArg(value: string, flag = '--model'): ModelRef {
  if (value.startsWith('custom:')) return { customId: value }
  if (/\.onnx$/i.test(value) || value.includes('/') || value.includes('\\')) {
    if (!existsSync(value)) throw new UsageError(`${flag}: there is no file "${value}".`)
    return { path: value }
  }
  return { catalogId: value }
}

/** Every `--model` given (a batch job may run several). */
function modelArgs(values: ParsedArgs['values']): string[] {
  const models = (values.model as string[] | undefined) ?? []
  if (models.length === 0) throw new UsageError('--model ID|FILE.onnx is required.')
  return models
}

/** --resize/--crop/--mean/--std/--bgr, which only a model given as a file takes. */
export function preprocessOverridesFromArgs(
  values: ParsedArgs['values'],
  ref: ModelRef,
): { preprocess?: PreprocessOverrides } {
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
  return given ? { preprocess: JSON.parse(JSON.stringify(preprocess)) as PreprocessOverrides } : {}
}

export function classifyInputFromArgs({ values, positionals }: ParsedArgs): ClassifyInput {
  const models = modelArgs(values)
  if (models.length > 1)
    throw new UsageError('Several --model are for folders (--dir): classify images with one.')
  const ref = modelRefFromArg(models[0]!)
  return {
    model: ref,
    images: positionals.map((path) => ({ path })),
    topk: integer(values.topk, '--topk') ?? 5,
    ...preprocessOverridesFromArgs(values, ref),
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

/** The batch job `--dir` asks for. */
function batchInputFromArgs(args: ParsedArgs): BatchStartInput {
  const { values } = args
  if (args.positionals.length)
    throw new UsageError('Give images or --dir, not both (a folder is classified as a batch job).')
  for (const flag of ['resize', 'crop', 'mean', 'std', 'bgr'])
    if (values[flag] !== undefined)
      throw new UsageError(`--${flag} is not available with --dir yet: attach the model first.`)
  const shard = values.shard === undefined ? null : parseShard(String(values.shard))
  const workers = integer(values.workers, '--workers')
  return {
    folders: values.dir as string[],
    recursive: values.recursive === true,
    models: modelArgs(values).map((model) => modelRefFromArg(model)),
    topk: integer(values.topk, '--topk') ?? 5,
    batchSize: integer(values['batch-size'], '--batch-size') ?? 8,
    ...(workers === undefined ? {} : { workers }),
    shard,
    restart: values.restart === true,
    ...(values.labels ? { labels: String(values.labels) } : {}),
  }
}

async function classifyFolder(args: ParsedArgs, io: CliIo): Promise<number> {
  const input = batchInputFromArgs(args)
  const out = args.values.out as string | undefined
  if (out && !/\.(csv|jsonl)$/i.test(out))
    throw new UsageError(`--out must end in .csv or .jsonl, got "${out}".`)
  const json = args.values.json === true
  return withCore(args, io, async (core) => {
    const names = input.models.flatMap((ref) => ('catalogId' in ref ? [ref.catalogId] : []))
    await announceResolution(core, io, names)
    const started = await core.dispatch('batch.start', input, { face: 'cli' })
    if (!started.ok) return reportFailure(io, 'classify', started, json)
    const { job, resumed } = started.value
    if (resumed)
      io.err(
        `Resuming batch job ${job.id} (${job.counts.done + job.counts.failed} of ${job.counts.total} files done so far; --restart starts over).`,
      )
    else io.err(`Batch job ${job.id}: ${job.spec.folders.join(', ')}`)
    const { job: ended, seconds, interrupted } = await followJob(core, job.id, io, { quiet: json })
    io.err(summaryText(ended, seconds))
    if (out && ended.state === 'done') {
      const exported = await core.dispatch('batch.export', { id: job.id, out }, { face: 'cli' })
      if (!exported.ok) return reportFailure(io, 'classify', exported, json)
      io.err(
        `Wrote ${exported.value.path} (${exported.value.rows} rows; provenance in ${exported.value.sidecar}).`,
      )
    }
    if (json) io.out(JSON.stringify(ended, null, 2))
    return exitStatusOfJob(ended, interrupted)
  })
}

export const classifyCommand: Command = {
  name: 'classify',
  summary:
    'classify images or whole folders with a local model (attached catalog model, custom model or .onnx file)',
  usage: `classify --model ID|FILE.onnx IMAGE... [--topk 5] [--json]
            [--labels FILE] [--resize N] [--crop N] [--mean R,G,B] [--std R,G,B] [--bgr]
       classify --model M [--model M2 …] --dir DIR [--dir DIR2 …] [--recursive]
            [--out results.csv|.jsonl] [--topk 5] [--batch-size 8] [--workers N] [--shard i/N]
            [--labels FILE.csv] [--restart] [--json]

Runs the model with its own preprocessing: a catalog model's PaddleClas transforms, or for a
plain .onnx file the ImageNet convention scaled to its input size (overridable).

With --dir the folder is classified as a batch job, journaled in the data folder: Ctrl+C pauses
it, and running the same command again (same folders, models and shard) resumes it where it
stopped; files changed since are redone. See "zoo batch" for the jobs. When the folder's
subfolders are named by class (ImageNet class name or index), or --labels gives a
"path,label" CSV, "zoo batch show" reports each model's accuracy against those classes.

Options:
  --model M         a catalog id with attached ONNX weights (see "zoo attach"), custom:…, or FILE.onnx
  --topk N          how many classes to show per image (default 5)
  --json            print the full result as JSON
  --dir DIR         classify every image in DIR (jpg, jpeg, png, webp, bmp, tif, tiff, gif)
  --recursive       and in its subfolders
  --out FILE        write the results when done: .csv (Excel, pandas) or .jsonl
  --batch-size N    images per model run (default 8)
  --workers N       model processes per model (default: one per core, up to 4)
  --shard i/N       take the i-th of N parts of the files (0 ≤ i < N), to split across machines
  --restart         start the job over instead of resuming it
  --labels FILE     with images: class names for a FILE.onnx model ("index name" or one name per
                    line); with --dir: a "path,label" CSV of the files' true classes (paths
                    relative to the folder, labels a class index or name)
  --resize N        resize the short side to N (FILE.onnx only; default input/0.875)
  --crop N          centre crop (FILE.onnx only; default the input size)
  --mean, --std     per-channel mean and std in 0–1 units (FILE.onnx only; default ImageNet's)
  --bgr             feed BGR instead of RGB (FILE.onnx only)`,
  options: {
    model: { type: 'string', multiple: true },
    dir: { type: 'string', multiple: true },
    recursive: { type: 'boolean' },
    out: { type: 'string' },
    'batch-size': { type: 'string' },
    workers: { type: 'string' },
    shard: { type: 'string' },
    restart: { type: 'boolean' },
    topk: { type: 'string' },
    json: { type: 'boolean' },
    labels: { type: 'string' },
    resize: { type: 'string' },
    crop: { type: 'string' },
    mean: { type: 'string' },
    std: { type: 'string' },
    bgr: { type: 'boolean' },
  },
  positionals: { min: 0, max: 1000 },
  run(args, io) {
    if (args.values.dir) return classifyFolder(args, io)
    if (args.positionals.length === 0)
      throw new UsageError('Give the images to classify, or --dir DIR for a folder.')
    for (const flag of ['out', 'batch-size', 'workers', 'shard', 'restart', 'recursive'])
      if (args.values[flag] !== undefined) throw new UsageError(`--${flag} goes with --dir.`)
    const input = classifyInputFromArgs(args)
    return withCore(args, io, async (core) => {
      if ('catalogId' in input.model) await announceResolution(core, io, [input.model.catalogId])
      const result = await core.dispatch('inference.classify', input, { face: 'cli' })
      if (!result.ok) return reportFailure(io, 'classify', result, args.values.json === true)
      const value = result.value
      io.out(args.values.json ? JSON.stringify(value, null, 2) : formatResults(value))
      // Some images failing is a partial success: say so in the exit code for scripts.
      return value.results.every((r) => r.ok) ? EXIT.ok : EXIT.partial
    })
  },
}
