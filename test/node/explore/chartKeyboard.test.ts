import { describe, expect, it } from 'vitest'
import type { ChartModel } from '@shared/charts/chartModel'
import { nextPoint, travelOrder } from '../../../src/renderer/src/catalog/chartKeyboard'
import { plottedPoint as point } from './exploreFixtures'

describe('chart keyboard travel', () => {
  const a = point('A', 'S', 1, 0.7, { onFrontier: true })
  const b = point('B', 'S', 2, 0.6)
  const c = point('C', 'T', 3, 0.8, { onFrontier: true })
  const d = point('D', 'T', 4, 0.75)
  const model = { points: [d, b, c, a], frontier: [a, c] } as unknown as ChartModel

  it('orders the shown points by cost, hidden families left out', () => {
    expect(travelOrder(model, []).map((p) => p.id)).toEqual(['A', 'B', 'C', 'D'])
    expect(travelOrder(model, ['T']).map((p) => p.id)).toEqual(['A', 'B'])
  })

  it.each([
    [null, 'ArrowRight', 'A'],
    [null, 'End', 'D'],
    ['A', 'ArrowRight', 'B'],
    ['D', 'ArrowRight', 'D'],
    ['B', 'ArrowLeft', 'A'],
    ['A', 'ArrowLeft', 'A'],
    ['C', 'Home', 'A'],
    ['A', 'End', 'D'],
    ['A', 'ArrowUp', 'C'],
    ['C', 'ArrowUp', 'C'],
    ['C', 'ArrowDown', 'A'],
    // Off the frontier, ↑ goes to the frontier point nearest in cost first.
    ['D', 'ArrowUp', 'C'],
    ['B', 'ArrowDown', 'A'],
    ['gone', 'ArrowRight', 'A'],
  ] as const)('from %s, %s → %s', (from, key, to) => {
    expect(nextPoint(travelOrder(model, []), model.frontier, from, key)).toBe(to)
  })

  it('has nowhere to go on an empty chart', () => {
    expect(nextPoint([], [], null, 'ArrowRight')).toBeNull()
  })
})
