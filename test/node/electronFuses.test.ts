/**
 * The Electron runtime's fuses: the table (which fuses, in Electron's wire order, set how) is pure
 * and checked here; the flipper runs on synthetic "binaries" built here from the documented wire
 * format (sentinel, version byte, length byte, one '0'/'1'/'r' byte per fuse). A real Electron
 * binary cannot be downloaded on this machine.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  FUSE_SENTINEL,
  FUSE_WIRE_VERSION,
  fuses,
  plannedWire,
} from '../../scripts/electron-fuses.js'
import { describeFuses, flipFuses, fuseFileOf, readFuseWires } from '../../scripts/flip-fuses.js'
import { tempDirForTest } from './helpers/tempDir'

/** What Electron 41 ships: RunAsNode, NODE_OPTIONS, --inspect, file:// privileges, wasm traps on. */
const SHIPPED = '101100011'
const OURS = '010000001'

function wire(states: string, version = 1, length = states.length): Buffer {
  return Buffer.concat([
    Buffer.from(FUSE_SENTINEL, 'latin1'),
    Buffer.from([version, length]),
    Buffer.from(states, 'latin1'),
  ])
}

/** A file of random bytes with `parts` at the given offsets. */
function binary(size: number, parts: [number, Buffer][]): string {
  const bytes = randomBytes(size)
  for (const [offset, part] of parts) part.copy(bytes, offset)
  const file = join(tempDirForTest('zoo-fuses'), 'electron')
  writeFileSync(file, bytes)
  return file
}

/** The file's bytes with the state bytes at `position` taken out, to compare what else changed. */
function without(file: string, position: number, length: number): Buffer {
  const bytes = readFileSync(file)
  return Buffer.concat([bytes.subarray(0, position), bytes.subarray(position + length)])
}

describe('the fuse table', () => {
  it("lists version 1's fuses in Electron's wire order", () => {
    expect(FUSE_WIRE_VERSION).toBe(1)
    expect(FUSE_SENTINEL).toBe('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX')
    expect(fuses.map((fuse) => fuse.name)).toEqual([
      'RunAsNode',
      'EnableCookieEncryption',
      'EnableNodeOptionsEnvironmentVariable',
      'EnableNodeCliInspectArguments',
      'EnableEmbeddedAsarIntegrityValidation',
      'OnlyLoadAppFromAsar',
      'LoadBrowserProcessSpecificV8Snapshot',
      'GrantFileProtocolExtraPrivileges',
      'WasmTrapHandlers',
    ])
  })

  it.each<[string, '0' | '1' | null]>([
    ['RunAsNode', '0'],
    ['EnableCookieEncryption', '1'],
    ['EnableNodeOptionsEnvironmentVariable', '0'],
    ['EnableNodeCliInspectArguments', '0'],
    ['EnableEmbeddedAsarIntegrityValidation', '0'],
    ['OnlyLoadAppFromAsar', '0'],
    ['LoadBrowserProcessSpecificV8Snapshot', '0'],
    ['GrantFileProtocolExtraPrivileges', '0'],
    ['WasmTrapHandlers', null],
  ])('sets %s to %j, and says why', (name, want) => {
    const fuse = fuses.find((f) => f.name === name)!
    expect(fuse.want).toBe(want)
    expect(fuse.why.length).toBeGreaterThan(20)
  })

  it.each([
    ['what Electron ships', SHIPPED, OURS],
    ['already ours', OURS, OURS],
    ['everything on', '111111111', '010000001'],
    ['everything off', '000000000', '010000000'],
    ['a removed fuse, left removed', '1r1100011', '0r0000001'],
    ['fuses newer than the table, left as they are', `${SHIPPED}10r`, `${OURS}10r`],
  ])('plans the wire over %s', (_label, current, planned) => {
    expect(plannedWire(current)).toBe(planned)
  })

  it.each([
    [
      'a wire too short for the fuses it needs',
      '1011000',
      /too few for GrantFileProtocolExtraPrivileges/,
    ],
    ['an empty wire', '', /0 fuses, too few for RunAsNode/],
    ['a state byte it does not know', '10110x011', /unknown state "x"/],
  ])('refuses %s', (_label, current, message) => {
    expect(() => plannedWire(current)).toThrow(message)
  })

  it('needs no fuse beyond the last it sets (WasmTrapHandlers is left alone)', () => {
    expect(plannedWire(SHIPPED.slice(0, 8))).toBe(OURS.slice(0, 8))
  })
})

