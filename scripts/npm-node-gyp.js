// The node-gyp that npm ships with, for scripts run outside npm's own lifecycle (where npm puts
// node-gyp on PATH).
import { dirname, join } from 'node:path'

export const npmNodeGyp = join(
  dirname(process.execPath),
  '..',
  'lib',
  'node_modules',
  'npm',
  'node_modules',
  'node-gyp',
  'bin',
  'node-gyp.js',
)
