/** Where the importer reads from, inside the shared reference folder. */
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export interface CatalogSources {
  modelList: { document: string; text: string }
  englishOverview: { document: string; text: string }
  olderLists: { document: string; text: string }[]
  survey: { document: string; text: string }
  configsRoot: string
  deployConfig: string
  labels: { document: string; text: string }
}

export const MODEL_LIST = 'reference/paddleclas/docs/model_list.zh_CN.md'
export const ENGLISH_OVERVIEW = 'reference/paddleclas/docs/ImageNet_models.en.md'
export const CONFIGS = 'reference/paddleclas/configs/ImageNet'
export const DEPLOY_CONFIG = 'reference/paddleclas/inference_cls.yaml'
export const LABELS = 'reference/paddleclas/imagenet1k_label_list.txt'

export function readSources(sharedDir: string): CatalogSources {
  const doc = (document: string) => ({
    document,
    text: readFileSync(join(sharedDir, document), 'utf8'),
  })
  const seeds = readdirSync(join(sharedDir, 'seeds')).sort()
  const seed = (prefix: string) => {
    const file = seeds.find((name) => name.startsWith(prefix))
    if (!file) throw new Error(`seed ${prefix} is missing from ${join(sharedDir, 'seeds')}`)
    return doc(`seeds/${file}`)
  }
  return {
    modelList: doc(MODEL_LIST),
    englishOverview: doc(ENGLISH_OVERVIEW),
    olderLists: [seed('001'), seed('002'), seed('003')],
    survey: seed('004'),
    configsRoot: join(sharedDir, CONFIGS),
    deployConfig: join(sharedDir, DEPLOY_CONFIG),
    labels: doc(LABELS),
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
