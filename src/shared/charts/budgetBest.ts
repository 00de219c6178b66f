/**
 * The one answer a budget is for: the best model within it ("best within 5 ms:
 * PPHGNet_small_ssld, 83.82 %"), among the shown points, by the y axis's better direction.
 */
import type { Locale } from '../contract/values'
import { chartFields } from './chartFields'
import type { ChartModel, PlottedPoint } from './chartModel'
import type { ChartState } from './chartState'

export function bestWithinBudget(model: ChartModel, state: ChartState): PlottedPoint | null {
  if (state.budget === null) return null
  const hidden = new Set(state.hidden)
  const higher = chartFields[state.y.field].better === 'higher'
  let best: PlottedPoint | null = null
  for (const p of model.points) {
    if (hidden.has(p.group) || !p.withinBudget) continue
    // Ties go to the cheaper model: same accuracy for less is the better buy.
    if (!best || (higher ? p.y > best.y : p.y < best.y) || (p.y === best.y && p.x < best.x))
      best = p
  }
  return best
}

/** A value as the callout prints it: accuracies as "83.82 %", others with their unit. */
export function calloutValue(value: number, field: ChartState['x']['field']): string {
  const def = chartFields[field]
  if (def.percent) return `${(value * 100).toFixed(2)} %`
  return `${Number(value.toPrecision(4))} ${def.unit}`
}

const TEXT = {
  en: {
    best: (budget: string, id: string, value: string) => `Best within ${budget}: ${id}, ${value}`,
    none: (budget: string) => `No model within ${budget}`,
  },
  'zh-CN': {
    best: (budget: string, id: string, value: string) => `${budget} 以内最佳：${id}，${value}`,
    none: (budget: string) => `${budget} 以内没有模型`,
  },
} as const

/** The callout's text, or null without a budget. */
export function budgetCallout(model: ChartModel, state: ChartState, locale: Locale): string | null {
  if (state.budget === null) return null
  const budget = calloutValue(state.budget, state.x.field)
  const best = bestWithinBudget(model, state)
  return best
    ? TEXT[locale].best(budget, best.id, calloutValue(best.y, state.y.field))
    : TEXT[locale].none(budget)
}
