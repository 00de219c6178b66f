import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The folder holding shipped data (catalog, labels). Bundled code runs from out/main/, sources
 * under test from src/main/app/; both find the project's resources/ folder.
 */
export function resolveResourcesDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ZOO_RESOURCES_DIR) return resolve(env.ZOO_RESOURCES_DIR)
  const here = dirname(fileURLToPath(import.meta.url))
  const candidates = [
    join(here, '..', '..', 'resources'),
    join(here, '..', '..', '..', 'resources'),
  ]
  return candidates.find((dir) => existsSync(join(dir, 'catalog', 'meta.json'))) ?? candidates[0]!
}
