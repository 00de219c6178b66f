/**
 * The committed catalog (resources/catalog/*.json) must be exactly what the importer builds from
 * ../shared today: a change to the sources or the importer needs `npm run catalog:build`.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { catalogFiles } from '../../../tools/catalog/serialize'
import { projectRoot } from '../helpers/paths'
import { hasShared, realCatalog } from './sharedFixtures'

const catalogDir = join(projectRoot, 'resources', 'catalog')
const FIX = 'run npm run catalog:build and commit resources/catalog/'

/** Where two texts first differ, as "line N: committed … / built …". */
function firstDifference(committed: string, built: string): string {
  const a = committed.split('\n')
  const b = built.split('\n')
  const index = a.findIndex((line, i) => line !== b[i])
  const at = index === -1 ? a.length : index
  const show = (line: string | undefined) => JSON.stringify((line ?? '<end of file>').slice(0, 120))
  return `line ${at + 1}: committed ${show(a[at])}, built ${show(b[at])}`
}

describe.skipIf(!hasShared)('the committed catalog', () => {
  const files = hasShared
    ? (() => {
        const { bundle, labels } = realCatalog()
        return catalogFiles(bundle, labels)
      })()
    : {}

  it('holds exactly the files the importer writes', () => {
    const committed = readdirSync(catalogDir)
      .filter((name) => name.endsWith('.json'))
      .sort()
    expect(committed, `resources/catalog/ has other files than a build writes: ${FIX}`).toEqual(
      Object.keys(files).sort(),
    )
  })

  it.each(Object.keys(files))('%s matches a fresh build byte for byte', (name) => {
    const path = join(catalogDir, name)
    const built = files[name]!
    expect(existsSync(path), `resources/catalog/${name} is missing: ${FIX}`).toBe(true)
    const committed = readFileSync(path, 'utf8')
    const same = committed === built
    expect(
      same,
      same
        ? ''
        : `resources/catalog/${name} is stale (${firstDifference(committed, built)}): ${FIX}`,
    ).toBe(true)
  })
})
