import { describe, expect, it } from 'vitest'
import { familyLines, type FamilyPoint } from '@shared/charts/familyLines'

const fp = (id: string, family: string, series: string, x: number, y: number): FamilyPoint => ({
  id,
  family,
  series,
  x,
  y,
})

describe('familyLines', () => {
  it('gives nothing for no points', () => {
    expect(familyLines([])).toEqual([])
  })

  it('groups points by family, whatever order they come in', () => {
    const points = [
      fp('ResNet50', 'ResNet', 'ResNet', 4.1, 0.765),
      fp('ResNet50_vd', 'ResNet_vd', 'ResNet', 4.35, 0.791),
      fp('ResNet18', 'ResNet', 'ResNet', 1.8, 0.71),
      fp('ResNet18_vd', 'ResNet_vd', 'ResNet', 2.07, 0.723),
      fp('ResNet101', 'ResNet', 'ResNet', 7.8, 0.776),
    ]
    const lines = familyLines(points)
    expect(lines.map((l) => l.family).sort()).toEqual(['ResNet', 'ResNet_vd'])
    for (const line of lines) {
      const members = points.filter((q) => q.family === line.family)
      expect(line.points).toHaveLength(members.length)
      expect([...line.points].sort()).toEqual(members.map((q) => [q.x, q.y]).sort())
    }
  })

  it('drops families with a single point', () => {
    const lines = familyLines([
      fp('a1', 'A', 'S', 1, 1),
      fp('b1', 'B', 'S', 2, 2),
      fp('a2', 'A', 'S', 3, 3),
      fp('c1', 'C', 'T', 4, 4),
    ])
    expect(lines.map((l) => l.family)).toEqual(['A'])
  })

  it.each([
    ['already sorted', [1, 2, 3, 4]],
    ['reversed', [4, 3, 2, 1]],
    ['shuffled', [3, 1, 4, 2]],
  ])('orders each line along x (%s input)', (_label, xs) => {
    const [line] = familyLines(xs.map((x) => fp(`m${x}`, 'F', 'S', x, 10 - x)))
    expect(line!.points).toEqual([1, 2, 3, 4].map((x) => [x, 10 - x]))
  })

  it('orders points of equal x by y, so the line does not double back', () => {
    const [line] = familyLines([fp('b', 'F', 'S', 1, 0.8), fp('a', 'F', 'S', 1, 0.7)])
    expect(line!.points).toEqual([
      [1, 0.7],
      [1, 0.8],
    ])
  })

  it('carries the series of its family, for the colour', () => {
    const lines = familyLines([
      fp('m1', 'MobileNetV3_large', 'MobileNetV3', 0.1, 0.6),
      fp('p1', 'PPLCNet', 'PP-LCNet', 0.02, 0.5),
      fp('m2', 'MobileNetV3_large', 'MobileNetV3', 0.2, 0.7),
      fp('p2', 'PPLCNet', 'PP-LCNet', 0.05, 0.6),
    ])
    expect(Object.fromEntries(lines.map((l) => [l.family, l.series]))).toEqual({
      MobileNetV3_large: 'MobileNetV3',
      PPLCNet: 'PP-LCNet',
    })
  })

  it('does not change the points it is given', () => {
    const points = [fp('b', 'F', 'S', 2, 2), fp('a', 'F', 'S', 1, 1)]
    const before = structuredClone(points)
    familyLines(points)
    expect(points).toEqual(before)
  })
})
