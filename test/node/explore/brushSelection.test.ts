import type { EChartsOption } from 'echarts'
import { use } from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import { describe, expect, it } from 'vitest'
import { brushAreasOf, pointsInBrush, type BrushArea } from '@shared/charts/brushSelection'
import { chartModel, type PlottedPoint } from '@shared/charts/chartModel'
import { buildChartOption } from '@shared/charts/chartOption'
import { axis, defaultChartState, type ChartAxis } from '@shared/charts/chartState'
import { chartStateSchema } from '@shared/contract/charts'
import { init } from '../../../src/renderer/src/charts/echarts'
import { plottedPoint, realCatalog } from './exploreFixtures'

// Exactly the parts the app registers, drawn with the SVG renderer: Node has no canvas.
use([SVGRenderer])

const rect = (x: [number, number], y: [number, number]): BrushArea => ({
  brushType: 'rect',
  coordRange: [x, y],
})
const polygon = (...vertices: [number, number][]): BrushArea => ({
  brushType: 'polygon',
  coordRange: vertices,
})

describe('brushAreasOf', () => {
  const square = rect([0, 1], [2, 3])
  const triangle = polygon([0, 0], [1, 0], [0, 1])
  const cases: [string, unknown, BrushArea[]][] = [
    ['null', null, []],
    ['undefined', undefined, []],
    ['a number', 42, []],
    ['no areas', { type: 'brushEnd' }, []],
    ['areas that are not a list', { areas: { brushType: 'rect' } }, []],
    ['an empty list', { areas: [] }, []],
    [
      'a rect',
      {
        areas: [
          {
            ...square,
            range: [
              [10, 20],
              [30, 40],
            ],
          },
        ],
      },
      [square],
    ],
    ['a polygon', { areas: [triangle] }, [triangle]],
    ['a null area', { areas: [null, square] }, [square]],
    ['an area without coordRange', { areas: [{ brushType: 'rect' }, triangle] }, [triangle]],
    ['a lineX area', { areas: [{ brushType: 'lineX', coordRange: [0, 1] }] }, []],
    [
      'a rect with three pairs',
      {
        areas: [
          {
            brushType: 'rect',
            coordRange: [
              [0, 1],
              [2, 3],
              [4, 5],
            ],
          },
        ],
      },
      [],
    ],
    ['a rect with a missing corner', { areas: [{ brushType: 'rect', coordRange: [[0, 1]] }] }, []],
    [
      'a rect with a string',
      {
        areas: [
          {
            brushType: 'rect',
            coordRange: [
              [0, '1'],
              [2, 3],
            ],
          },
        ],
      },
      [],
    ],
    [
      'a rect with NaN',
      {
        areas: [
          {
            brushType: 'rect',
            coordRange: [
              [0, NaN],
              [2, 3],
            ],
          },
        ],
      },
      [],
    ],
    [
      'a rect with Infinity',
      {
        areas: [
          {
            brushType: 'rect',
            coordRange: [
              [0, Infinity],
              [2, 3],
            ],
          },
        ],
      },
      [],
    ],
    ['a polygon of two points', { areas: [polygon([0, 0], [1, 1])] }, []],
    [
      'a polygon with a triple',
      {
        areas: [
          {
            brushType: 'polygon',
            coordRange: [
              [0, 0],
              [1, 0],
              [0, 1, 2],
            ],
          },
        ],
      },
      [],
    ],
    [
      'good and bad areas, in order',
      { areas: [triangle, { brushType: 'rect', coordRange: 'x' }, square] },
      [triangle, square],
    ],
  ]
  it.each(cases)('reads %s', (_label, event, expected) => {
    expect(brushAreasOf(event)).toEqual(expected)
  })
})

