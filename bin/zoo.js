#!/usr/bin/env node
// Starts the bundled CLI. The bundle is made by `npm run build` (which `npm install` runs too).
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'main', 'cli.js')
if (!existsSync(entry)) {
  console.error(
    'zoo: the app is not built yet (no out/main/cli.js). Run `npm run build` in the project folder.',
  )
  process.exit(1)
}
await import(pathToFileURL(entry).href)
