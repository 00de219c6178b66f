import { describe, expect, it } from 'vitest'
import { paretoFrontier, type Better } from '@shared/charts/paretoFrontier'

interface P {
  id: string
  x: number
  y: number
}

const p = (id: string, x: number, y: number): P => ({ id, x, y })

/** Five points whose frontier is worked out by hand below for each pair of directions. */
const square = [p('a', 1, 1), p('b', 2, 3), p('c', 3, 2), p('d', 4, 4), p('e', 2, 1)]

const cases: { name: string; points: P[]; x: Better; y: Better; expected: string[] }[] = [
  { name: 'empty input', points: [], x: 'lower', y: 'higher', expected: [] },
  { name: 'a single point', points: [p('a', 3, 0.5)], x: 'lower', y: 'higher', expected: ['a'] },
  {
    name: 'dominated points excluded',
    points: [p('a', 1, 1), p('b', 2, 3), p('c', 3, 2), p('d', 4, 4), p('f', 5, 3.5)],
    x: 'lower',
    y: 'higher',
    expected: ['a', 'b', 'd'],
  },
  {
    name: 'a tie on x keeps the better y',
    points: [p('low', 1, 1), p('high', 1, 2), p('next', 2, 3)],
    x: 'lower',
    y: 'higher',
    expected: ['high', 'next'],
  },
  {
    name: 'a tie on x keeps the better y when lower y is better',
    points: [p('high', 1, 2), p('low', 1, 1), p('next', 0.5, 3)],
    x: 'lower',
    y: 'lower',
    expected: ['next', 'low'],
  },
  {
    name: 'a tie on y keeps the better x',
    points: [p('far', 2, 1), p('near', 1, 1)],
    x: 'lower',
    y: 'higher',
    expected: ['near'],
  },
  {
    name: 'a tie on both keeps the first listed',
    points: [p('second-best', 0.5, 0.1), p('first', 1, 2), p('copy', 1, 2), p('copy2', 1, 2)],
    x: 'lower',
    y: 'higher',
    expected: ['second-best', 'first'],
  },
  { name: 'lower x, higher y', points: square, x: 'lower', y: 'higher', expected: ['a', 'b', 'd'] },
  { name: 'lower x, lower y', points: square, x: 'lower', y: 'lower', expected: ['a'] },
  { name: 'higher x, higher y', points: square, x: 'higher', y: 'higher', expected: ['d'] },
  { name: 'higher x, lower y', points: square, x: 'higher', y: 'lower', expected: ['e', 'c', 'd'] },
  {
    name: 'NaN and ±Infinity ignored',
    points: [
      p('nan-x', NaN, 9),
      p('nan-y', 0, NaN),
      p('inf-y', 1, Infinity),
      p('neg-inf-x', -Infinity, 0),
      p('inf-x', Infinity, 100),
      p('ok', 2, 2),
      p('ok2', 3, 3),
    ],
    x: 'lower',
    y: 'higher',
    expected: ['ok', 'ok2'],
  },
  {
    name: 'negative coordinates, listed out of order, come back sorted by x',
    points: [p('c', 5, 0.9), p('a', -3, -1), p('b', 0, 0.5), p('x', 4, 0.4)],
    x: 'lower',
    y: 'higher',
    expected: ['a', 'b', 'c'],
  },
]

describe('paretoFrontier on hand-made sets', () => {
  it.each(cases)('$name', ({ points, x, y, expected }) => {
    const input = [...points]
    const frontier = paretoFrontier(points, x, y)
    expect(frontier.map((q) => q.id)).toEqual(expected)
    // The very objects passed in, not copies, and the input is left as it was.
    for (const q of frontier) expect(points).toContain(q)
    expect(points).toEqual(input)
  })

  it('keeps the first of tied points by identity, not just by value', () => {
    const first = p('t', 1, 1)
    const second = p('t', 1, 1)
    const [only, ...rest] = paretoFrontier([first, second], 'lower', 'higher')
    expect(rest).toEqual([])
    expect(only).toBe(first)
  })
})

/** mulberry32: a tiny seeded PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const directions: [Better, Better][] = [
  ['lower', 'higher'],
  ['lower', 'lower'],
  ['higher', 'higher'],
  ['higher', 'lower'],
]

function dominates(a: P, b: P, xBetter: Better, yBetter: Better): boolean {
  const sx = xBetter === 'lower' ? -1 : 1
  const sy = yBetter === 'lower' ? -1 : 1
  const dx = sx * (a.x - b.x)
  const dy = sy * (a.y - b.y)
  return dx >= 0 && dy >= 0 && (dx > 0 || dy > 0)
}

describe('paretoFrontier property', () => {
  it('on 200 random sets: frontier points are undominated, the rest dominated or equal', () => {
    const random = prng(20240611)
    let frontierSizes = 0
    let withTies = 0
    for (let set = 0; set < 200; set++) {
      const [xBetter, yBetter] = directions[set % directions.length]!
      const size = Math.floor(random() * 60)
      // A coarse grid makes ties on x, on y and on both frequent.
      const grid = 1 + Math.floor(random() * 12)
      const points = Array.from({ length: size }, (_, i) => {
        const odd = random()
        const x = odd < 0.03 ? NaN : odd < 0.05 ? Infinity : Math.floor(random() * grid)
        const y = Math.floor(random() * grid) / grid - 0.25
        return p(`p${i}`, x, y)
      })
      const finite = points.filter((q) => Number.isFinite(q.x) && Number.isFinite(q.y))
      const frontier = paretoFrontier(points, xBetter, yBetter)
      const onFrontier = new Set(frontier)
      const context = { set, xBetter, yBetter, points }
      frontierSizes += frontier.length

      expect(frontier.length > 0, JSON.stringify(context)).toBe(finite.length > 0)
      for (const q of frontier) {
        expect(finite, JSON.stringify({ ...context, q })).toContain(q)
        const beater = finite.find((other) => dominates(other, q, xBetter, yBetter))
        expect(beater, JSON.stringify({ ...context, q })).toBeUndefined()
        // Of equal points, only the first listed may be on the frontier.
        const earlierTwin = finite.find((o) => o.x === q.x && o.y === q.y)
        expect(earlierTwin).toBe(q)
      }
      for (const q of finite) {
        if (onFrontier.has(q)) continue
        const cover = frontier.find(
          (f) => dominates(f, q, xBetter, yBetter) || (f.x === q.x && f.y === q.y),
        )
        expect(cover, JSON.stringify({ ...context, q })).toBeDefined()
        if (cover && cover.x === q.x && cover.y === q.y) withTies++
      }
      const xs = frontier.map((q) => q.x)
      expect(xs).toEqual([...xs].sort((a, b) => a - b))
    }
    // The generator must actually exercise the interesting cases.
    expect(frontierSizes).toBeGreaterThan(250)
    expect(withTies).toBeGreaterThan(20)
  })
})
