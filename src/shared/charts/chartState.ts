/**
 * What a chart shows, as data: axes, filters, overlays and selection. The same state drives the
 * Explore view, its URL, the saved preferences and the command-line export, so one state always
 * yields one picture.
 *
 * Plain TypeScript with its own checks: the Explore view decodes a state from its URL on the way to
 * its first chart, and the validation library the API uses would double the code a window loads
 * before that. The API's schema of a state (contract/charts.ts) is built from the same limits and
 * checked against these types at compile time.
 */
import { chartPlatformIds } from '../contract/values'
import { chartFieldIds, chartFields, type ChartFieldId, type LatencyChoice } from './chartFields'

export const axisScales = ['linear', 'log'] as const
export type AxisScale = (typeof axisScales)[number]

export const labelModes = ['none', 'frontier', 'all'] as const
export type LabelMode = (typeof labelModes)[number]

/** The bounds of a valid state. */
export const chartStateLimits = {
  /** Characters in a series or model name. */
  name: 200,
  /** Entries in the series and hidden lists. */
  series: 200,
  /** Entries in the model and selection lists. */
  models: 10_000,
  preset: 100,
  title: 200,
  /** Largest batch size or thread count of a latency figure. */
  latencyRun: 64,
} as const

export interface ChartAxis {
  field: ChartFieldId
  scale: AxisScale
  /** Which latency figure, when `field` is latency. */
  latency: LatencyChoice | null
  min: number | null
  max: number | null
}

export interface ChartState {
  x: ChartAxis
  y: ChartAxis
  /** Series to plot; empty means every series. */
  series: string[]
  /** Series switched off in the legend (still listed there). */
  hidden: string[]
  /** Models to plot; empty means every model of the chosen series. */
  ids: string[]
  /** Greys out models whose x value is over this (e.g. latency ≤ 5 ms). */
  budget: number | null
  frontier: boolean
  families: boolean
  /** This machine's benchmarked latency beside each published one (when there are any). */
  machine: boolean
  labels: LabelMode
  selection: string[]
  preset: string | null
  /** An empty title counts as none: the chart then titles itself. */
  title: string | null
}

const oneOf =
  <T extends string>(values: readonly T[]) =>
  (value: unknown): value is T =>
    (values as readonly unknown[]).includes(value)
const isRunCount = (value: unknown): value is number =>
  Number.isInteger(value) &&
  (value as number) >= 1 &&
  (value as number) <= chartStateLimits.latencyRun
const isFiniteOrNull = (value: unknown): value is number | null =>
  value === null || (typeof value === 'number' && Number.isFinite(value))
const isTextOrNull = (max: number) => (value: unknown) =>
  value === null || (typeof value === 'string' && value.length <= max)
const isNameList = (max: number) => (value: unknown) =>
  Array.isArray(value) &&
  value.length <= max &&
  value.every(
    (name) => typeof name === 'string' && name.length >= 1 && name.length <= chartStateLimits.name,
  )
const isBoolean = (value: unknown) => typeof value === 'boolean'

function isLatencyChoice(value: unknown): value is LatencyChoice {
  const choice = value as Partial<LatencyChoice> | null
  return (
    typeof choice === 'object' &&
    choice !== null &&
    oneOf(chartPlatformIds)(choice.platform) &&
    isRunCount(choice.batchSize) &&
    (choice.threads === null || isRunCount(choice.threads))
  )
}

function isAxis(value: unknown): value is ChartAxis {
  const a = value as Partial<ChartAxis> | null
  return (
    typeof a === 'object' &&
    a !== null &&
    oneOf(chartFieldIds)(a.field) &&
    oneOf(axisScales)(a.scale) &&
    (a.latency === null || isLatencyChoice(a.latency)) &&
    isFiniteOrNull(a.min) &&
    isFiniteOrNull(a.max)
  )
}

/** One check per part: a state read from outside keeps its valid parts and replaces the others. */
const validPart: { [K in keyof ChartState]: (value: unknown) => boolean } = {
  x: isAxis,
  y: isAxis,
  series: isNameList(chartStateLimits.series),
  hidden: isNameList(chartStateLimits.series),
  ids: isNameList(chartStateLimits.models),
  budget: (value) => value === null || (isFiniteOrNull(value) && (value as number) > 0),
  frontier: isBoolean,
  families: isBoolean,
  machine: isBoolean,
  labels: oneOf(labelModes),
  selection: isNameList(chartStateLimits.models),
  preset: isTextOrNull(chartStateLimits.preset),
  title: isTextOrNull(chartStateLimits.title),
}

export const normalizeTitle = (title: string | null): string | null =>
  title === null || title.trim() === '' ? null : title

/** A whole state from its axes and whichever other parts are given; the rest are the defaults. */
export function chartState(
  parts: Pick<ChartState, 'x' | 'y'> & Partial<Omit<ChartState, 'x' | 'y'>>,
): ChartState {
  return {
    series: [],
    hidden: [],
    ids: [],
    budget: null,
    frontier: true,
    families: true,
    machine: true,
    labels: 'frontier',
    selection: [],
    preset: null,
    ...parts,
    title: normalizeTitle(parts.title ?? null),
  }
}

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

export const defaultChartState: ChartState = chartState({ x: axis('latency'), y: axis('top1') })

// URL form: short keys, lists comma-separated, latency as platform.batch[.threads].

function encodeLatency(choice: LatencyChoice | null): string | null {
  if (!choice) return null
  return [choice.platform, choice.batchSize, ...(choice.threads ? [choice.threads] : [])].join('.')
}

function decodeLatency(text: string | null): LatencyChoice | null {
  if (!text) return null
  const [platform, batch, threads] = text.split('.')
  const choice = {
    platform,
    batchSize: Number(batch),
    threads: threads === undefined ? null : Number(threads),
  }
  return isLatencyChoice(choice) ? choice : null
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
  if (!state.machine) put('machine', 0)
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
    const candidate = {
      field,
      scale: params.get(`${key}s`) ?? fallback.scale,
      latency:
        field === 'latency' ? (decodeLatency(params.get(`${key}k`)) ?? fallback.latency) : null,
      min: num(`${key}min`),
      max: num(`${key}max`),
    }
    return isAxis(candidate) ? candidate : fallback
  }
  const candidate: Record<keyof ChartState, unknown> = {
    x: readAxis('x'),
    y: readAxis('y'),
    series: list('series'),
    hidden: list('hide'),
    ids: list('ids'),
    budget: num('budget'),
    frontier: params.get('frontier') !== '0',
    families: params.get('families') !== '0',
    machine: params.get('machine') !== '0',
    labels: params.get('labels') ?? 'frontier',
    selection: list('sel'),
    preset: params.get('preset'),
    title: params.get('title'),
  }
  const state = Object.fromEntries(
    (Object.keys(validPart) as (keyof ChartState)[]).map((key) => [
      key,
      validPart[key](candidate[key]) ? candidate[key] : base[key],
    ]),
  ) as unknown as ChartState
  return { ...state, title: normalizeTitle(state.title) }
}
