import { formatFlops } from '../../../shared/format/formatFlops'
import {
  entryKinds,
  platformIds,
  sortFields,
  type CatalogListInput,
  type CatalogListResult,
} from '../../../shared/contract'
import { UsageError, type Command, type ParsedArgs } from '../command'
import { EXIT, reportFailure } from '../reportFailure'
import { textTable } from '../textTable'
import { withCore } from '../withCore'

const RANGE = /^(top1|top5|paramsM|flopsG|sizeMB|inputSize|latency)=(-?\d+(?:\.\d+)?)$/

const list = (value: unknown): string[] =>
  ((value as string[] | undefined) ?? [])
    .flatMap((item) => item.split(','))
    .map((s) => s.trim())
    .filter(Boolean)

function positiveInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(String(value)))
    throw new UsageError(`${flag} must be a whole number, got "${String(value)}".`)
  return Number(value)
}

/** Command-line options → the same `catalog.list` input the UI sends. */
export function listInputFromArgs({ values }: ParsedArgs): CatalogListInput {
  const input: CatalogListInput = {}
  const series = list(values.series)
  if (series.length) input.series = series
  if (values.search) input.search = String(values.search)
  const platform = (values.platform as string | undefined) ?? 'v100-trt-fp32'
  if (!(platformIds as readonly string[]).includes(platform)) {
    throw new UsageError(`--platform must be one of ${platformIds.join(', ')}; got "${platform}".`)
  }
  const threads = positiveInt(values.threads, '--threads')
  input.latency = {
    platform: platform as (typeof platformIds)[number],
    batchSize: positiveInt(values.batch, '--batch') ?? 1,
    threads: threads ?? (platform === 'sd855-arm-fp32' ? 1 : null),
  }
  const ranges: NonNullable<CatalogListInput['ranges']> = []
  for (const [flag, bound] of [
    ['min', 'min'],
    ['max', 'max'],
  ] as const) {
    for (const item of list(values[flag])) {
      const match = RANGE.exec(item)
      if (!match)
        throw new UsageError(`--${flag} takes FIELD=NUMBER (e.g. top1=0.8), got "${item}".`)
      const field = match[1] as NonNullable<CatalogListInput['ranges']>[number]['field']
      const existing = ranges.find((r) => r.field === field)
      if (existing) existing[bound] = Number(match[2])
      else ranges.push({ field, [bound]: Number(match[2]) })
    }
  }
  if (ranges.length) input.ranges = ranges
  if (values.sort !== undefined) {
    const field = String(values.sort)
    if (!(sortFields as readonly string[]).includes(field)) {
      throw new UsageError(`--sort must be one of ${sortFields.join(', ')}; got "${field}".`)
    }
    const order =
      (values.order as string | undefined) ??
      (field === 'top1' || field === 'top5' ? 'desc' : 'asc')
    if (order !== 'asc' && order !== 'desc')
      throw new UsageError(`--order must be asc or desc; got "${order}".`)
    input.sort = { field: field as (typeof sortFields)[number], direction: order }
  }
  const limit = positiveInt(values.limit, '--limit')
  if (limit !== undefined) input.limit = limit
  input.entryKinds = entriesOf(values.entries)
  return input
}

/** `--entries`: zoo (the default), all, or kinds by name (olderListOnly, surveyOnly). */
function entriesOf(value: unknown): NonNullable<CatalogListInput['entryKinds']> {
  const wanted = list(value === undefined ? undefined : [String(value)])
  if (wanted.length === 0) return ['zoo']
  if (wanted.length === 1 && wanted[0] === 'all') return [...entryKinds]
  for (const kind of wanted) {
    if (!(entryKinds as readonly string[]).includes(kind))
      throw new UsageError(`--entries takes all or ${entryKinds.join(', ')}; got "${kind}".`)
  }
  return wanted as (typeof entryKinds)[number][]
}

const KIND_MARK = {
  zoo: '',
  olderListOnly: ' [older list only]',
  surveyOnly: ' [survey only]',
} as const

const percent = (value: number | null) => (value === null ? null : value * 100)

