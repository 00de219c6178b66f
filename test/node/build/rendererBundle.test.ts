import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectRoot } from '../helpers/paths'

const assets = join(projectRoot, 'out', 'renderer', 'assets')
const scripts = () =>
  readdirSync(assets)
    .filter((name) => name.endsWith('.js'))
    .map((name) => ({ name, text: readFileSync(join(assets, name), 'utf8') }))

describe('the built renderer', () => {
  // Every zod schema carries its internals under `_zod`, a property name minifiers keep.
  it('carries no validation library: the API schemas stay on the main side', () => {
    const withZod = scripts()
      .filter((script) => script.text.includes('_zod'))
      .map((script) => script.name)
    expect(withZod).toEqual([])
  })

  it('looks for a marker zod really has (so the check above can fail)', () => {
    const core = readFileSync(
      join(projectRoot, 'node_modules', 'zod', 'v4', 'core', 'core.js'),
      'utf8',
    )
    expect(core).toContain('_zod')
  })
})
