/**
 * What a chart shows, as data: axes, filters, overlays and selection. The same state drives the
 * Explore view, its URL, the saved preferences and the command-line export, so one state always
 * yields one picture.
 */
import { z } from 'zod'
import { platformIds } from '../contract/catalog'
import { chartFieldIds, chartFields, type ChartFieldId, type LatencyChoice } from './chartFields'

const latencyChoice = z
  .object({
    platform: z.enum(platformIds),
    batchSize: z.number().int().min(1).max(64),
    threads: z.number().int().min(1).max(64).nullable(),
  })
  .strict()

export const chartAxis = z
  .object({
    field: z.enum(chartFieldIds),
    scale: z.enum(['linear', 'log']),
    /** Which latency figure, when `field` is latency. */
    latency: latencyChoice.nullable().default(null),
    min: z.number().finite().nullable().default(null),
    max: z.number().finite().nullable().default(null),
  })
  .strict()
export type ChartAxis = z.output<typeof chartAxis>

const name = z.string().min(1).max(200)

export const chartStateSchema = z
  .object({
    x: chartAxis,
    y: chartAxis,
    /** Series to plot; empty means every series. */
    series: z.array(name).max(200).default([]),
    /** Series switched off in the legend (still listed there). */
    hidden: z.array(name).max(200).default([]),
    /** Models to plot; empty means every model of the chosen series. */
    ids: z.array(name).max(10_000).default([]),
    /** Greys out models whose x value is over this (e.g. latency ≤ 5 ms). */
    budget: z.number().positive().finite().nullable().default(null),
    frontier: z.boolean().default(true),
    families: z.boolean().default(true),
    labels: z.enum(['none', 'frontier', 'all']).default('frontier'),
    selection: z.array(name).max(10_000).default([]),
    preset: z.string().max(100).nullable().default(null),
    /** An empty title counts as none: the chart then titles itself. */
    title: z
      .string()
      .max(200)
      .nullable()
      .default(null)
      .transform((title) => (title === null || title.trim() === '' ? null : title)),
  })
  .strict()
export type ChartState = z.output<typeof chartStateSchema>
export type ChartStateInput = z.input<typeof chartStateSchema>

export const V100_BS1: LatencyChoice = { platform: 'v100-trt-fp32', batchSize: 1, threads: null }

export function axis(field: ChartFieldId, options: Partial<ChartAxis> = {}): ChartAxis {
  return {
    field,
    scale: chartFields[field].defaultScale,
    latency: field === 'latency' ? V100_BS1 : null,
    min: null,
    max: null,
    ...options,
  }
}

export const defaultChartState: ChartState = chartStateSchema.parse({
  x: axis('latency'),
  y: axis('top1'),
})

// URL form: short keys, lists comma-separated, latency as platform.batch[.threads].

function encodeLatency(choice: LatencyChoice | null): string | null {
  if (!choice) return null
  return [choice.platform, choice.batchSize, ...(choice.threads ? [choice.threads] : [])].join('.')
}

function decodeLatency(text: string | null): LatencyChoice | null {
  if (!text) return null
  const [platform, batch, threads] = text.split('.')
  return (
    latencyChoice.safeParse({
      platform,
      batchSize: Number(batch),
      threads: threads === undefined ? null : Number(threads),
    }).data ?? null
  )
}

export function encodeChartState(state: ChartState): URLSearchParams {
  const params = new URLSearchParams()
  const put = (key: string, value: string | number | null | undefined) => {
    if (value !== null && value !== undefined && value !== '') params.set(key, String(value))
  }
  for (const [key, a] of [
    ['x', state.x],
    ['y', state.y],
  ] as const) {
    put(key, a.field)
    put(`${key}s`, a.scale)
    put(`${key}k`, a.field === 'latency' ? encodeLatency(a.latency) : null)
    put(`${key}min`, a.min)
    put(`${key}max`, a.max)
  }
  put('series', state.series.join(','))
  put('hide', state.hidden.join(','))
  put('ids', state.ids.join(','))
  put('budget', state.budget)
  if (!state.frontier) put('frontier', 0)
  if (!state.families) put('families', 0)
  if (state.labels !== 'frontier') put('labels', state.labels)
  put('sel', state.selection.join(','))
  put('preset', state.preset)
  put('title', state.title)
  return params
}

/** Reads a state from URL parameters; anything invalid falls back to the default for that part. */
export function decodeChartState(
  params: URLSearchParams,
  base: ChartState = defaultChartState,
): ChartState {
  const list = (key: string) =>
    (params.get(key) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  const num = (key: string) => {
    const text = params.get(key)
    return text === null || text === '' || !Number.isFinite(Number(text)) ? null : Number(text)
  }
  const readAxis = (key: 'x' | 'y'): ChartAxis => {
    const field = params.get(key)
    if (!field || !(chartFieldIds as readonly string[]).includes(field)) return base[key]
    const fallback = axis(field as ChartFieldId)
    return (
      chartAxis.safeParse({
        field,
        scale: params.get(`${key}s`) ?? fallback.scale,
        latency:
          field === 'latency' ? (decodeLatency(params.get(`${key}k`)) ?? fallback.latency) : null,
        min: num(`${key}min`),
        max: num(`${key}max`),
      }).data ?? fallback
    )
  }
  const candidate = {
    x: readAxis('x'),
    y: readAxis('y'),
    series: list('series'),
    hidden: list('hide'),
    ids: list('ids'),
    budget: num('budget'),
    frontier: params.get('frontier') !== '0',
    families: params.get('families') !== '0',
    labels: params.get('labels') ?? 'frontier',
    selection: list('sel'),
    preset: params.get('preset'),
    title: params.get('title'),
  }
  const parsed = chartStateSchema.safeParse(candidate)
  if (parsed.success) return parsed.data
  // Keep what is valid: drop the offending keys one by one.
  const repaired: Record<string, unknown> = { ...candidate }
  for (const issue of parsed.error.issues) {
    const top = issue.path[0]
    if (typeof top === 'string') repaired[top] = (base as Record<string, unknown>)[top]
  }
  return chartStateSchema.safeParse(repaired).data ?? base
}
