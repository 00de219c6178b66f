// `npm run serve`: builds if needed, then runs `zoo serve` (browser mode) with the given options.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { ensureBuilt, root } from './ensure-built.js'

ensureBuilt()
const child = spawn(
  process.execPath,
  [join(root, 'bin', 'zoo.js'), 'serve', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
)
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code) => process.exit(code ?? 0))
