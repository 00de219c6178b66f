/**
 * The models no other model beats on both axes at once. With cost on one axis (lower is better)
 * and accuracy on the other, these are the only rational picks for some budget.
 */
export interface XY {
  x: number
  y: number
}

export type Better = 'higher' | 'lower'

/** Non-dominated points, ordered along the x axis (ascending). Ties: the first one listed wins. */
export function paretoFrontier<T extends XY>(
  points: readonly T[],
  xBetter: Better,
  yBetter: Better,
): T[] {
  const sx = xBetter === 'lower' ? 1 : -1
  const sy = yBetter === 'higher' ? 1 : -1
  // Best x first; among equal x, best y first, so that only that one can join the frontier.
  const ordered = points
    .map((point, index) => ({ point, index }))
    .filter(({ point }) => Number.isFinite(point.x) && Number.isFinite(point.y))
    .sort(
      (a, b) => sx * (a.point.x - b.point.x) || sy * (b.point.y - a.point.y) || a.index - b.index,
    )
  const frontier: T[] = []
  let bestY = -Infinity
  for (const { point } of ordered) {
    const y = sy * point.y
    if (y > bestY) {
      frontier.push(point)
      bestY = y
    }
  }
  return frontier.sort((a, b) => a.x - b.x)
}
