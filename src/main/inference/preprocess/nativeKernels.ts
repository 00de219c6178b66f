/**
 * The native fast path (native/jpeg, built by `npm install` when libjpeg-turbo's headers are
 * there): JPEG decoding by the system's libjpeg-turbo, as cv2.imdecode does it, and the fused
 * OpenCV and Pillow resizes of cvResizeLinear.ts and pilResample.ts, on libuv's thread pool so a model host's thread is
 * left to the model, or on the calling thread (see runNativeInline). Without it (not built,
 * another platform, ZOO_NATIVE=off) decoding goes through sharp and the resize through the
 * TypeScript kernel: the same pixels, only slower.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LinearTables } from './linearResizeTables'
import type { PilPlan } from './pilResample'

export interface NativeKernels {
  /** RGB pixels, or null when this is not a JPEG the fast path takes (sharp decides then). */
  decode(
    bytes: Uint8Array,
    maxPixels: number,
  ): Promise<{ data: Buffer; width: number; height: number } | null>
  /** cvResizeLinearToChw into `out`; throws a TypeError when the tables do not fit the source. */
  resize(
    source: Uint8Array,
    width: number,
    height: number,
    tables: LinearTables,
    levels: Float32Array,
    planes: readonly number[],
    out: Float32Array,
  ): Promise<void>
  /** pilResample.ts's pilResizeToChw into `out`; throws a TypeError when the plan does not fit. */
  pilResize(
    source: Uint8Array,
    width: number,
    height: number,
    plan: PilPlan,
    levels: Float32Array,
    planes: readonly number[],
    out: Float32Array,
  ): Promise<void>
  /** `decode`, `resize` and `pilResize` on the calling thread. */
  decodeSync(
    bytes: Uint8Array,
    maxPixels: number,
  ): { data: Buffer; width: number; height: number } | null
  resizeSync(...args: Parameters<NativeKernels['resize']>): void
  pilResizeSync(...args: Parameters<NativeKernels['pilResize']>): void
  /** libjpeg-turbo's version number, e.g. 2001005 for 2.1.5. */
  libjpegTurbo: number
}

const ADDON = join('native', 'jpeg', 'build', 'Release', 'zoo_jpeg.node')

/** Where the addon is: from out/main/, out/main/chunks/ or src/main/inference/preprocess/. */
function addonPath(): string | null {
  const here = dirname(fileURLToPath(import.meta.url))
  const roots = [
    join(here, '..', '..'),
    join(here, '..', '..', '..'),
    join(here, '..', '..', '..', '..'),
  ]
  return roots.map((root) => join(root, ADDON)).find((path) => existsSync(path)) ?? null
}

let loaded: { kernels: NativeKernels | null; reason: string } | null = null

function load(): { kernels: NativeKernels | null; reason: string } {
  if (process.env.ZOO_NATIVE === 'off') return { kernels: null, reason: 'ZOO_NATIVE=off' }
  const path = addonPath()
  if (!path) return { kernels: null, reason: `${ADDON} is not built (npm install builds it)` }
  try {
    return { kernels: createRequire(import.meta.url)(path) as NativeKernels, reason: path }
  } catch (error) {
    return { kernels: null, reason: `${path} does not load: ${(error as Error).message}` }
  }
}

/** The addon, or null when it is absent or turned off. */
export function nativeKernels(): NativeKernels | null {
  return (loaded ??= load()).kernels
}

/** Where the addon was loaded from, or why it was not. */
export function nativeKernelsStatus(): string {
  return (loaded ??= load()).reason
}

let inline = false

/**
 * Whether the kernels run on the calling thread rather than the thread pool. A model host that
 * runs its model on one thread, one host per core, has nothing to overlap: handing each image to
 * a pool thread and back only adds wake-ups across cores (on a virtual machine as costly as the
 * decode itself), so it turns this on.
 */
export function runNativeInline(on: boolean): void {
  inline = on
}

type NativeCalls = Pick<NativeKernels, 'decode' | 'resize' | 'pilResize'>
let inlineCalls: NativeCalls | null = null

/** The kernels as this process runs them (pool or inline); null without the addon. */
export function nativeCalls(): NativeCalls | null {
  const native = nativeKernels()
  if (!native || !inline) return native
  return (inlineCalls ??= {
    decode: async (bytes, maxPixels) => native.decodeSync(bytes, maxPixels),
    resize: async (...args) => native.resizeSync(...args),
    pilResize: async (...args) => native.pilResizeSync(...args),
  })
}
