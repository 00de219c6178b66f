/**
 * Writes text into a PNG as iTXt chunks (UTF-8, so Chinese titles survive), just before IEND.
 * sharp has no API for arbitrary PNG text, and the chunk format is small enough to write here.
 */
import { crc32 } from 'node:zlib'

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typeAndData) >>> 0)
  return Buffer.concat([length, typeAndData, crc])
}

/** iTXt: keyword, NUL, compression flag 0, method 0, empty language tag, NUL, empty translated keyword, NUL, UTF-8 text. */
function itxt(keyword: string, text: string): Buffer {
  if (!/^[\x20-\x7e]{1,79}$/.test(keyword)) throw new Error(`invalid PNG text keyword "${keyword}"`)
  return chunk(
    'iTXt',
    Buffer.concat([
      Buffer.from(keyword, 'latin1'),
      Buffer.from([0, 0, 0, 0, 0]),
      Buffer.from(text, 'utf8'),
    ]),
  )
}

export function addPngText(png: Buffer, entries: readonly [string, string][]): Buffer {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file')
  const iend = png.lastIndexOf(Buffer.from('IEND', 'latin1')) - 4
  if (iend < 8) throw new Error('PNG without an IEND chunk')
  return Buffer.concat([
    png.subarray(0, iend),
    ...entries.map(([key, text]) => itxt(key, text)),
    png.subarray(iend),
  ])
}

/** Reads back every tEXt and iTXt chunk (for tests and for re-importing a chart's state). */
export function readPngText(png: Buffer): Map<string, string> {
  const texts = new Map<string, string>()
  let offset = 8
  while (offset + 8 <= png.length) {
    const length = png.readUInt32BE(offset)
    const type = png.toString('latin1', offset + 4, offset + 8)
    const data = png.subarray(offset + 8, offset + 8 + length)
    if (type === 'tEXt') {
      const nul = data.indexOf(0)
      texts.set(data.toString('latin1', 0, nul), data.toString('latin1', nul + 1))
    } else if (type === 'iTXt') {
      const nul = data.indexOf(0)
      const keyword = data.toString('latin1', 0, nul)
      // Skip compression flag, method, then the language tag and translated keyword (NUL-ended).
      let position = nul + 3
      position = data.indexOf(0, position) + 1
      position = data.indexOf(0, position) + 1
      texts.set(keyword, data.toString('utf8', position))
    }
    offset += 12 + length
  }
  return texts
}
