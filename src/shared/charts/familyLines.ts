/** Lines joining the sizes of one model family, as PaddleClas's overview charts draw them. */
export interface FamilyPoint {
  id: string
  family: string
  series: string
  x: number
  y: number
}

export interface FamilyLine {
  family: string
  series: string
  points: [number, number][]
}

/** One polyline per family with two or more points, ordered along x. */
export function familyLines(points: readonly FamilyPoint[]): FamilyLine[] {
  const groups = new Map<string, FamilyPoint[]>()
  for (const point of points) {
    const group = groups.get(point.family)
    if (group) group.push(point)
    else groups.set(point.family, [point])
  }
  const lines: FamilyLine[] = []
  for (const [family, group] of groups) {
    if (group.length < 2) continue
    const sorted = [...group].sort((a, b) => a.x - b.x || a.y - b.y)
    lines.push({ family, series: sorted[0]!.series, points: sorted.map((p) => [p.x, p.y]) })
  }
  return lines
}
