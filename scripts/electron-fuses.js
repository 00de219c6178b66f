// Which Electron fuses Zoo Explorer's runtime has, and why: a pure table and the wire it makes.
// Fuses are bytes in the Electron binary that switch features off for good (they cannot be turned
// back on from JavaScript, or by an attacker's environment variables).
//
// Facts used (Electron's docs/tutorial/fuses.md, "The hard way"; build/fuses/fuses.json5; the
// option order of @electron/fuses' FuseV1Options): somewhere in the binary is the sentinel
// "dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX", then one byte, the fuse schema version (1), then one byte,
// the number N of fuses, then N bytes, one per fuse: "0" off, "1" on, "r" removed (writing it
// has no effect). Version 1 numbers its fuses in the order of the table below.

export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
export const FUSE_WIRE_VERSION = 1

/**
 * Version 1's fuses in wire order. `want`: '0' or '1' to write, null to leave as Electron ships
 * it. The asar fuses stay off: the app runs from its folder (`electron <project folder>`) and is
 * not packaged into an app.asar, so OnlyLoadAppFromAsar would find no app to load and asar
 * integrity validation would check an archive that does not exist.
 */
export const fuses = [
  {
    name: 'RunAsNode',
    want: '0',
    why: 'ELECTRON_RUN_AS_NODE would turn the app binary into a plain Node interpreter; the model hosts run as utility processes and nothing else needs it',
  },
  {
    name: 'EnableCookieEncryption',
    want: '1',
    why: 'cookies on disk encrypted with the OS key store, as Chrome does (one-way: never turn it back off)',
  },
  {
    name: 'EnableNodeOptionsEnvironmentVariable',
    want: '0',
    why: 'NODE_OPTIONS from the environment could inject code into the main process',
  },
  {
    name: 'EnableNodeCliInspectArguments',
    want: '0',
    why: '--inspect and SIGUSR1 would open a debugger port into the main process',
  },
  {
    name: 'EnableEmbeddedAsarIntegrityValidation',
    want: '0',
    why: 'asar only: the app is not an asar archive',
  },
  {
    name: 'OnlyLoadAppFromAsar',
    want: '0',
    why: 'asar only: on, Electron would refuse the app folder it is started with',
  },
  {
    name: 'LoadBrowserProcessSpecificV8Snapshot',
    want: '0',
    why: 'needs a browser_v8_context_snapshot.bin the app does not ship',
  },
  {
    name: 'GrantFileProtocolExtraPrivileges',
    want: '0',
    why: 'pages come over app://, never file://, so file:// needs no powers beyond a browser’s',
  },
  {
    name: 'WasmTrapHandlers',
    want: null,
    why: 'a V8 speed-up for WebAssembly bounds checks, not a capability: left as shipped',
  },
]

/**
 * The fuse wire to write over `current` (its states as a string, e.g. "101100011"): the wanted
 * states, removed fuses and fuses newer than this table left as they are. Throws when the wire
 * cannot be made safe: a wanted fuse missing (an older Electron) or a state byte it does not know.
 */
export function plannedWire(current) {
  const unknown = [...current].findIndex((state) => !'01r'.includes(state))
  if (unknown !== -1) {
    throw new Error(
      `fuse ${unknown} has the unknown state ${JSON.stringify(current[unknown])}: the fuse format changed; update scripts/electron-fuses.js`,
    )
  }
  const missing = fuses.filter((fuse, index) => fuse.want !== null && index >= current.length)
  if (missing.length) {
    throw new Error(
      `the fuse wire has ${current.length} fuses, too few for ${missing.map((f) => f.name).join(', ')}: this Electron is older than the app expects`,
    )
  }
  return [...current]
    .map((state, index) => {
      const want = fuses[index]?.want ?? null
      return state === 'r' || want === null ? state : want
    })
    .join('')
}
