import { announceResolution } from '../announceResolution'
import type { AttachInput } from '../../../shared/contract'
import { UsageError, type Command } from '../command'
import { EXIT, reportFailure } from '../reportFailure'
import { withCore } from '../withCore'

export const attachCommand: Command = {
  name: 'attach',
  summary: 'add an .onnx file: to a catalog model (--model ID) or as a custom model',
  usage: `attach FILE.onnx [--model ID] [--name NAME] [--labels FILE] [--json]

Checks that the file is an ONNX image classifier, keeps a copy in the data folder (named by its
SHA-256) and links it to a catalog entry, or adds it as a custom model.

Options:
  --model ID        the catalog entry these weights are (e.g. MobileNetV2)
  --name NAME       a custom model's name (default: the file name)
  --labels FILE     a custom model's class names ("index name" or one name per line)
  --json            print the stored model as JSON`,
  options: {
    model: { type: 'string' },
    name: { type: 'string' },
    labels: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1 },
  run(args, io) {
    const { values } = args
    if (values.model && (values.name || values.labels)) {
      throw new UsageError(
        '--name and --labels are for custom models; a catalog model keeps its own.',
      )
    }
    const input: AttachInput = {
      source: { path: args.positionals[0]! },
      ...(values.model ? { catalogId: String(values.model) } : {}),
      ...(values.name ? { name: String(values.name) } : {}),
      ...(values.labels ? { labels: { path: String(values.labels) } } : {}),
    }
    return withCore(args, io, async (core) => {
      if (input.catalogId) await announceResolution(core, io, [input.catalogId])
      const result = await core.dispatch('inference.attach', input, { face: 'cli' })
      if (!result.ok) return reportFailure(io, 'attach', result, values.json === true)
      const model = result.value
      io.out(
        values.json
          ? JSON.stringify(model, null, 2)
          : `Attached ${model.id} (${model.name}): ${model.sha256.slice(0, 12)}…, ${model.inputSize ?? '?'} px input, ${model.classes ?? '?'} classes.`,
      )
      return EXIT.ok
    })
  },
}