describe('flipFuses on a synthetic binary', () => {
  it('rewrites the state bytes, and nothing else', async () => {
    const file = binary(64 * 1024, [[40_000, wire(SHIPPED)]])
    const position = 40_000 + FUSE_SENTINEL.length + 2
    const before = without(file, position, SHIPPED.length)

    expect(await flipFuses(file)).toEqual({ wires: 1, changed: true, states: OURS })
    expect(readFileSync(file).toString('latin1', position, position + 9)).toBe(OURS)
    expect(without(file, position, SHIPPED.length).equals(before)).toBe(true)
    expect(await readFuseWires(file)).toEqual([{ position, version: 1, states: OURS }])
  })

  it('writes nothing when the fuses are already set', async () => {
    const file = binary(4096, [[100, wire(OURS)]])
    const past = new Date(Date.now() - 3_600_000)
    utimesSync(file, past, past)
    const before = { bytes: readFileSync(file), mtimeMs: statSync(file).mtimeMs }
    expect(await flipFuses(file)).toEqual({ wires: 1, changed: false, states: OURS })
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs)
    expect(readFileSync(file).equals(before.bytes)).toBe(true)
  })

  it('finds a wire that straddles two of the pieces it reads', async () => {
    const chunkBytes = 1024
    for (const offset of [1024 - 10, 1024 - 1, 1024 - FUSE_SENTINEL.length + 1, 1024, 2048 - 33]) {
      const file = binary(4096, [[offset, wire(SHIPPED)]])
      expect(await flipFuses(file, { chunkBytes })).toMatchObject({ wires: 1, changed: true })
      expect(readFileSync(file).includes(wire(OURS))).toBe(true)
    }
  })

  it('sets both wires of a universal macOS binary', async () => {
    const file = binary(8192, [
      [500, wire(SHIPPED)],
      [6000, wire(SHIPPED)],
    ])
    expect(await flipFuses(file)).toMatchObject({ wires: 2, changed: true })
    const wires = await readFuseWires(file)
    expect(wires.map((w) => w.states)).toEqual([OURS, OURS])
  })

  it.each<[string, [number, Buffer][], RegExp]>([
    ['no sentinel', [], /no fuse wire \(no sentinel\)/],
    ['an unknown wire version', [[100, wire(SHIPPED, 2)]], /fuse wire version 2; .*version 1 only/],
    ['a wire too short', [[100, wire('1011')]], /4 fuses, too few/],
    ['an unknown state', [[100, wire('1011000?1')]], /unknown state "\?"/],
    [
      'three sentinels',
      [
        [100, wire(SHIPPED)],
        [1000, wire(SHIPPED)],
        [2000, wire(SHIPPED)],
      ],
      /3 fuse sentinels/,
    ],
    [
      'one good wire and one of an unknown version',
      [
        [100, wire(SHIPPED)],
        [2000, wire(SHIPPED, 7)],
      ],
      /version 7/,
    ],
  ])('refuses a file with %s, leaving it untouched', async (_label, parts, message) => {
    const file = binary(4096, parts)
    const before = readFileSync(file)
    await expect(flipFuses(file)).rejects.toThrow(message)
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it('refuses a file that ends inside its fuse wire', async () => {
    const file = join(tempDirForTest('zoo-fuses'), 'electron')
    writeFileSync(file, Buffer.concat([randomBytes(100), wire(SHIPPED).subarray(0, -3)]))
    const before = readFileSync(file)
    await expect(flipFuses(file)).rejects.toThrow(/ends inside its fuse wire/)
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it('a plan that changes the wire length is refused', async () => {
    const file = binary(4096, [[100, wire(SHIPPED)]])
    await expect(flipFuses(file, { plan: (s) => `${s}1` })).rejects.toThrow(/wire length/)
  })
})

describe('where the wire lives, and how it is printed', () => {
  it.each([
    ['/p/node_modules/electron/dist/electron', '/p/node_modules/electron/dist/electron'],
    ['C:\\p\\electron\\dist\\electron.exe', 'C:\\p\\electron\\dist\\electron.exe'],
    [
      '/p/node_modules/electron/dist/Electron.app/Contents/MacOS/Electron',
      '/p/node_modules/electron/dist/Electron.app/Contents/Frameworks/Electron Framework.framework/Electron Framework',
    ],
  ])('%s → %s', (binaryPath, fuseFile) => {
    expect(fuseFileOf(binaryPath)).toBe(fuseFile)
  })

  it('names each fuse and its state', () => {
    expect(describeFuses('01r')).toBe(
      'RunAsNode off, EnableCookieEncryption on, EnableNodeOptionsEnvironmentVariable removed',
    )
  })
})