describe('pointsInBrush', () => {
  // A 5 × 5 grid of points at x, y = 0..4, in series A (x < 2) and B (x ≥ 2).
  const grid: PlottedPoint[] = []
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) grid.push(plottedPoint(`p${x}${y}`, x < 2 ? 'A' : 'B', x, y))
  }
  const ids = (...cells: string[]) => cells.map((c) => `p${c}`)

  const cases: { name: string; areas: BrushArea[]; hidden?: string[]; expected: string[] }[] = [
    { name: 'no area selects nothing', areas: [], expected: [] },
    {
      name: 'a rect, edges included',
      areas: [rect([1, 2], [3, 4])],
      expected: ids('13', '23', '14', '24'),
    },
    {
      name: 'a rect drawn right to left, bottom to top',
      areas: [rect([2, 1], [4, 3])],
      expected: ids('13', '23', '14', '24'),
    },
    {
      name: 'a rect between the points',
      areas: [rect([0.2, 0.8], [0, 4])],
      expected: [],
    },
    {
      name: 'a degenerate rect on one point',
      areas: [rect([3, 3], [1, 1])],
      expected: ids('31'),
    },
    {
      name: 'a triangle',
      areas: [polygon([-0.5, -0.5], [4.5, -0.5], [-0.5, 4.5])],
      // Under the anti-diagonal x + y = 4 (points on it are exactly on the edge: left out).
      expected: ids('00', '10', '20', '30', '01', '11', '21', '02', '12', '03'),
    },
    {
      name: 'a concave lasso (an L) leaves its notch out',
      areas: [polygon([-0.5, -0.5], [4.5, -0.5], [4.5, 1.5], [1.5, 1.5], [1.5, 4.5], [-0.5, 4.5])],
      expected: ids(
        ...['00', '10', '20', '30', '40', '01', '11', '21', '31', '41'],
        ...['02', '12', '03', '13', '04', '14'],
      ),
    },
    {
      name: 'two areas: their union, once each, in the points order',
      areas: [rect([2, 4], [0, 0]), rect([0, 3], [0, 1])],
      expected: ids('00', '10', '20', '30', '40', '01', '11', '21', '31'),
    },
    {
      name: 'hidden series are not selectable',
      areas: [rect([0, 4], [2, 2])],
      hidden: ['A'],
      expected: ids('22', '32', '42'),
    },
    {
      name: 'hiding every series selects nothing',
      areas: [rect([0, 4], [0, 4])],
      hidden: ['A', 'B'],
      expected: [],
    },
    {
      name: 'an unknown hidden name changes nothing',
      areas: [rect([0, 1], [0, 0])],
      hidden: ['C'],
      expected: ids('00', '10'),
    },
  ]

  it.each(cases)('$name', ({ areas, hidden, expected }) => {
    expect(pointsInBrush(grid, areas, hidden)).toEqual(expected)
  })

  it('keeps the order of the points, not of the areas', () => {
    const reversed = [...grid].reverse()
    const selected = pointsInBrush(reversed, [rect([3, 4], [0, 4]), rect([0, 1], [0, 4])])
    expect(selected).toEqual(reversed.filter((p) => p.x <= 1 || p.x >= 3).map((p) => p.id))
  })

  // A rectangle drawn as a lasso encloses what the same rectangle as a box does, whichever corner
  // the lasso starts from and whichever way it goes round.
  const box: [number, number][] = [
    [0.5, 0.5],
    [3.5, 0.5],
    [3.5, 2.5],
    [0.5, 2.5],
  ]
  const rotations = box.map((_, i) => [...box.slice(i), ...box.slice(0, i)])
  it.each([
    ...rotations.map((r, i): [string, [number, number][]] => [`from corner ${i}`, r]),
    ...rotations.map((r, i): [string, [number, number][]] => [`backwards from ${i}`, r.reverse()]),
  ])('a rectangular lasso equals the box (%s)', (_label, vertices) => {
    const asBox = pointsInBrush(grid, [rect([0.5, 3.5], [0.5, 2.5])])
    expect(asBox).toHaveLength(6)
    expect(pointsInBrush(grid, [polygon(...vertices)])).toEqual(asBox)
  })

  it('works in data coordinates, whatever the scale (log-sized values)', () => {
    const points = [0.01, 0.5, 3, 40, 700, 9000].map((x, i) => plottedPoint(`m${i}`, 'S', x, x))
    expect(pointsInBrush(points, [rect([0.5, 700], [0, 1e6])])).toEqual(['m1', 'm2', 'm3', 'm4'])
  })
})

/**
 * ECharts itself decides which points a brush encloses (it dims the others: `outOfBrush`), in
 * pixels, and reports the brush in data coordinates (`brushEnd`'s `coordRange`: each corner or
 * lasso vertex converted from pixels). Given what it reports, our selection must be the points
 * ECharts shows as selected, on every kind of axis. The shapes are drawn in pixels, as a mouse
 * draws them: a lasso is a vertex every few pixels, and ECharts closes it with a straight edge.
 *
 * Known bug (the "open lasso, log …" cases fail): pointsInBrush tests a lasso with straight edges
 * in data coordinates, while ECharts draws and dims it with straight edges in pixels. On a log
 * axis a straight pixel edge is a curve in data coordinates, so the points between the two are
 * selected but shown outside the lasso, or the other way round. The long edge that closes an open
 * lasso makes the difference large; a box is not affected (its edges follow the axes).
 */
