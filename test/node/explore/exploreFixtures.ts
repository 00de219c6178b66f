/**
 * Data for the Explore and Compare tests: hand-made rows and points where a test needs exact
 * numbers, and the real catalog (through a real core on real SQLite) where it needs the zoo.
 */
import type { CatalogModel } from '@shared/catalog/types'
import type { PlottedPoint } from '@shared/charts/chartModel'
import { catalogListInput, type ModelRow } from '@shared/contract'
import { openTestCore } from '../helpers/testCore'

/** A list row with no figures; `overrides` sets what a test needs. */
export function modelRow(id: string, overrides: Partial<ModelRow> = {}): ModelRow {
  return {
    id,
    displayName: id,
    series: 'S',
    family: 'F',
    section: 'cnn-server',
    pretraining: 'ImageNet-1k',
    distillation: null,
    inputSize: null,
    top1: null,
    top5: null,
    paramsM: null,
    flopsG: null,
    sizeMB: null,
    latencyMs: null,
    latencies: [],
    sourceLines: {},
    tables: [],
    downloads: { pretrained: null, inference: null },
    entryKind: 'zoo',
    hasLocalWeights: false,
    ...overrides,
  }
}

/** A plotted point at (x, y) of series `series`, neither on the frontier nor selected. */
export function plottedPoint(
  id: string,
  series: string,
  x: number,
  y: number,
  overrides: Partial<PlottedPoint> = {},
): PlottedPoint {
  return {
    id,
    name: id,
    series,
    family: series,
    group: series,
    x,
    y,
    onFrontier: false,
    withinBudget: true,
    selected: false,
    row: modelRow(id, { series, family: series }),
    ...overrides,
  }
}

export interface RealCatalog {
  rows: ModelRow[]
  seriesOrder: string[]
  /** Full catalog documents by id (what the Compare view gets from `catalog.get`). */
  models: Map<string, CatalogModel>
}

let loaded: RealCatalog | undefined

/**
 * The shipped catalog, read once per test file through a real core. Call it inside a test: the
 * core closes when that test finishes, and the rows (plain data) stay for the later ones.
 */
export function realCatalog(): RealCatalog {
  if (loaded) return loaded
  const { core } = openTestCore()
  const rows = core.catalog.list(catalogListInput.parse({})).rows
  loaded = {
    rows,
    seriesOrder: core.catalog.series().map((s) => s.id),
    models: new Map(rows.map((row) => [row.id, core.catalog.get(row.id).model])),
  }
  return loaded
}

/**
 * `count` rows made from the real ones, each copy with its own id and family and slightly moved
 * figures (like test/support/syntheticCatalog.ts, but in memory): thousands of points.
 */
export function manyRows(rows: readonly ModelRow[], count: number): ModelRow[] {
  const result: ModelRow[] = []
  for (let i = 0; result.length < count; i++) {
    const row = rows[i % rows.length]!
    const copy = Math.floor(i / rows.length)
    const factor = 1 + (((i * 7919) % 1000) - 500) / 5000
    const scaled = (value: number | null, cap = Infinity) =>
      value === null ? null : Math.min(cap, value * factor)
    result.push({
      ...row,
      id: copy === 0 ? row.id : `${row.id}~${copy}`,
      family: copy === 0 ? row.family : `${row.family}~${copy}`,
      top1: scaled(row.top1, 0.99),
      flopsG: scaled(row.flopsG),
      latencies: row.latencies.map((l) => ({ ...l, ms: l.ms * factor })),
    })
  }
  return result
}
