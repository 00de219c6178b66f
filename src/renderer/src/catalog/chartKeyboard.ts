/**
 * Keyboard travel between chart points: ←/→ step through the shown points in order of cost (x),
 * ↑/↓ step along the Pareto frontier (from the point nearest the current one), Home/End jump to
 * the ends. Pure, so the order and the moves are tested without a canvas.
 */
import type { ChartModel, PlottedPoint } from '@shared/charts/chartModel'

export type ChartKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End'
export const chartKeys: readonly string[] = [
  'ArrowLeft',
  'ArrowRight',
  'ArrowUp',
  'ArrowDown',
  'Home',
  'End',
]

/** The shown points in travel order: by x, then by y. */
export function travelOrder(model: ChartModel, hidden: readonly string[]): PlottedPoint[] {
  const off = new Set(hidden)
  return model.points.filter((p) => !off.has(p.group)).sort((a, b) => a.x - b.x || a.y - b.y)
}

/** The id focused after `key`, from `current` (null: nothing focused yet → the first point). */
export function nextPoint(
  order: readonly PlottedPoint[],
  frontier: readonly PlottedPoint[],
  current: string | null,
  key: ChartKey,
): string | null {
  if (order.length === 0) return null
  const at = current === null ? -1 : order.findIndex((p) => p.id === current)
  if (at < 0) return key === 'End' ? order.at(-1)!.id : order[0]!.id
  switch (key) {
    case 'ArrowRight':
      return order[Math.min(order.length - 1, at + 1)]!.id
    case 'ArrowLeft':
      return order[Math.max(0, at - 1)]!.id
    case 'Home':
      return order[0]!.id
    case 'End':
      return order.at(-1)!.id
    default: {
      const shown = frontier.filter((f) => order.some((p) => p.id === f.id))
      if (shown.length === 0) return order[at]!.id
      const here = order[at]!
      const onIt = shown.findIndex((f) => f.id === here.id)
      // Off the frontier: go to the frontier point nearest in x first.
      if (onIt < 0)
        return shown.reduce((a, b) => (Math.abs(b.x - here.x) < Math.abs(a.x - here.x) ? b : a)).id
      const step = key === 'ArrowUp' ? 1 : -1
      return shown[Math.max(0, Math.min(shown.length - 1, onIt + step))]!.id
    }
  }
}
