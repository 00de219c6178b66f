// `npm start` / `npm run dev`: the Electron window when Electron can run here, else browser mode,
// said in one line. Options after `--` go to the app (e.g. `npm start -- --data-dir /tmp/zoo`).
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { ensureBuilt, root } from './ensure-built.js'
import { describeFuses, hardenElectronBinary } from './flip-fuses.js'
import {
  buildElectronSqlite,
  electronSqliteBinding,
  fetchElectron,
  findElectron,
  hasDisplay,
} from './electron-runtime.js'

const args = process.argv.slice(2)
const dev = args.includes('--dev')
const appArgs = args.filter((arg) => arg !== '--dev')
const interactive = process.stdin.isTTY && process.stdout.isTTY && !process.env.CI

async function ask(question) {
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  const timer = setTimeout(() => rl.close(), 20_000)
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim())
  } catch {
    return false
  } finally {
    clearTimeout(timer)
    rl.close()
  }
}

/** The Electron binary when the desktop window can open here, else the reason it cannot. */
async function electronOrBlocker() {
  let { binary, reason } = findElectron()
  const canShow = hasDisplay()
  if (
    !binary &&
    canShow &&
    interactive &&
    (await ask(`${reason}. Download it now (needs internet)? [y/N] `))
  ) {
    if (fetchElectron()) ({ binary, reason } = findElectron())
  }
  if (!binary)
    return `${reason} (\`node node_modules/electron/install.js\` fetches it where there is internet)`
  if (!canShow) return 'there is no display to open a window on (no DISPLAY or WAYLAND_DISPLAY)'
  if (!existsSync(electronSqliteBinding) && !buildElectronSqlite()) {
    return 'better-sqlite3 could not be built for Electron (its headers need internet once)'
  }
  return { binary }
}

function startBrowserMode(reason) {
  console.log(`Electron is not available: ${reason}. Starting browser mode instead.`)
  ensureBuilt()
  const child = spawn(process.execPath, [join(root, 'bin', 'zoo.js'), 'serve', ...appArgs], {
    stdio: 'inherit',
  })
  forwardSignals(child)
}

function startElectron(binary) {
  if (!dev) ensureBuilt()
  const startedAt = Date.now()
  const child = dev
    ? spawn(
        process.execPath,
        [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'dev', '--', ...appArgs],
        {
          stdio: 'inherit',
          cwd: root,
        },
      )
    : spawn(binary, [root, ...appArgs], { stdio: 'inherit', cwd: root })
  forwardSignals(child, (code) => {
    // A window that dies at once (missing libraries, GPU trouble) still leaves the user an app.
    if (code !== 0 && Date.now() - startedAt < 5_000)
      startBrowserMode(`Electron exited at start with code ${code}`)
    else process.exit(code ?? 0)
  })
}

function forwardSignals(child, onExit = (code) => process.exit(code ?? 0)) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', onExit)
}

/**
 * Sets the runtime's fuses (scripts/electron-fuses.js) before it first runs, and again after a
 * fresh download replaced it. A runtime whose fuses cannot be set still starts, with a warning:
 * the app does not rely on them, they only take powers away from an attacker.
 */
async function hardenRuntime(binary) {
  try {
    const { changed, states } = await hardenElectronBinary(binary)
    if (changed) console.log(`Set the Electron runtime's fuses: ${describeFuses(states)}.`)
  } catch (error) {
    console.warn(`Could not set the Electron runtime's fuses (${error.message}); starting anyway.`)
  }
}

const electron = await electronOrBlocker()
if (typeof electron === 'string') startBrowserMode(electron)
else {
  await hardenRuntime(electron.binary)
  startElectron(electron.binary)
}
