import type { CatalogModel } from '../../shared/catalog/types'
import type { ModelRow } from '../../shared/contract'

export type BaseRow = Omit<ModelRow, 'latencyMs' | 'hasLocalWeights'>

/** The part of a list row that no query changes, derived once when the catalog is loaded. */
export function baseRowOf(model: CatalogModel): BaseRow {
  const lines: BaseRow['sourceLines'] = {}
  for (const field of ['top1', 'top5', 'paramsM', 'flopsG', 'sizeMB'] as const) {
    const figure = model[field]
    if (figure) lines[field] = figure.source.line
  }
  return {
    id: model.id,
    displayName: model.displayName,
    series: model.series,
    family: model.family,
    section: model.section,
    pretraining: model.pretraining,
    distillation: model.distillation,
    inputSize: model.inputSize,
    top1: model.top1?.value ?? null,
    top5: model.top5?.value ?? null,
    paramsM: model.paramsM?.value ?? null,
    flopsG: model.flopsG?.value ?? null,
    sizeMB: model.sizeMB?.value ?? null,
    latencies: model.latencies.map(({ platform, batchSize, threads, ms, source }) => ({
      platform,
      batchSize,
      threads,
      ms,
      line: source.line,
    })),
    sourceLines: lines,
    tables: model.rows.map(({ section, line }) => ({ section, line })),
    downloads: { pretrained: model.downloads.pretrained, inference: model.downloads.inference },
    entryKind: model.entryKind ?? 'zoo',
  }
}
