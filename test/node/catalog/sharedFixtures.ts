/**
 * The real PaddleClas sources in ../shared, for the catalog tests that read them. The folder is
 * optional: when it is absent those tests skip (`describe.skipIf(!hasShared)`) with the reason
 * printed once per test file.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { CatalogModel } from '../../../src/shared/catalog/types'
import { buildCatalog, type BuiltCatalog } from '../../../tools/catalog/buildCatalog'
import { CONFIGS, MODEL_LIST, readSources } from '../../../tools/catalog/sources'
import { projectRoot } from '../helpers/paths'

export const sharedDir = join(projectRoot, '..', 'shared')
export const hasShared = existsSync(sharedDir)

if (!hasShared) {
  console.warn(
    `skipping the catalog tests that read the PaddleClas sources: ${sharedDir} is absent ` +
      '(../shared is not part of a clone; the synthetic tests still run)',
  )
}

let built: BuiltCatalog | undefined

/** The catalog built in memory from ../shared, once per test file. */
export function realCatalog(): BuiltCatalog {
  built ??= buildCatalog(readSources(sharedDir))
  return built
}

export function realModel(id: string): CatalogModel {
  const model = realCatalog().bundle.models.find((m) => m.id === id)
  if (!model) throw new Error(`the built catalog has no model ${id}`)
  return model
}

/** A file of ../shared as text (path relative to ../shared). */
export function sharedText(relativePath: string): string {
  return readFileSync(join(sharedDir, relativePath), 'utf8')
}

export function modelListText(): string {
  return sharedText(MODEL_LIST)
}

/** The seed whose file name starts with `prefix` ("003"): its path relative to ../shared. */
export function seedPath(prefix: string): string {
  const file = readdirSync(join(sharedDir, 'seeds')).find((name) => name.startsWith(prefix))
  if (!file) throw new Error(`no seed ${prefix} in ${join(sharedDir, 'seeds')}`)
  return `seeds/${file}`
}

/** Config file names (without .yaml) under the PaddleClas ImageNet configs, found by walking. */
export function configNames(): Set<string> {
  const names = new Set<string>()
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry)
      if (statSync(path).isDirectory()) walk(path)
      else if (entry.endsWith('.yaml')) names.add(entry.slice(0, -'.yaml'.length))
    }
  }
  walk(join(sharedDir, CONFIGS))
  return names
}
