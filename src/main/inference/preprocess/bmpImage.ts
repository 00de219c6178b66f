/**
 * Windows BMP decoding as `cv2.imdecode(…, IMREAD_COLOR)` does it (libvips has no BMP loader):
 * 1-, 4- and 8-bit palettes (BGRx entries; indices past the palette read black), 16-bit 5-5-5
 * and, with bit fields, 5-6-5 (each channel shifted up, its low bits zero, as OpenCV does), 24-bit,
 * 32-bit with the fourth byte dropped, RLE8 and RLE4 (skipped pixels take palette entry 0),
 * bottom-up and top-down rows, core (OS/2) and info headers of every version.
 */
import { AppError } from '../../../shared/errors'

export interface BmpPixels {
  /** RGB, 3 bytes a pixel, top row first. */
  data: Uint8Array
  width: number
  height: number
}

const BI_RGB = 0
const BI_RLE8 = 1
const BI_RLE4 = 2
const BI_BITFIELDS = 3

export const isBmp = (bytes: Uint8Array): boolean =>
  bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d

function corrupt(what: string, detail: string): AppError {
  return new AppError(
    'IMAGE_CORRUPT',
    `${what} could not be decoded (BMP: ${detail}): the file is damaged or truncated.`,
  )
}

interface Header {
  width: number
  height: number
  topDown: boolean
  bpp: number
  compression: number
  /** 5-6-5 for 16-bit bit fields, else 5-5-5. */
  green6: boolean
  palette: Uint8Array
  pixelOffset: number
}

function readHeader(bytes: Uint8Array, what: string): Header {
  if (bytes.length < 26) throw corrupt(what, 'the header is cut short')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const pixelOffset = view.getUint32(10, true)
  const size = view.getUint32(14, true)
  let width: number
  let rawHeight: number
  let bpp: number
  let compression = BI_RGB
  let colours = 0
  let entry = 4
  if (size === 12) {
    width = view.getUint16(18, true)
    rawHeight = view.getUint16(20, true)
    bpp = view.getUint16(24, true)
    entry = 3
  } else if (size >= 40 && bytes.length >= 14 + 40) {
    width = view.getInt32(18, true)
    rawHeight = view.getInt32(22, true)
    bpp = view.getUint16(28, true)
    compression = view.getUint32(30, true)
    colours = view.getUint32(46, true)
  } else throw corrupt(what, `an info header of ${size} bytes`)

  const supported =
    ([1, 4, 8, 24, 32].includes(bpp) && compression === BI_RGB) ||
    ((bpp === 16 || bpp === 32) && compression === BI_BITFIELDS) ||
    (bpp === 16 && compression === BI_RGB) ||
    (bpp === 8 && compression === BI_RLE8) ||
    (bpp === 4 && compression === BI_RLE4)
  if (!supported) {
    throw new AppError(
      'IMAGE_UNSUPPORTED',
      `${what} is a BMP with ${bpp} bits a pixel and compression ${compression}, which neither OpenCV nor Zoo Explorer reads.`,
    )
  }
  if (width <= 0 || rawHeight === 0) throw corrupt(what, `a size of ${width}×${rawHeight}`)

  let green6 = false
  if (bpp === 16 && compression === BI_BITFIELDS) {
    // The masks follow a 40-byte header; later headers hold them at the same place.
    const at = 14 + 40
    if (bytes.length < at + 12) throw corrupt(what, 'the bit masks are cut short')
    const [red, green, blue] = [0, 4, 8].map((o) => view.getUint32(at + o, true))
    if (blue === 0x1f && green === 0x7e0 && red === 0xf800) green6 = true
    else if (!(blue === 0x1f && green === 0x3e0 && red === 0x7c00)) {
      throw new AppError(
        'IMAGE_UNSUPPORTED',
        `${what} is a 16-bit BMP with bit masks other than 5-5-5 and 5-6-5, which OpenCV does not read.`,
      )
    }
  }

  const palette = new Uint8Array(256 * 3)
  if (bpp <= 8) {
    if (colours > 256) throw corrupt(what, `a palette of ${colours} colours`)
    const count = colours || 1 << bpp
    const at = 14 + size
    for (let i = 0; i < count; i++) {
      const p = at + i * entry
      if (p + 3 > bytes.length) throw corrupt(what, 'the palette is cut short')
      palette[i * 3] = bytes[p + 2]!
      palette[i * 3 + 1] = bytes[p + 1]!
      palette[i * 3 + 2] = bytes[p]!
    }
  }
  return {
    width,
    height: Math.abs(rawHeight),
    topDown: rawHeight < 0,
    bpp,
    compression,
    green6,
    palette,
    pixelOffset,
  }
}

