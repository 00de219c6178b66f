/**
 * The contract's closed lists and defaults as plain values. The schemas in the files beside this
 * one are built from them; the renderer imports them from here, so that the validation library
 * (which only the main side runs) stays out of the code a window has to load.
 */
import type { PlatformId } from '../catalog/types'

export const platformIds = [
  'v100-trt-fp32',
  'sd855-arm-fp32',
  'xeon6148-paddle-fp32',
  'xeon6271c-openvino-fp32',
] as const satisfies readonly PlatformId[]

/** A chart may also plot this machine's benchmarked latencies; the catalog has none. */
export const chartPlatformIds = [
  ...platformIds,
  'this-machine',
] as const satisfies readonly PlatformId[]

/** Numeric columns a list can be filtered and sorted by. `latency` means the chosen latency key. */
export const numericFields = [
  'top1',
  'top5',
  'paramsM',
  'flopsG',
  'sizeMB',
  'inputSize',
  'latency',
] as const
export type NumericField = (typeof numericFields)[number]

export const sortFields = ['id', 'series', ...numericFields] as const
export type SortField = (typeof sortFields)[number]

export const locales = ['en', 'zh-CN'] as const
export type Locale = (typeof locales)[number]

export const themes = ['system', 'light', 'dark'] as const
export type Theme = (typeof themes)[number]

/** Views whose state (their URL query) is remembered across restarts. */
export const rememberedViews = ['models', 'explore', 'compare'] as const
export type RememberedView = (typeof rememberedViews)[number]

/** Preferences the renderer owns; kept in the data folder so browser mode remembers them too. */
export interface UiSettings {
  /** `null` means "follow the system language". */
  locale: Locale | null
  theme: Theme
  /** The last query string of each view (columns, filters, chart axes…). */
  views: Partial<Record<RememberedView, string>>
  /** The first-run guide to the figures was read or put away. */
  guideDismissed: boolean
}

export const defaultUiSettings: UiSettings = {
  locale: null,
  theme: 'system',
  views: {},
  guideDismissed: false,
}

export const artifactKinds = ['inference', 'pretrained'] as const
export type ArtifactKind = (typeof artifactKinds)[number]

export const chartFormats = ['svg', 'png', 'csv'] as const
export type ChartFormat = (typeof chartFormats)[number]
