/** Generated photos for the benchmarks: what a camera or phone writes, without shipping any. */
import sharp from 'sharp'

/**
 * A photo-like JPEG: smooth ramps with grain (sensor-like noise), quality 90, with an EXIF
 * orientation when given (a phone's portrait photo is stored landscape with orientation 6).
 */
export async function photo(
  width: number,
  height: number,
  seed: number,
  orientation?: number,
): Promise<Buffer> {
  const data = new Uint8Array(width * height * 3)
  let state = seed >>> 0
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 3) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0
      const grain = (state >>> 27) - 16
      const u = x / width
      const v = y / height
      data[i] = Math.max(0, Math.min(255, 255 * u + grain))
      data[i + 1] = Math.max(0, Math.min(255, 255 * v + grain))
      data[i + 2] = Math.max(0, Math.min(255, 128 + 100 * Math.sin(9 * u + 7 * v) + grain))
    }
  }
  const jpeg = sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 })
  return (orientation ? jpeg.withMetadata({ orientation }) : jpeg).toBuffer()
}
