/**
 * A chart's title and subtitle: the preset's title (or the state's own, or one made from the axes),
 * the preset's caveat, and how many chosen models have no figure on an axis. The Explore view and
 * the export engine both call these, so the canvas and the exported file say the same.
 */
import type { Locale } from '../contract/values'
import type { ChartModel } from './chartModel'
import { autoTitle, axisTitle } from './chartOption'
import { findPreset } from './chartPresets'
import type { ChartState } from './chartState'

const MISSING = {
  en: (n: number, axis: string) =>
    `${n} model${n === 1 ? '' : 's'} with no ${axis} figure not shown`,
  'zh-CN': (n: number, axis: string) => `${n} 个模型缺少${axis}数据，未显示`,
}

const OUT_OF_RANGE = {
  en: (n: number) => `${n} outside the axis range`,
  'zh-CN': (n: number) => `${n} 个超出坐标范围`,
}

export function chartTitle(
  state: ChartState,
  locale: Locale,
): { title: string; subtitle: string | null } {
  const preset = state.preset ? findPreset(state.preset) : undefined
  const title = state.title ?? preset?.title[locale] ?? autoTitle(state.x, state.y, locale)
  return { title, subtitle: preset?.caveat?.[locale] ?? null }
}

/** The subtitle also says how many chosen models have no figure on an axis or lie off its range. */
export function chartSubtitle(
  model: ChartModel,
  state: ChartState,
  locale: Locale,
  caveat: string | null,
): string | null {
  const byAxis = (axis: 'x' | 'y') => model.missing.filter((m) => m.axis === axis).length
  const notes = (['x', 'y'] as const)
    .filter((axis) => byAxis(axis) > 0)
    .map((axis) => MISSING[locale](byAxis(axis), axisTitle(state[axis], locale).split(' (')[0]!))
  if (model.outOfRange.length) notes.push(OUT_OF_RANGE[locale](model.outOfRange.length))
  const parts = [caveat, ...notes].filter((part): part is string => Boolean(part))
  return parts.length ? parts.join(' · ') : null
}
