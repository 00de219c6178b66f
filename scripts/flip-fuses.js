// Writes Zoo Explorer's fuses (electron-fuses.js) into an Electron binary, in place: finds the
// fuse wire by its sentinel, checks its version and length, and rewrites only the state bytes.
// `npm start` runs it on the runtime `node node_modules/electron/install.js` fetched; by hand:
// `node scripts/flip-fuses.js [path/to/electron]` sets the fuses and prints them.
//
// Facts beyond the wire format (see electron-fuses.js): on macOS the wire is in the framework
// inside the bundle, not in Contents/MacOS/Electron; a universal macOS binary holds one wire per
// architecture; and a changed Mach-O must be signed again (ad hoc) or Apple silicon will not run
// it (Electron's fuses tutorial and the @electron/fuses README).
import { spawnSync } from 'node:child_process'
import { open } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { FUSE_SENTINEL, FUSE_WIRE_VERSION, fuses, plannedWire } from './electron-fuses.js'

const SENTINEL = Buffer.from(FUSE_SENTINEL, 'latin1')
/** The binary is 150–250 MB: read in pieces rather than whole. */
const CHUNK_BYTES = 8 * 1024 * 1024

/** The file that holds the fuse wire: on macOS the framework inside the app bundle. */
export function fuseFileOf(binary) {
  const bundle = /^(.*?\.app)[\\/]Contents[\\/]MacOS[\\/][^\\/]+$/.exec(binary)
  return bundle
    ? join(
        bundle[1],
        'Contents',
        'Frameworks',
        'Electron Framework.framework',
        'Electron Framework',
      )
    : binary
}

async function findSentinels(handle, chunkBytes) {
  const { size } = await handle.stat()
  // Each read runs one sentinel length short of a byte into the next piece, so a sentinel that
  // straddles two pieces is found, and (starting before the piece ends) found once.
  const overlap = SENTINEL.length - 1
  const buffer = Buffer.alloc(chunkBytes + overlap)
  const found = []
  for (let start = 0; start < size; start += chunkBytes) {
    const length = Math.min(chunkBytes + overlap, size - start)
    const { bytesRead } = await handle.read(buffer, 0, length, start)
    const piece = buffer.subarray(0, bytesRead)
    for (let at = piece.indexOf(SENTINEL); at !== -1; at = piece.indexOf(SENTINEL, at + 1)) {
      found.push(start + at)
    }
  }
  return found
}

/** The fuse wires of `file`: where each one's states start, its version, and its states. */
export async function readFuseWires(file, { chunkBytes = CHUNK_BYTES } = {}) {
  const handle = await open(file, 'r')
  try {
    const sentinels = await findSentinels(handle, chunkBytes)
    if (sentinels.length === 0) {
      throw new Error(
        `${file} has no fuse wire (no sentinel): it is not an Electron binary, or one older than Electron 12`,
      )
    }
    if (sentinels.length > 2) {
      throw new Error(
        `${file} has ${sentinels.length} fuse sentinels where at most 2 are expected (one per architecture of a universal macOS binary)`,
      )
    }
    const wires = []
    for (const sentinel of sentinels) {
      const header = sentinel + SENTINEL.length
      const bytes = Buffer.alloc(2 + 255)
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, header)
      const [version, length] = [bytes[0], bytes[1]]
      if (bytesRead < 2 || bytesRead < 2 + length) {
        throw new Error(`${file} ends inside its fuse wire (at byte ${header}): a truncated binary`)
      }
      wires.push({ position: header + 2, version, states: bytes.toString('latin1', 2, 2 + length) })
    }
    return wires
  } finally {
    await handle.close()
  }
}

/**
 * Sets the fuses of `file` to `plan(current states)` (by default the table's). Every wire is read
 * and checked before any is written, so a refusal (unknown version, a wire too short) leaves the
 * file untouched; nothing is written when the fuses are already set.
 */
export async function flipFuses(file, { plan = plannedWire, chunkBytes = CHUNK_BYTES } = {}) {
  const wires = await readFuseWires(file, { chunkBytes })
  const writes = []
  for (const wire of wires) {
    if (wire.version !== FUSE_WIRE_VERSION) {
      throw new Error(
        `${file} has fuse wire version ${wire.version}; this script knows version ${FUSE_WIRE_VERSION} only: update scripts/electron-fuses.js`,
      )
    }
    const next = plan(wire.states)
    if (next.length !== wire.states.length) throw new Error('a fuse plan must keep the wire length')
    if (next !== wire.states) writes.push({ position: wire.position, states: next })
  }
  if (writes.length) {
    // Opened for writing only when needed: a running Electron's binary cannot be (ETXTBSY).
    const handle = await open(file, 'r+')
    try {
      for (const { position, states } of writes) {
        await handle.write(Buffer.from(states, 'latin1'), 0, states.length, position)
      }
    } finally {
      await handle.close()
    }
  }
  return { wires: wires.length, changed: writes.length > 0, states: plan(wires[0].states) }
}

/** Sets the fuses of the Electron runtime at `binary` (what `require('electron')` names). */
export async function hardenElectronBinary(binary) {
  const result = await flipFuses(fuseFileOf(binary))
  const bundle = /^(.*?\.app)[\\/]/.exec(binary)?.[1]
  if (result.changed && process.platform === 'darwin' && bundle) {
    const signed = spawnSync(
      'codesign',
      [
        '--sign',
        '-',
        '--force',
        '--preserve-metadata=entitlements,requirements,flags,runtime',
        '--deep',
        bundle,
      ],
      { encoding: 'utf8' },
    )
    if (signed.status !== 0) {
      throw new Error(`the fuses are set, but signing ${bundle} again failed: ${signed.stderr}`)
    }
  }
  return result
}

/** "RunAsNode off, EnableCookieEncryption on, …" for a wire's states. */
export function describeFuses(states) {
  return [...states]
    .map((state, index) => {
      const name = fuses[index]?.name ?? `fuse ${index}`
      return `${name} ${state === '1' ? 'on' : state === '0' ? 'off' : 'removed'}`
    })
    .join(', ')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const binary = process.argv[2] ?? createRequire(import.meta.url)('electron')
    const { changed, states } = await hardenElectronBinary(binary)
    console.log(`${changed ? 'Set' : 'Already set'}: ${describeFuses(states)}.`)
  } catch (error) {
    console.error(`flip-fuses: ${error.message}`)
    process.exitCode = 1
  }
}
