// Builds the app (electron-vite build) when out/ is missing or older than any source file.
// Used by `npm run serve`, `npm start`, and the test set-ups, so nobody runs a stale bundle.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outputs = [
  'out/main/index.js',
  'out/main/cli.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
]
const inputs = ['src', 'electron.vite.config.ts', 'package.json', 'tsconfig.base.json']

function newestMtime(path) {
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  let newest = info.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

export function isBuildCurrent() {
  const built = outputs.map((file) => join(root, file))
  if (!built.every((file) => existsSync(file))) return false
  const oldestOutput = Math.min(...built.map((file) => statSync(file).mtimeMs))
  const newestInput = Math.max(...inputs.map((path) => newestMtime(join(root, path))))
  return oldestOutput >= newestInput
}

export function ensureBuilt({ quiet = false } = {}) {
  if (isBuildCurrent()) return
  if (!quiet) console.log('Building Zoo Explorer (electron-vite build)…')
  const result = spawnSync(
    process.execPath,
    [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: root,
      stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    },
  )
  if (result.status !== 0) throw new Error('The build failed; see the messages above.')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) ensureBuilt()
