import { describe, expect, it } from 'vitest'
import { bestWithinBudget, budgetCallout } from '@shared/charts/budgetBest'
import { chartModel } from '@shared/charts/chartModel'
import { chartPresets } from '@shared/charts/chartPresets'
import { catalogListInput, type ModelRow } from '@shared/contract'
import { openTestCore } from '../helpers/testCore'

describe('bestWithinBudget on the shipped catalog', () => {
  // Read inside the first test (openTestCore cleans up after it); rows are plain data and outlive it.
  let rows: ModelRow[] = []
  let order: string[] = []
  const load = () => {
    if (rows.length) return
    const { core } = openTestCore()
    rows = core.catalog.list(catalogListInput.parse({})).rows
    order = core.catalog.series().map((s) => s.id)
  }
  const v100 = chartPresets.find((p) => p.id === 'v100-bs1')!.state

  it('names the most accurate model within 5 ms on the V100 chart, checked by a plain scan', () => {
    load()
    const state = { ...v100, budget: 5 }
    const model = chartModel(rows, state, order)
    const best = bestWithinBudget(model, state)!
    const scan = model.points.filter((p) => p.x <= 5).reduce((a, b) => (b.y > a.y ? b : a))
    expect(best.id).toBe(scan.id)
    expect(best.x).toBeLessThanOrEqual(5)
    expect(budgetCallout(model, state, 'en')).toBe(
      `Best within 5 ms: ${scan.id}, ${(scan.y * 100).toFixed(2)} %`,
    )
    expect(budgetCallout(model, state, 'zh-CN')).toBe(
      `5 ms 以内最佳：${scan.id}，${(scan.y * 100).toFixed(2)} %`,
    )
  })

  it('skips hidden families, says when nothing fits, and says nothing without a budget', () => {
    load()
    const state = { ...v100, budget: 5 }
    const first = bestWithinBudget(chartModel(rows, state, order), state)!
    const hidden = { ...state, hidden: [first.group] }
    expect(bestWithinBudget(chartModel(rows, hidden, order), hidden)!.group).not.toBe(first.group)
    const tiny = { ...v100, budget: 0.01 }
    expect(budgetCallout(chartModel(rows, tiny, order), tiny, 'en')).toBe('No model within 0.01 ms')
    expect(budgetCallout(chartModel(rows, v100, order), v100, 'en')).toBeNull()
  })
})
