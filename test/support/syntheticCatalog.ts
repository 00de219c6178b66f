/**
 * A catalog of any size made from the shipped one, for testing that charts and tables stay fast
 * with thousands of models: each copy of a model gets its own id and family and jittered figures.
 * Written as a resources folder that `ZOO_RESOURCES_DIR` points the app at.
 */
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CatalogBundle, CatalogModel, Figure } from '../../src/shared/catalog/types'

const projectRoot = join(import.meta.dirname, '..', '..')
const shipped = join(projectRoot, 'resources', 'catalog')

const read = <T>(name: string) => JSON.parse(readFileSync(join(shipped, name), 'utf8')) as T

function jittered(figure: Figure | null, factor: number, cap = Infinity): Figure | null {
  return figure
    ? { ...figure, value: Math.min(cap, Number((figure.value * factor).toPrecision(6))) }
    : null
}

export function writeSyntheticResources(dir: string, count: number): string {
  const models = read<CatalogModel[]>('models.json')
  const synthetic: CatalogModel[] = []
  for (let i = 0; synthetic.length < count; i++) {
    const model = models[i % models.length]!
    const copy = Math.floor(i / models.length)
    // A fixed pseudo-random spread of ±10 %, the same in every run.
    const factor = 1 + (((i * 7919) % 1000) - 500) / 5000
    synthetic.push({
      ...model,
      id: copy === 0 ? model.id : `${model.id}~${copy}`,
      family: copy === 0 ? model.family : `${model.family}~${copy}`,
      top1: jittered(model.top1, factor, 0.99),
      top5: jittered(model.top5, factor, 0.999),
      flopsG: jittered(model.flopsG, factor),
      paramsM: jittered(model.paramsM, factor),
      latencies: model.latencies.map((l) => ({ ...l, ms: Number((l.ms * factor).toPrecision(6)) })),
    })
  }
  const meta = read<CatalogBundle['meta']>('meta.json')
  const out = join(dir, 'catalog')
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, 'models.json'), JSON.stringify(synthetic))
  writeFileSync(
    join(out, 'meta.json'),
    JSON.stringify({
      ...meta,
      catalogVersion: `synthetic-${count}-${meta.catalogVersion}`,
      modelCount: count,
    }),
  )
  for (const name of ['platforms.json', 'series.json', 'imagenet1k-labels.json']) {
    copyFileSync(join(shipped, name), join(out, name))
  }
  return dir
}
