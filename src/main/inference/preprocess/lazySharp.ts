/**
 * sharp (libvips), loaded the first time an image needs it. With the native fast path a model
 * host that sees only plain JPEGs and OpenCV-resized models never needs it, and loading libvips
 * is about a tenth of a second of every host's start.
 */
import type Sharp from 'sharp'

type SharpModule = typeof Sharp

let loading: Promise<SharpModule> | null = null
const setups: ((sharp: SharpModule) => void)[] = []

export function lazySharp(): Promise<SharpModule> {
  return (loading ??= import('sharp').then(({ default: sharp }) => {
    for (const setup of setups) setup(sharp)
    return sharp
  }))
}

/** Settings for sharp in this process, applied when it loads (at once if it has). */
export function whenSharpLoads(setup: (sharp: SharpModule) => void): void {
  setups.push(setup)
  if (loading) void loading.then(setup)
}
