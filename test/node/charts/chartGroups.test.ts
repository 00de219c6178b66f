import { describe, expect, it } from 'vitest'
import { chartModel, MAX_FAMILY_ENTRIES } from '@shared/charts/chartModel'
import { buildChartOption } from '@shared/charts/chartOption'
import { axis, chartState } from '@shared/charts/chartState'
import { modelRow } from '../explore/exploreFixtures'

/** `families` families in two series, two models each. */
function rows(families: number) {
  return Array.from({ length: families * 2 }, (_, i) => {
    const f = Math.floor(i / 2)
    return modelRow(`m${i}`, {
      series: f % 2 ? 'S1' : 'S0',
      family: `F${f}`,
      flopsG: 1 + i,
      top1: 0.5 + i / (families * 10),
    })
  })
}
const state = chartState({ x: axis('flopsG'), y: axis('top1') })

describe('legend entries: families, or series for a catalog of very many families', () => {
  it('gives each family its entry up to the limit', () => {
    const model = chartModel(rows(MAX_FAMILY_ENTRIES), state, ['S0', 'S1'])
    expect(model.groupedBy).toBe('family')
    expect(model.series).toHaveLength(MAX_FAMILY_ENTRIES)
  })

  it('falls back to catalog series beyond it, lines named as their series', () => {
    const model = chartModel(rows(MAX_FAMILY_ENTRIES + 1), state, ['S0', 'S1'])
    expect(model.groupedBy).toBe('series')
    expect(model.series).toEqual(['S0', 'S1'])
    expect(new Set(model.points.map((p) => p.group))).toEqual(new Set(['S0', 'S1']))
    const option = buildChartOption({
      model,
      state,
      locale: 'en',
      theme: 'light',
      title: 't',
      interactive: false,
    })
    const lines = (option.series as { type: string; name: string }[]).filter(
      (s) => s.type === 'line' && s.name !== 'Pareto frontier',
    )
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) expect(['S0', 'S1']).toContain(line.name)
  })
})
