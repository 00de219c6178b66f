/** Preprocessing plans of real catalog entries, read from the committed catalog (resources/). */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CatalogModel } from '../../../../src/shared/catalog/types'
import {
  planFromCatalog,
  type PreprocessPlan,
} from '../../../../src/main/inference/preprocess/preprocessPlan'
import { projectRoot } from '../../helpers/paths'

let models: CatalogModel[] | undefined

export function catalogModel(id: string): CatalogModel {
  models ??= JSON.parse(
    readFileSync(join(projectRoot, 'resources', 'catalog', 'models.json'), 'utf8'),
  ) as CatalogModel[]
  const model = models.find((m) => m.id === id)
  if (!model) throw new Error(`resources/catalog/models.json has no model ${id}`)
  return model
}

export function catalogPlan(id: string): PreprocessPlan {
  const { preprocess } = catalogModel(id)
  if (!preprocess) throw new Error(`${id} has no preprocessing in the catalog`)
  return planFromCatalog(preprocess)
}

/** The ImageNet labels the app ships (resources/catalog/imagenet1k-labels.json). */
export function shippedLabels(): string[] {
  return JSON.parse(
    readFileSync(join(projectRoot, 'resources', 'catalog', 'imagenet1k-labels.json'), 'utf8'),
  ) as string[]
}