describe('pointsInBrush agrees with ECharts on the real catalog', () => {
  interface BrushSelectedEvent {
    batch: { areas: unknown[]; selected: { seriesIndex: number; dataIndex: number[] }[] }[]
  }
  type Shape = 'box' | 'closed lasso' | 'open lasso'
  const WIDTH = 960
  const HEIGHT = 640

  /** The shape in pixels, given the plot area: a box's two corners, or a lasso's vertices. */
  function pixelShape(shape: Shape, plot: { left: number; top: number; w: number; h: number }) {
    const at = (u: number, v: number): [number, number] => [
      plot.left + u * plot.w,
      plot.top + v * plot.h,
    ]
    if (shape === 'box') return [at(0.15, 0.3), at(0.85, 0.75)]
    // An ellipse round the middle of the plot, traced every ~4 px; the open lasso stops a quarter
    // short of where it started, so its closing edge is a long straight line.
    const turns = shape === 'closed lasso' ? 1 : 0.75
    const steps = Math.round((turns * Math.PI * (0.45 * plot.w + 0.4 * plot.h)) / 4)
    return Array.from({ length: steps + 1 }, (_, i) => {
      const angle = (2 * Math.PI * turns * i) / steps
      return at(0.5 + 0.45 * Math.cos(angle), 0.5 + 0.4 * Math.sin(angle))
    })
  }

  /** Draws `shape` on the chart; what ECharts reports as the brush, and the ids it selected. */
  async function brushWithECharts(
    option: EChartsOption,
    shape: Shape,
  ): Promise<{ areas: BrushArea[]; selected: string[] }> {
    const chart = init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT })
    try {
      chart.setOption({
        ...option,
        animation: false,
        brush: { ...(option.brush as object), throttleType: 'fixRate', throttleDelay: 0 },
      })
      const grid = option.grid as { left: number; right: number; top: number; bottom: number }
      const plot = {
        left: grid.left,
        top: grid.top,
        w: WIDTH - grid.left - grid.right,
        h: HEIGHT - grid.top - grid.bottom,
      }
      const toData = (pixel: [number, number]) =>
        chart.convertFromPixel({ gridIndex: 0 }, pixel) as [number, number]
      const vertices = pixelShape(shape, plot).map(toData)
      const area: BrushArea =
        shape === 'box'
          ? rect([vertices[0]![0], vertices[1]![0]], [vertices[0]![1], vertices[1]![1]])
          : polygon(...vertices)

      const events: BrushSelectedEvent[] = []
      chart.on('brushselected', (event) => void events.push(event as BrushSelectedEvent))
      chart.dispatchAction({ type: 'brush', areas: [{ ...area, xAxisIndex: 0, yAxisIndex: 0 }] })
      const deadline = Date.now() + 5000
      while (!events.some((e) => e.batch[0]?.areas.length === 1)) {
        if (Date.now() > deadline) throw new Error('ECharts sent no brushselected event')
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      const last = events.filter((e) => e.batch[0]?.areas.length === 1).at(-1)!
      const series = option.series as { type: string; data: { name?: string }[] }[]
      const selected = last.batch[0]!.selected.flatMap(({ seriesIndex, dataIndex }) =>
        series[seriesIndex]!.type === 'scatter'
          ? dataIndex.map((i) => series[seriesIndex]!.data[i]!.name!)
          : [],
      )
      return { areas: [area], selected }
    } finally {
      chart.dispose()
    }
  }

  const axes: [string, ChartAxis, ChartAxis][] = [
    ['linear axes', axis('latency'), axis('top1')],
    ['log x axis', axis('flopsG'), axis('top1')],
    ['log x and y axes', axis('flopsG'), axis('paramsM')],
  ]
  const shapes: Shape[] = ['box', 'closed lasso', 'open lasso']
  const cases = shapes.flatMap((shape) =>
    axes.map(([label, x, y]): [string, Shape, ChartAxis, ChartAxis] => [
      `${shape}, ${label}`,
      shape,
      x,
      y,
    ]),
  )

  it.each(cases)('%s', async (_label, shape, x, y) => {
    const { rows, seriesOrder } = realCatalog()
    const state = chartStateSchema.parse({ ...defaultChartState, x, y })
    const model = chartModel(rows, state, seriesOrder)
    const option = buildChartOption({
      model,
      state,
      locale: 'en',
      theme: 'light',
      title: 'Brush',
      interactive: true,
    })
    const { areas, selected } = await brushWithECharts(option, shape)
    // Enough points inside, and outside, for the comparison to mean something.
    expect(selected.length).toBeGreaterThan(10)
    expect(selected.length).toBeLessThan(model.points.length - 10)
    const scales = { x: state.x.scale, y: state.y.scale }
    expect(new Set(pointsInBrush(model.points, areas, [], scales))).toEqual(new Set(selected))
  })
})
