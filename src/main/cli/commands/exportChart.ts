import { announceResolution } from '../announceResolution'
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, extname, resolve } from 'node:path'
import { chartFieldIds, type ChartFieldId } from '../../../shared/charts/chartFields'
import { chartPresets, findPreset } from '../../../shared/charts/chartPresets'
import {
  axis,
  defaultChartState,
  type ChartAxis,
  type ChartState,
} from '../../../shared/charts/chartState'
import { chartStateSchema } from '../../../shared/contract/charts'
import {
  chartExportInput,
  chartFormats,
  platformIds,
  type ChartExportResult,
  type ChartFormat,
} from '../../../shared/contract'
import { fail, type Failure } from '../../../shared/errors'
import { UsageError, type Command, type OptionSpec, type ParsedArgs } from '../command'
import { EXIT, reportFailure } from '../reportFailure'
import { withCore } from '../withCore'

const list = (value: unknown) =>
  ((value as string[] | undefined) ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)

export function numberFlag(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined
  const number = Number(value)
  if (String(value).trim() === '' || !Number.isFinite(number)) {
    throw new UsageError(`${flag} must be a number, got "${String(value)}".`)
  }
  return number
}

export function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  flag: string,
): T | undefined {
  if (value === undefined) return undefined
  if (!(allowed as readonly string[]).includes(String(value))) {
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}; got "${String(value)}".`)
  }
  return value as T
}

/** The flags of every chart file (`zoo export chart`, `zoo batch chart`), for `options`. */
export const chartFileOptions = {
  format: { type: 'string' },
  width: { type: 'string' },
  height: { type: 'string' },
  theme: { type: 'string' },
  locale: { type: 'string' },
  'pixel-ratio': { type: 'string' },
} satisfies OptionSpec

export const chartFileOptionsHelp = `  --format F        svg, png or csv (default: from the --out extension)
  --width, --height size in CSS pixels (default 1280×800); PNG is --pixel-ratio (2) times larger
  --theme T         light or dark; --locale L: en or zh-CN`

/**
 * Those flags as the fields of an export request (the contract's schema checks their ranges);
 * the format is --format's, else the --out file's extension.
 */
export function chartFileFlags(
  values: ParsedArgs['values'],
  out: string,
): { format: ChartFormat } & Partial<Record<'width' | 'height' | 'pixelRatio', number>> &
  Partial<Record<'theme' | 'locale', unknown>> {
  const format =
    oneOf(values.format, chartFormats, '--format') ??
    oneOf(extname(out).slice(1).toLowerCase(), chartFormats, '--out extension (or give --format)')!
  const width = numberFlag(values.width, '--width')
  const height = numberFlag(values.height, '--height')
  const pixelRatio = numberFlag(values['pixel-ratio'], '--pixel-ratio')
  return {
    format,
    ...(width !== undefined ? { width } : {}),
    ...(height !== undefined ? { height } : {}),
    ...(values.theme !== undefined ? { theme: values.theme } : {}),
    ...(values.locale !== undefined ? { locale: values.locale } : {}),
    ...(pixelRatio !== undefined ? { pixelRatio } : {}),
  }
}

/** A request that failed its schema, as the usage error the CLI prints. */
export function requestUsageError(error: { issues: { path: PropertyKey[]; message: string }[] }) {
  return new UsageError(
    error.issues.map((i) => `${i.path.join('.') || 'option'}: ${i.message}`).join('; '),
  )
}

/** Command-line flags → chart state: a preset (or the default) with the flags applied on top. */
export function chartStateFromArgs({ values }: ParsedArgs): ChartState {
  const presetId = values.preset as string | undefined
  const preset = presetId ? findPreset(presetId) : undefined
  if (presetId && !preset) {
    throw new UsageError(
      `unknown --preset "${presetId}"; presets: ${chartPresets.map((p) => p.id).join(', ')}.`,
    )
  }
  const start = preset?.state ?? defaultChartState
  const platform = oneOf(values.platform, platformIds, '--platform')
  const batch = numberFlag(values.batch, '--batch')
  const threads = numberFlag(values.threads, '--threads')

  const readAxis = (key: 'x' | 'y'): ChartAxis => {
    const field = oneOf<ChartFieldId>(values[key], chartFieldIds, `--${key}`)
    let result = field && field !== start[key].field ? axis(field) : start[key]
    const scale = oneOf(values[`${key}-scale`], ['linear', 'log'] as const, `--${key}-scale`)
    if (scale) result = { ...result, scale, min: null, max: null }
    if (field && field !== start[key].field) result = { ...result, min: null, max: null }
    if (result.field === 'latency' && (platform || batch !== undefined || threads !== undefined)) {
      const current = result.latency ?? {
        platform: 'v100-trt-fp32' as const,
        batchSize: 1,
        threads: null,
      }
      const chosen = platform ?? current.platform
      result = {
        ...result,
        latency: {
          platform: chosen,
          batchSize: batch ?? (platform ? 1 : current.batchSize),
          threads:
            threads ??
            (chosen === 'sd855-arm-fp32' ? (platform ? 1 : (current.threads ?? 1)) : null),
        },
      }
    }
    return result
  }

  const candidate = {
    ...start,
    x: readAxis('x'),
    y: readAxis('y'),
    ...(values.series !== undefined ? { series: list(values.series), ids: [] } : {}),
    ...(values.models !== undefined ? { ids: list(values.models) } : {}),
    ...(values.hide !== undefined ? { hidden: list(values.hide) } : {}),
    ...(values.budget !== undefined ? { budget: numberFlag(values.budget, '--budget') } : {}),
    ...(values['no-frontier'] ? { frontier: false } : {}),
    ...(values['no-families'] ? { families: false } : {}),
    ...(values.labels !== undefined
      ? { labels: oneOf(values.labels, ['none', 'frontier', 'all'] as const, '--labels') }
      : {}),
    ...(values.title !== undefined ? { title: String(values.title) } : {}),
    preset: preset ? preset.id : null,
  }
  const parsed = chartStateSchema.safeParse(candidate)
  if (!parsed.success) throw requestUsageError(parsed.error)
  return parsed.data
}

/**
 * Writes an exported chart where `--out` says, whole or not at all; the failure says why, with a
 * full disk told apart from a bad path.
 */
export function writeExportedFile(path: string, exported: ChartExportResult): Failure | null {
  try {
    writeAtomically(path, Buffer.from(exported.base64, 'base64'))
    return null
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // A full disk is the machine's problem; any other refusal is the --out path's.
    const reason =
      {
        ENOENT: `its folder ${dirname(path)} does not exist`,
        ENOTDIR: `a part of ${dirname(path)} is a file`,
        EISDIR: 'it is a folder',
        EACCES: 'permission denied',
        EPERM: 'permission denied',
        EROFS: 'the file system is read-only',
      }[code ?? ''] ?? (error as Error).message
    return code === 'ENOSPC' || code === 'EDQUOT'
      ? fail('DISK_FULL', `cannot write ${path}: the disk is full.`)
      : fail('INVALID_INPUT', `cannot write ${path}: ${reason}. Choose another --out.`)
  }
}

function writeAtomically(path: string, bytes: Buffer): void {
  const temporary = `${path}.${process.pid}.partial`
  try {
    writeFileSync(temporary, bytes)
    renameSync(temporary, path)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw error
  }
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'export a chart as SVG, PNG (2×) or the CSV of its points',
  usage: `export chart --out FILE [--format svg|png|csv] [--preset ID]
            [--x FIELD] [--y FIELD] [--x-scale log|linear] [--y-scale log|linear]
            [--platform P] [--batch N] [--threads N] [--series S,…] [--models ID,…]
            [--hide S,…] [--budget N] [--no-frontier] [--no-families] [--labels none|frontier|all]
            [--title TEXT] [--width N] [--height N] [--theme light|dark] [--locale en|zh-CN]
            [--pixel-ratio N]

Draws the same chart the Explore view draws for the same state, with its metadata (title, axes,
filters, catalog and app version, date, sources) in the SVG <metadata>, the PNG text chunks or the
CSV's leading "#" lines.

Options:
  --out FILE        where to write (the format follows its extension unless --format is given)
  --preset ID       start from an official chart: ${chartPresets.map((p) => p.id).join(', ')}
  --x, --y FIELD    ${chartFieldIds.join(', ')}
  --platform P      latency platform for a latency axis: ${platformIds.join(', ')}
  --batch N         latency batch size; --threads N: thread count (SD855)
  --series S,…      plot these series (all when omitted); --models ID,… plot these models
  --budget N        grey out models whose x value is over N (e.g. ms)
${chartFileOptionsHelp}`,
  options: {
    out: { type: 'string' },
    ...chartFileOptions,
    preset: { type: 'string' },
    x: { type: 'string' },
    y: { type: 'string' },
    'x-scale': { type: 'string' },
    'y-scale': { type: 'string' },
    platform: { type: 'string' },
    batch: { type: 'string' },
    threads: { type: 'string' },
    series: { type: 'string', multiple: true },
    models: { type: 'string', multiple: true },
    hide: { type: 'string', multiple: true },
    budget: { type: 'string' },
    'no-frontier': { type: 'boolean' },
    'no-families': { type: 'boolean' },
    labels: { type: 'string' },
    title: { type: 'string' },
  },
  positionals: { min: 1, max: 1 },
  run(args, io) {
    if (args.positionals[0] !== 'chart')
      throw new UsageError(`"zoo export" exports a chart: use "zoo export chart …".`)
    const out = args.values.out as string | undefined
    if (!out) throw new UsageError('--out FILE is required.')
    const flags = chartFileFlags(args.values, out)
    const request = chartExportInput.safeParse({ state: chartStateFromArgs(args), ...flags })
    if (!request.success) throw requestUsageError(request.error)
    return withCore(args, io, async (core) => {
      await announceResolution(core, io, request.data.state.ids)
      const result = await core.dispatch('chart.export', request.data, { face: 'cli' })
      if (!result.ok) return reportFailure(io, 'export', result)
      const exported = result.value
      const path = resolve(out)
      const failure = writeExportedFile(path, exported)
      if (failure) return reportFailure(io, 'export', failure)
      io.out(
        `Wrote ${path}: ${exported.points} models` +
          (exported.missing ? `, ${exported.missing} without a figure on an axis left out` : '') +
          ` (${request.data.format.toUpperCase()}, ${request.data.width}×${request.data.height}${request.data.format === 'png' ? ` at ${request.data.pixelRatio}×` : ''}).`,
      )
      return EXIT.ok
    })
  },
}
