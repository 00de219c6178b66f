/**
 * Which plotted points a box or lasso drawn on the chart encloses. ECharts reports each brush area
 * in data coordinates (`coordRange`) when the brush is bound to the axes; testing the points
 * against those areas here, rather than reading ECharts' own debounced `brushselected` indices,
 * makes the selection exact on mouse-up and independent of series order.
 */
import type { PlottedPoint } from './chartModel'

export type BrushArea =
  | { brushType: 'rect'; coordRange: [[number, number], [number, number]] }
  | { brushType: 'polygon'; coordRange: [number, number][] }

/** Reads the areas of an ECharts `brushEnd` event; anything it cannot read is left out. */
export function brushAreasOf(event: unknown): BrushArea[] {
  const areas = (event as { areas?: unknown } | null)?.areas
  if (!Array.isArray(areas)) return []
  const pair = (value: unknown): value is [number, number] =>
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((n) => typeof n === 'number' && Number.isFinite(n))
  const result: BrushArea[] = []
  for (const area of areas as { brushType?: unknown; coordRange?: unknown }[]) {
    const range = area?.coordRange
    if (!Array.isArray(range)) continue
    if (area.brushType === 'rect' && range.length === 2 && range.every(pair)) {
      result.push({ brushType: 'rect', coordRange: range as [[number, number], [number, number]] })
    } else if (area.brushType === 'polygon' && range.length >= 3 && range.every(pair)) {
      result.push({ brushType: 'polygon', coordRange: range as [number, number][] })
    }
  }
  return result
}

/** Even-odd ray casting; points on an edge may fall either side, which a lasso never notices. */
function insidePolygon(x: number, y: number, polygon: readonly [number, number][]): boolean {
  let inside = false
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!
    const [xj, yj] = polygon[j]!
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

export interface AxisScales {
  x: 'linear' | 'log'
  y: 'linear' | 'log'
}

/**
 * Where the axis draws a value: ECharts joins lasso vertices with straight lines in pixels, which
 * on a log axis are straight in log10 units, not in data units.
 */
const toAxis = (value: number, scale: 'linear' | 'log') =>
  scale === 'log' ? Math.log10(value) : value

function inArea(
  point: Pick<PlottedPoint, 'x' | 'y'>,
  area: BrushArea,
  scales: AxisScales,
): boolean {
  if (area.brushType === 'rect') {
    const [[x0, x1], [y0, y1]] = area.coordRange
    return (
      point.x >= Math.min(x0, x1) &&
      point.x <= Math.max(x0, x1) &&
      point.y >= Math.min(y0, y1) &&
      point.y <= Math.max(y0, y1)
    )
  }
  const polygon = area.coordRange.map(([x, y]): [number, number] => [
    toAxis(x, scales.x),
    toAxis(y, scales.y),
  ])
  return insidePolygon(toAxis(point.x, scales.x), toAxis(point.y, scales.y), polygon)
}

/** Ids of the points inside any area, in the points' order; hidden series are not selectable. */
export function pointsInBrush(
  points: readonly PlottedPoint[],
  areas: readonly BrushArea[],
  hidden: readonly string[] = [],
  scales: AxisScales = { x: 'linear', y: 'linear' },
): string[] {
  if (areas.length === 0) return []
  const off = new Set(hidden)
  return points
    .filter((p) => !off.has(p.group) && areas.some((area) => inArea(p, area, scales)))
    .map((p) => p.id)
}