/** Uncompressed rows: each padded to 4 bytes. */
function readRows(bytes: Uint8Array, h: Header, out: Uint8Array, what: string): void {
  const { width, height, bpp, palette } = h
  const stride = Math.floor((width * bpp + 31) / 32) * 4
  if (h.pixelOffset + stride * (height - 1) + Math.ceil((width * bpp) / 8) > bytes.length) {
    throw corrupt(what, `the pixels are cut short (${bytes.length} bytes for ${width}×${height})`)
  }
  for (let row = 0; row < height; row++) {
    const src = h.pixelOffset + row * stride
    let o = (h.topDown ? row : height - 1 - row) * width * 3
    for (let x = 0; x < width; x++) {
      let r: number
      let g: number
      let b: number
      if (bpp <= 8) {
        const bit = x * bpp
        const byte = bytes[src + (bit >> 3)]!
        const index = (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1)
        r = palette[index * 3]!
        g = palette[index * 3 + 1]!
        b = palette[index * 3 + 2]!
      } else if (bpp === 16) {
        const v = bytes[src + x * 2]! | (bytes[src + x * 2 + 1]! << 8)
        b = (v & 0x1f) << 3
        if (h.green6) {
          g = ((v >> 5) & 0x3f) << 2
          r = ((v >> 11) & 0x1f) << 3
        } else {
          g = ((v >> 5) & 0x1f) << 3
          r = ((v >> 10) & 0x1f) << 3
        }
      } else {
        const p = src + x * (bpp >> 3)
        b = bytes[p]!
        g = bytes[p + 1]!
        r = bytes[p + 2]!
      }
      out[o++] = r
      out[o++] = g
      out[o++] = b
    }
  }
}

/**
 * RLE8/RLE4 in file order (bottom row first unless top-down). Pixels the stream skips (end of
 * line, delta, end of bitmap) take palette entry 0; a run past its line is corrupt, as in OpenCV.
 */
function readRle(bytes: Uint8Array, h: Header, out: Uint8Array, what: string): void {
  const { width, height, palette } = h
  const four = h.bpp === 4
  const rowOf = (line: number) => (h.topDown ? line : height - 1 - line)
  let line = 0
  let x = 0
  let p = h.pixelOffset
  const put = (index: number) => {
    const o = (rowOf(line) * width + x++) * 3
    out[o] = palette[index * 3]!
    out[o + 1] = palette[index * 3 + 1]!
    out[o + 2] = palette[index * 3 + 2]!
  }
  /** Palette 0 over the next `count` pixels in file order, wrapping at line ends. */
  const skip = (count: number) => {
    for (let i = 0; i < count && line < height; i++) {
      put(0)
      if (x === width) {
        x = 0
        line++
      }
    }
  }
  let lineEnded = false
  while (line < height) {
    if (p + 2 > bytes.length) throw corrupt(what, 'the RLE data ends early')
    const count = bytes[p]!
    const code = bytes[p + 1]!
    p += 2
    const startLine = line
    if (count > 0) {
      if (x + count > width) throw corrupt(what, 'an RLE run goes past its line')
      for (let i = 0; i < count; i++) put(four ? (i & 1 ? code & 15 : code >> 4) : code)
    } else if (code > 2) {
      if (x + code > width) throw corrupt(what, 'an RLE run goes past its line')
      const size = four ? Math.ceil(code / 2) : code
      if (p + size > bytes.length) throw corrupt(what, 'the RLE data ends early')
      for (let i = 0; i < code; i++) {
        put(four ? (i & 1 ? bytes[p + (i >> 1)]! & 15 : bytes[p + (i >> 1)]! >> 4) : bytes[p + i]!)
      }
      p += size + (size & 1) // absolute runs are padded to 16 bits
    } else if (code === 0) {
      // End of line, unless a run has just filled the line exactly.
      if (!(lineEnded && x === 0)) skip(width - x)
    } else if (code === 1) {
      skip((height - line) * width - x)
      break
    } else {
      if (p + 2 > bytes.length) throw corrupt(what, 'the RLE data ends early')
      skip(bytes[p]! + bytes[p + 1]! * width)
      p += 2
    }
    if (x === width) {
      x = 0
      line++
    }
    lineEnded = line !== startLine
  }
}

export function decodeBmp(bytes: Uint8Array, what: string, maxPixels: number): BmpPixels {
  const header = readHeader(bytes, what)
  if (header.width * header.height > maxPixels) {
    throw new AppError(
      'IMAGE_TOO_LARGE',
      `${what} is larger than ${maxPixels / 1e6} megapixels; scale it down first.`,
    )
  }
  const out = new Uint8Array(header.width * header.height * 3)
  if (header.compression === BI_RLE8 || header.compression === BI_RLE4) {
    readRle(bytes, header, out, what)
  } else readRows(bytes, header, out, what)
  return { data: out, width: header.width, height: header.height }
}
