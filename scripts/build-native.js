// Builds the native fast path (native/jpeg: libjpeg-turbo decoding and the exact resize) with
// node-gyp. It is optional: when it cannot be built (no C compiler, no libjpeg-turbo headers,
// another platform) the app decodes with sharp and resizes in TypeScript, the same pixels more
// slowly, so this says why and what to install, and never fails the install.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { npmNodeGyp } from './npm-node-gyp.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const addon = join(root, 'native', 'jpeg')

/** node-gyp: on PATH inside npm scripts, else the copy npm ships with. */
function nodeGyp() {
  const onPath = spawnSync('node-gyp', ['--version'], { stdio: 'ignore' })
  if (onPath.status === 0) return ['node-gyp', []]
  if (existsSync(npmNodeGyp)) return [process.execPath, [npmNodeGyp]]
  return null
}

function explain(reason) {
  console.warn(
    `Zoo Explorer: the native JPEG fast path was not built (${reason}).\n` +
      '  Everything works without it; batch jobs decode about twice as slowly.\n' +
      '  To build it: sudo apt-get install libjpeg62-turbo-dev (or libjpeg-turbo8-dev), then npm run build:native',
  )
}

if (process.platform !== 'linux') {
  explain(`written for Linux, this is ${process.platform}`)
} else {
  const gyp = nodeGyp()
  if (!gyp) explain('node-gyp is not found')
  else {
    const [command, prefix] = gyp
    const result = spawnSync(command, [...prefix, 'rebuild', '--loglevel=warn'], {
      cwd: addon,
      encoding: 'utf8',
    })
    if (result.status === 0) console.log('Built the native JPEG fast path (native/jpeg).')
    else {
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}`
      const missingHeader = /jpeglib\.h/.test(output)
      explain(
        missingHeader
          ? 'libjpeg-turbo headers (jpeglib.h) are missing'
          : (result.error?.message ?? output.trim().split('\n').slice(-3).join(' | ')),
      )
    }
  }
}
