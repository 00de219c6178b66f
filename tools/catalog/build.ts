/**
 * `npm run catalog:build [-- --shared DIR]`: rebuilds resources/catalog/ from the PaddleClas
 * sources in ../shared. Fails (exit 1) on anything it cannot read.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { buildCatalog } from './buildCatalog'
import { catalogFiles } from './serialize'
import { readSources } from './sources'

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const catalogDir = join(projectRoot, 'resources', 'catalog')

const { values } = parseArgs({ options: { shared: { type: 'string' } } })
const sharedDir = resolve(values.shared ?? join(projectRoot, '..', 'shared'))

try {
  const built = buildCatalog(readSources(sharedDir))
  mkdirSync(catalogDir, { recursive: true })
  for (const [name, text] of Object.entries(catalogFiles(built.bundle, built.labels))) {
    writeFileSync(join(catalogDir, name), text)
  }
  const { meta } = built.bundle
  console.log(
    `Catalog ${meta.catalogVersion}: ${meta.modelCount} models in ${meta.seriesCount} series, ` +
      `${built.bundle.platforms.length} platforms, ${meta.outsideCount ?? 0} entries outside the zoo ` +
      `(${built.legacy.length} older-list links) → ${catalogDir}`,
  )
} catch (error) {
  console.error(`catalog:build failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
