/**
 * `zoo facts`: params, MACs and FLOPs measured from a model's ONNX graph beside the figures the
 * zoo publishes, each convention named, differences past 5 % flagged.
 */
import { resolve } from 'node:path'
import type { ModelFactsReport, ModelRef } from '../../../shared/contract'
import { factsRows, shapeText, type FactsRowKey } from '../../../shared/facts/factsRows'
import { formatDecimal } from '../../../shared/format/formatDecimal'
import { announceResolution } from '../announceResolution'
import { UsageError, type Command } from '../command'
import { EXIT, reportFailure } from '../reportFailure'
import { textTable } from '../textTable'
import { withCore } from '../withCore'

const labels: Record<FactsRowKey, string> = {
  params: 'params',
  macs: 'MACs (paddle.flops, the zoo\'s "FLOPs")',
  weightMacs: 'MACs with weights only',
  activationMatmulMacs: 'activation × activation MACs',
  flops: 'FLOPs (2 × all MACs)',
}

const excludedText = {
  quantization: 'quantization scales and zero points',
  shape: 'shape and index constants',
  scalar: 'one-element constants of elementwise ops',
  unused: 'unused constants',
}

const n = (value: number) => formatDecimal(value, 0, 0)
const plural = (value: number, noun: string) => `${n(value)} ${noun}${value === 1 ? '' : 's'}`

/** `text` in lines of at most 100 characters, the first after `indent`, the rest after `hang`. */
function wrap(text: string, indent = '', hang = '  '): string[] {
  const lines: string[] = []
  let line = ''
  const lead = () => (lines.length === 0 ? indent : hang)
  for (const word of text.split(' ')) {
    if (line && lead().length + line.length + 1 + word.length > 100) {
      lines.push(lead() + line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(lead() + line)
  return lines
}

function refOf(arg: string): ModelRef {
  if (arg.startsWith('custom:')) return { customId: arg }
  if (/\.onnx$/i.test(arg) || arg.includes('/') || arg.includes('\\')) return { path: resolve(arg) }
  return { catalogId: arg }
}

export function factsText(report: ModelFactsReport): string {
  const { facts } = report
  const rows = factsRows(report)
  const table = textTable(
    ['', 'measured', 'published', 'difference'],
    rows.map((r) => [
      labels[r.key],
      r.measured,
      r.published,
      r.difference === null ? null : `${r.difference}${r.flagged ? '  ← over 5 %' : ''}`,
    ]),
    [],
    [false, true, true, false],
  )
  const producer = facts.producer
    ? `${facts.producer.name}${facts.producer.version ? ` ${facts.producer.version}` : ''}`
    : 'not named'
  const chosen = facts.inputChosen
    .filter((c) => c.why !== 'batch')
    .map((c) => `${c.name} = ${c.value}`)
  const measuredAt = facts.inputShape.length === 4 ? facts.inputShape[2] : null
  const publishedAt = report.published?.inputSize ?? null
  const lines = [
    `${report.model.name}: measured from its ONNX graph at ${facts.inputName} ${shapeText(facts.inputShape)}${chosen.length ? ` (open dims: ${chosen.join(', ')})` : ''}`,
    `opset ${facts.opset ?? '—'}, IR ${facts.irVersion ?? '—'}, producer ${producer}${facts.externalData ? ', weights in an external data file' : ''}`,
    '',
    table,
    ...(publishedAt && measuredAt && publishedAt !== measuredAt
      ? [`The published figures are at ${publishedAt} px, these at ${measuredAt} px.`]
      : []),
    '',
    `Of the params, ${n(facts.paramsBnStatistics)} are batch-norm running means and variances.`,
    ...wrap(
      `Not params: ${
        facts.paramsExcluded.length === 0
          ? 'none'
          : facts.paramsExcluded
              .map(
                (e) =>
                  `${excludedText[e.kind]} (${plural(e.tensors, 'tensor')}, ${plural(e.elements, 'value')})`,
              )
              .join('; ')
      }.`,
    ),
    ...wrap(`Ops: ${facts.ops.map((o) => `${o.type} ${n(o.count)}`).join(', ')}.`),
    ...wrap(
      facts.notCounted.length === 0
        ? 'Every node was counted.'
        : `Not counted: ${facts.notCounted.map((o) => `${o.type} ×${n(o.count)} (${o.reason})`).join('; ')}.`,
    ),
    '',
    'Conventions:',
    ...facts.conventions.split('\n').flatMap((line) => wrap(line, '  ', '    ')),
  ]
  return lines.join('\n')
}

export const factsCommand: Command = {
  name: 'facts',
  summary: "params, MACs and FLOPs measured from a model's ONNX graph beside the published ones",
  usage: `facts ID|FILE.onnx [--size N] [--json]

Reads the model's ONNX graph (a catalog model's attached or converted weights, a custom model,
or a file) without running it, works out every node's shape at batch 1, and counts params,
multiply-accumulates and FLOPs under named conventions: MACs as paddle.flops counts them, which
is what the zoo publishes as FLOPs, beside the zoo's figures with the difference (flagged past
5 %). Nodes whose shapes cannot be worked out are listed as not counted.

Options:
  --size N          height and width where the graph leaves them open (default: the catalog's
                    crop, else 224)
  --json            print the report as JSON`,
  options: {
    size: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1 },
  run(args, io) {
    const json = args.values.json === true
    const sizeArg = args.values.size
    let inputSize: number | undefined
    if (typeof sizeArg === 'string') {
      inputSize = Number(sizeArg)
      if (!Number.isInteger(inputSize) || inputSize < 8 || inputSize > 4096)
        throw new UsageError(`--size ${sizeArg}: give a whole number of pixels from 8 to 4096.`)
    }
    const model = refOf(args.positionals[0]!)
    return withCore(args, io, async (core) => {
      if ('catalogId' in model) await announceResolution(core, io, [model.catalogId])
      const result = await core.dispatch(
        'inference.facts',
        { model, ...(inputSize ? { inputSize } : {}) },
        { face: 'cli' },
      )
      if (!result.ok) return reportFailure(io, 'facts', result, json)
      io.out(json ? JSON.stringify(result.value, null, 2) : factsText(result.value))
      return EXIT.ok
    })
  },
}