export function formatModelList(result: CatalogListResult, latencyLabel: string): string {
  if (result.rows.length === 0) return 'No models match.'
  const table = textTable(
    ['Model', 'Series', 'Top-1 %', 'Top-5 %', 'Params M', 'FLOPs', latencyLabel],
    result.rows.map((row) => [
      row.id + KIND_MARK[row.entryKind],
      row.series,
      percent(row.top1),
      percent(row.top5),
      row.paramsM,
      // The unit per value (M below 1 G), right-aligned like a number.
      row.flopsG === null ? null : formatFlops(row.flopsG),
      row.latencyMs,
    ]),
    [undefined, undefined, 2, 2, 2, undefined, 2],
    [false, false, true, true, true, true, true],
  )
  const outside = result.rows.filter((row) => row.entryKind !== 'zoo').length
  const counted = outside
    ? `${result.rows.length - outside} models of the zoo and ${outside} entries outside it`
    : `${result.rows.length} of ${result.total} models`
  return `${table}\n\n${counted} (catalog ${result.catalogVersion})`
}

export const modelsCommand: Command = {
  name: 'models',
  summary: 'list the zoo’s models, filtered, searched and sorted',
  usage: `models [--series S[,S…]] [--search TEXT] [--sort FIELD] [--order asc|desc]
            [--min FIELD=N] [--max FIELD=N] [--platform P] [--batch N] [--threads N]
            [--limit N] [--json]

Lists catalog models. Accuracies are fractions in --json (0.7912) and percent in text.

Options:
  --series S        only these series (comma-separated or repeated), e.g. ResNet,PP-LCNet
  --search TEXT     search ids, names, series and descriptions (3+ letters: substring match)
  --sort FIELD      id, series, top1, top5, paramsM, flopsG, sizeMB, inputSize or latency
  --order asc|desc  default: desc for top1/top5, asc otherwise
  --min FIELD=N     keep models with FIELD ≥ N (repeatable); --max FIELD=N likewise
  --platform P      latency platform: ${platformIds.join(', ')}
                    (default v100-trt-fp32)
  --batch N         latency batch size (default 1)
  --threads N       latency thread count (SD855 only; default 1 there)
  --limit N         at most N models
  --entries E       zoo (default), all, or olderListOnly,surveyOnly:
                    names only older model lists or the backbone survey have, marked
                    [older list only] / [survey only]; they have no zoo figures
  --json            print a JSON array: id, series, top1, top5, paramsM, flopsG, latencies, downloads, …`,
  options: {
    series: { type: 'string', multiple: true },
    search: { type: 'string' },
    sort: { type: 'string' },
    order: { type: 'string' },
    min: { type: 'string', multiple: true },
    max: { type: 'string', multiple: true },
    platform: { type: 'string' },
    batch: { type: 'string' },
    threads: { type: 'string' },
    limit: { type: 'string' },
    entries: { type: 'string' },
    json: { type: 'boolean' },
  },
  run(args, io) {
    const input = listInputFromArgs(args)
    return withCore(args, io, async (core) => {
      const result = await core.dispatch('catalog.list', input, { face: 'cli' })
      if (!result.ok) return reportFailure(io, 'models', result, args.values.json === true)
      const value = result.value
      if (args.values.json) {
        io.out(
          JSON.stringify(
            value.rows.map(({ latencyMs: _latency, ...row }) => row),
            null,
            2,
          ),
        )
      } else {
        const key = input.latency!
        const label = `${key.platform} bs${key.batchSize}${key.threads ? ` t${key.threads}` : ''} ms`
        io.out(formatModelList(value, label))
        // A search that left out entries outside the zoo says how to see them.
        if (input.search && args.values.entries === undefined) {
          const outside = await core.dispatch(
            'catalog.list',
            { ...input, entryKinds: ['olderListOnly', 'surveyOnly'], limit: 5 },
            { face: 'cli' },
          )
          if (outside.ok && outside.value.total > 0) {
            const names = outside.value.rows.map((row) => row.id).join(', ')
            io.out(
              `Also outside the zoo (older lists, backbone survey): ${names}` +
                `${outside.value.total > 5 ? ', …' : ''} — add --entries all to list them.`,
            )
          }
        }
      }
      return EXIT.ok
    })
  },
}
