import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { AppError, failureOf } from '../../../shared/errors'
import { formatDecimal } from '../../../shared/format/formatDecimal'
import { convertSource, defaultOutput } from '../../convert/convertSource'
import { UsageError, type Command } from '../command'
import { EXIT, reportFailure } from '../reportFailure'

export const convertCommand: Command = {
  name: 'convert',
  summary: 'convert a Paddle inference model (folder or _infer.tar) to ONNX',
  usage: `convert DIR|TAR [--out FILE.onnx] [--force] [--json]

Converts a Paddle 2 inference model (inference.pdmodel + inference.pdiparams, as PaddleClas's
*_infer.tar downloads hold) to ONNX, without Python. Prints the operators converted, the time it
took and where the model went. Models past 1.8 GB keep their weights in FILE.onnx.data beside it.

Options:
  --out FILE        where to write the model (default: DIR or TAR's name + .onnx, beside it)
  --force           overwrite FILE if it exists
  --json            print the conversion as JSON`,
  options: {
    out: { type: 'string' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const source = resolve(args.positionals[0]!)
    const out = resolve(
      typeof args.values.out === 'string' ? args.values.out : defaultOutput(source),
    )
    const json = args.values.json === true
    if (!out.toLowerCase().endsWith('.onnx'))
      throw new UsageError(`--out ${out}: the model's name must end in .onnx.`)
    if (existsSync(out) && args.values.force !== true)
      throw new UsageError(`${out} exists: pass --force to overwrite it, or --out another file.`)
    try {
      const result = await convertSource(source, {
        out,
        onProgress: ({ stage, done, total }) =>
          io.status?.(
            stage === 'converting'
              ? `Converting operators ${done}/${total}`
              : `${stage[0]!.toUpperCase()}${stage.slice(1)}…`,
          ),
      })
      io.status?.('')
      if (json) {
        io.out(JSON.stringify(result, null, 2))
        return EXIT.ok
      }
      const ops = Object.entries(result.ops)
        .filter(([type]) => type !== 'feed' && type !== 'fetch')
        .sort(([, a], [, b]) => b - a)
      const count = ops.reduce((sum, [, n]) => sum + n, 0)
      const shape = (io: { name: string; shape: (string | number)[] }) =>
        `${io.name} [${io.shape.join(', ')}]`
      io.out(
        [
          `Converted ${count} operators (${ops.length} types) in ${formatDecimal(result.durationMs / 1000, 2, 2)} s → ${result.out}${result.dataPath ? ` (+ ${result.dataPath})` : ''}`,
          `  ${ops.map(([type, n]) => `${type} ×${n}`).join(', ')}`,
          `  input ${result.inputs.map(shape).join(', ')}; output ${result.outputs.map(shape).join(', ')}; ONNX opset ${result.opset}, ${result.parameters} parameter tensors`,
        ].join('\n'),
      )
      return EXIT.ok
    } catch (error) {
      io.status?.('')
      if (!(error instanceof AppError)) throw error
      return reportFailure(io, 'convert', failureOf(error), json)
    }
  },
}
