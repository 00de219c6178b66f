// The end-to-end tests drive Debian's Chromium (Playwright's own browser download needs internet).
// Finds it, or installs it with apt-get when running as root, or says how to.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']
  return candidates.find((path) => path && existsSync(path)) ?? null
}

function aptInstall() {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0
  return run(['update']) && run(['install', '-y', '--no-install-recommends', 'chromium'])
}

if (!chromiumPath()) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0
  if (root && existsSync('/usr/bin/apt-get')) {
    console.log('Chromium not found: installing Debian’s chromium package with apt-get…')
    if (!aptInstall() || !chromiumPath()) {
      console.error(
        'Installing chromium failed. Install it yourself: sudo apt-get install chromium',
      )
      process.exit(1)
    }
  } else {
    console.error(
      'The end-to-end tests need Chromium. Install it (sudo apt-get install chromium) or set CHROMIUM_PATH.',
    )
    process.exit(1)
  }
}
