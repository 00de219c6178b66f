/**
 * BMP files of every layout OpenCV reads, written from the format's field layout (file header
 * 14 bytes, then an info header of 12, 40 or 124 bytes, masks, palette, pixel rows), so the
 * decoder's tests can cover what Pillow cannot write (4- and 16-bit, RLE, core headers).
 */
import type { Rgb } from './images'

export interface BmpSpec {
  bpp: 1 | 4 | 8 | 16 | 24 | 32
  /** 'rgb' (uncompressed), 'bitfields' (16-bit 5-6-5 or 32-bit), 'rle' (RLE8/RLE4: `rle` bytes). */
  compression?: 'rgb' | 'bitfields' | 'rle'
  headerSize?: 12 | 40 | 124
  topDown?: boolean
  /** BGR entries; its length is written as the colours used. */
  palette?: [number, number, number][]
  /** Palette indices (≤ 8 bits) or pixels (16/24/32 bits) — one of them. */
  indices?: Uint8Array
  image?: Rgb
  width: number
  height: number
  /** The RLE stream, when compression is 'rle'. */
  rle?: number[]
}

/** One row's bytes in file order. */
function rowBytes(spec: BmpSpec, y: number): Uint8Array {
  const { width, bpp } = spec
  const stride = Math.floor((width * bpp + 31) / 32) * 4
  const row = new Uint8Array(stride)
  for (let x = 0; x < width; x++) {
    const i = y * width + x
    if (bpp <= 8) {
      const index = spec.indices![i]!
      const bit = x * bpp
      row[bit >> 3]! |= index << (8 - bpp - (bit & 7))
      continue
    }
    const r = spec.image!.data[i * 3]!
    const g = spec.image!.data[i * 3 + 1]!
    const b = spec.image!.data[i * 3 + 2]!
    if (bpp === 16) {
      const v =
        spec.compression === 'bitfields'
          ? ((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3)
          : ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3)
      row[x * 2] = v & 255
      row[x * 2 + 1] = v >> 8
    } else {
      const p = x * (bpp >> 3)
      row[p] = b
      row[p + 1] = g
      row[p + 2] = r
      if (bpp === 32) row[p + 3] = (x * 37) & 255 // an alpha byte OpenCV drops
    }
  }
  return row
}

export function writeBmp(spec: BmpSpec): Uint8Array {
  const headerSize = spec.headerSize ?? 40
  const compression = spec.compression ?? 'rgb'
  const entry = headerSize === 12 ? 3 : 4
  const palette = spec.palette ?? []
  const masks = spec.bpp === 16 && compression === 'bitfields' ? 12 : 0
  const paletteBytes = palette.length * entry
  const pixelOffset = 14 + headerSize + masks + paletteBytes
  let pixels: Uint8Array
  if (compression === 'rle') pixels = Uint8Array.from(spec.rle!)
  else {
    const rows = Array.from({ length: spec.height }, (_, y) =>
      rowBytes(spec, spec.topDown ? y : spec.height - 1 - y),
    )
    pixels = new Uint8Array(rows.reduce((n, r) => n + r.length, 0))
    let o = 0
    for (const row of rows) {
      pixels.set(row, o)
      o += row.length
    }
  }
  const bytes = new Uint8Array(pixelOffset + pixels.length)
  const view = new DataView(bytes.buffer)
  bytes[0] = 0x42
  bytes[1] = 0x4d
  view.setUint32(2, bytes.length, true)
  view.setUint32(10, pixelOffset, true)
  view.setUint32(14, headerSize, true)
  const height = spec.topDown ? -spec.height : spec.height
  if (headerSize === 12) {
    view.setUint16(18, spec.width, true)
    view.setUint16(20, height, true)
    view.setUint16(22, 1, true)
    view.setUint16(24, spec.bpp, true)
  } else {
    view.setInt32(18, spec.width, true)
    view.setInt32(22, height, true)
    view.setUint16(26, 1, true)
    view.setUint16(28, spec.bpp, true)
    const code =
      compression === 'rle' ? (spec.bpp === 8 ? 1 : 2) : compression === 'bitfields' ? 3 : 0
    view.setUint32(30, code, true)
    view.setUint32(34, pixels.length, true)
    view.setUint32(46, palette.length, true)
    if (masks) {
      view.setUint32(54, 0xf800, true)
      view.setUint32(58, 0x7e0, true)
      view.setUint32(62, 0x1f, true)
    }
  }
  palette.forEach(([b, g, r], i) => {
    const p = 14 + headerSize + masks + i * entry
    bytes[p] = b
    bytes[p + 1] = g
    bytes[p + 2] = r
  })
  bytes.set(pixels, pixelOffset)
  return bytes
}
