/**
 * Reads the table of contents of a tar file and decides whether it may be unpacked, before a single
 * byte is written: only a plain, uncompressed ustar/pax (or GNU) tar of regular files and folders
 * with plain relative paths, ending with its two-block end marker and nothing but zeros after it,
 * within caps on entries and bytes. Only headers are read (positional reads), so checking a
 * multi-gigabyte archive costs a few kilobytes of I/O.
 *
 * Format facts (POSIX.1-2001 ustar + pax, GNU tar): 512-byte blocks; a header holds name[0,100),
 * mode[100,8), size[124,12) (octal, or base-256 when the first byte has its high bit set),
 * chksum[148,8), typeflag[156], magic[257,6) ("ustar\0" + "00", or GNU's "ustar " + " \0"),
 * prefix[345,155) (POSIX only; joined to the name with "/"). A 'x' entry carries pax records
 * ("<len> key=value\n") for the next entry, 'g' for all; GNU's 'L' carries the next entry's name.
 */
import { posix } from 'node:path'
import type { FileHandle } from 'node:fs/promises'
import { AppError } from '../../../shared/errors'
import { formatBytes } from '../../../shared/format/formatBytes'

export const BLOCK = 512

export interface TarEntry {
  /** Normalised relative path, no trailing slash. */
  path: string
  type: 'file' | 'dir'
  /** Permission bits as archived (setuid, setgid and sticky are never applied). */
  mode: number
  size: number
  /** Where the entry's data starts in the archive. */
  dataOffset: number
}

export interface TarLimits {
  maxEntries: number
  /** Total bytes of the files once unpacked. */
  maxBytes: number
}

/** What an inference archive may hold: PaddleClas's hold three or four files. */
export const archiveLimits = (archiveSize: number): TarLimits => ({
  maxEntries: 4096,
  // A plain tar stores its files as they are, so they cannot add up to more than the archive.
  maxBytes: archiveSize,
})

const COMPRESSED: { magic: number[]; name: string }[] = [
  { magic: [0x1f, 0x8b], name: 'gzip' },
  { magic: [0x42, 0x5a, 0x68], name: 'bzip2' },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: 'xz' },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], name: 'zstd' },
  { magic: [0x04, 0x22, 0x4d, 0x18], name: 'lz4' },
  { magic: [0x50, 0x4b, 0x03, 0x04], name: 'zip' },
]

/** The compression a file starts with (gzip, xz, …), or null. */
export function compressionOf(head: Uint8Array): string | null {
  return COMPRESSED.find(({ magic }) => magic.every((byte, i) => head[i] === byte))?.name ?? null
}

/** Why a path may not be unpacked, or null when it is a plain relative path. */
export function unsafePathReason(path: string): string | null {
  if (path.includes('\0')) return 'the path contains a NUL byte'
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.startsWith('\\'))
    return 'the path is absolute'
  if (path.replace(/\\/g, '/').split('/').includes('..')) return 'the path leaves the archive (..)'
  return null
}

const TYPES: Record<string, string> = {
  '1': 'hard link',
  '2': 'symbolic link',
  '3': 'character device',
  '4': 'block device',
  '6': 'FIFO',
  S: 'sparse file',
  V: 'volume label',
  M: 'multi-volume continuation',
  D: 'GNU dump directory',
  N: 'old GNU long name',
}

const corrupt = (message: string) => new AppError('ARCHIVE_CORRUPT', message)

function text(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length)
  const end = field.indexOf(0)
  return field.subarray(0, end === -1 ? length : end).toString('utf8')
}

/** An octal or base-256 number field; null when it is neither. */
function numberField(block: Buffer, offset: number, length: number): number | null {
  const field = block.subarray(offset, offset + length)
  if (field[0]! & 0x80) {
    // Base-256 (GNU): big-endian two's complement with the high bit as a flag.
    if (field[0] === 0xff) return null // negative
    let value = field[0]! & 0x7f
    for (let i = 1; i < length; i++) {
      value = value * 256 + field[i]!
      if (!Number.isSafeInteger(value)) return null
    }
    return value
  }
  const digits = field
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .replace(/^ +/, '')
  if (digits === '') return 0
  if (!/^[0-7]+$/.test(digits)) return null
  return parseInt(digits, 8)
}

function checksumOk(block: Buffer): boolean {
  const stored = numberField(block, 148, 8)
  if (stored === null) return false
  let unsigned = 0
  let signed = 0
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]!
    unsigned += byte
    signed += byte > 127 ? byte - 256 : byte
  }
  // Some old writers summed signed bytes; both are the same for ASCII-only headers.
  return stored === unsigned || stored === signed
}

/** pax records: "<length> <key>=<value>\n", the length counting the whole record. */
export function parsePaxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>()
  let at = 0
  while (at < data.length) {
    if (data[at] === 0) break
    const space = data.indexOf(0x20, at)
    const length = space === -1 ? NaN : Number(data.toString('latin1', at, space))
    if (!Number.isInteger(length) || length <= space - at || at + length > data.length)
      throw corrupt('The archive has a malformed pax header.')
    const record = data.toString('utf8', space + 1, at + length)
    if (!record.endsWith('\n')) throw corrupt('The archive has a malformed pax header.')
    const eq = record.indexOf('=')
    if (eq <= 0) throw corrupt('The archive has a malformed pax header.')
    records.set(record.slice(0, eq), record.slice(eq + 1, -1))
    at += length
  }
  return records
}

/** Metadata blocks (pax headers, GNU long names) are small; a huge one is an attack. */
const MAX_META_BYTES = 1 << 20

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length)
  let filled = 0
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled)
    if (bytesRead === 0) break
    filled += bytesRead
  }
  return filled === length ? buffer : buffer.subarray(0, filled)
}

const isZero = (block: Buffer) => block.every((byte) => byte === 0)
const padded = (size: number) => Math.ceil(size / BLOCK) * BLOCK

/**
 * The archive's entries, in order, once every rule holds. Throws ARCHIVE_UNSAFE (compressed,
 * a link, a device, a path leaving the archive, over the caps) or ARCHIVE_CORRUPT (truncated, no
 * end marker, a bad checksum, data after the end), listing up to five problems.
 */
export async function readTarIndex(
  handle: FileHandle,
  fileSize: number,
  limits: TarLimits,
): Promise<TarEntry[]> {
  const head = await readAt(handle, 0, Math.min(BLOCK, fileSize))
  const compression = compressionOf(head)
  if (compression === 'zip')
    throw new AppError('ARCHIVE_UNSAFE', 'This is a zip file, not a tar archive.')
  if (compression) {
    throw new AppError(
      'ARCHIVE_UNSAFE',
      `The archive is ${compression}-compressed. PaddleClas inference archives are plain .tar files; compressed ones are refused because their unpacked size is unknown until they are unpacked. If you trust it, unpack it yourself and import the folder.`,
    )
  }
  if (fileSize < 2 * BLOCK) throw corrupt('The file is too short to be a tar archive.')

  const entries: TarEntry[] = []
  const unsafe: string[] = []
  const seen = new Map<string, 'file' | 'dir'>()
  let totalBytes = 0
  let pax = new Map<string, string>()
  let longName: string | null = null
  let offset = 0

  for (;;) {
    if (offset + BLOCK > fileSize) {
      throw corrupt(
        `The archive ends without its end marker after ${entries.length} entries (${formatBytes(fileSize)}): it is truncated.`,
      )
    }
    const block = await readAt(handle, offset, BLOCK)
    if (isZero(block)) {
      const next =
        offset + 2 * BLOCK <= fileSize ? await readAt(handle, offset + BLOCK, BLOCK) : null
      if (!next || !isZero(next)) {
        throw corrupt(
          `The archive's end marker is incomplete (one zero block at byte ${offset}): it is truncated or damaged.`,
        )
      }
      await assertZeroTail(handle, offset + 2 * BLOCK, fileSize)
      break
    }
    if (!checksumOk(block)) throw corrupt(`The tar header at byte ${offset} has a wrong checksum.`)
    const magic = block.toString('latin1', 257, 263)
    const posixHeader = magic === 'ustar\0'
    if (!posixHeader && magic !== 'ustar ') {
      throw corrupt(
        `The header at byte ${offset} is not a ustar/pax header (an old v7 tar?); only ustar, pax and GNU tars are read.`,
      )
    }
    const size = numberField(block, 124, 12)
    if (size === null) throw corrupt(`The header at byte ${offset} has an unreadable size.`)
    const dataOffset = offset + BLOCK
    const next = dataOffset + padded(size)
    const flag = String.fromCharCode(block[156]!)

    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (size > MAX_META_BYTES) throw corrupt(`A tar metadata block of ${size} bytes is refused.`)
      if (dataOffset + size > fileSize)
        throw corrupt(
          `The archive ends inside a metadata block at byte ${offset}: it is truncated.`,
        )
      const data = await readAt(handle, dataOffset, size)
      if (flag === 'x') pax = parsePaxRecords(data)
      else if (flag === 'g')
        parsePaxRecords(data) // checked, not applied: it names no file
      else if (flag === 'L') longName = text(data, 0, data.length)
      offset = next
      continue
    }

    const rawName =
      pax.get('path') ??
      longName ??
      (posixHeader && block[345] !== 0
        ? `${text(block, 345, 155)}/${text(block, 0, 100)}`
        : text(block, 0, 100))
    const paxSize = pax.get('size')
    const entrySize = paxSize === undefined ? size : Number(paxSize)
    const sparse = [...pax.keys()].some((key) => key.startsWith('GNU.sparse'))
    pax = new Map()
    longName = null
    if (!Number.isSafeInteger(entrySize) || entrySize < 0)
      throw corrupt(`The entry "${rawName}" has an unreadable size.`)
    const entryNext = dataOffset + padded(entrySize)

    const type =
      flag === '0' || flag === '\0' || flag === '7' ? 'file' : flag === '5' ? 'dir' : null
    const path = posix.normalize(rawName.replace(/\/+$/, '')).replace(/^(\.\/)+/, '')
    const reason = sparse
      ? 'sparse files are not allowed'
      : type === null
        ? `${TYPES[flag] ?? `type '${flag}'`} entries are not allowed`
        : (unsafePathReason(rawName) ??
          (path === '' || path === '.' ? 'the entry has no name' : null))
    if (reason) {
      unsafe.push(`${rawName || '(no name)'}: ${reason}`)
    } else if (type) {
      const parts = path.split('/')
      const blocked = parts
        .slice(0, -1)
        .map((_, i) => parts.slice(0, i + 1).join('/'))
        .find((folder) => seen.get(folder) === 'file')
      if (seen.has(path)) unsafe.push(`${path}: appears twice in the archive`)
      else if (blocked) unsafe.push(`${path}: its folder ${blocked} is a file in the archive`)
      seen.set(path, type)
      if (type === 'file') totalBytes += entrySize
      entries.push({
        path,
        type,
        mode: numberField(block, 100, 8) ?? 0o644,
        size: type === 'file' ? entrySize : 0,
        dataOffset,
      })
    }
    if (entryNext > fileSize) {
      throw corrupt(
        `The archive ends in the middle of "${path}" (${formatBytes(entrySize)} expected from byte ${dataOffset}, the file is ${formatBytes(fileSize)}): it is truncated.`,
      )
    }
    if (entries.length + unsafe.length > limits.maxEntries) {
      throw new AppError(
        'ARCHIVE_UNSAFE',
        `The archive holds more than ${limits.maxEntries} entries; a model archive holds a handful. It was refused, nothing was extracted.`,
      )
    }
    if (totalBytes > limits.maxBytes) {
      throw new AppError(
        'ARCHIVE_UNSAFE',
        `The archive's files would take more than ${formatBytes(limits.maxBytes)} unpacked. It was refused, nothing was extracted.`,
      )
    }
    offset = entryNext
  }
  if (unsafe.length) {
    throw new AppError(
      'ARCHIVE_UNSAFE',
      `The archive was refused, nothing was extracted: ${unsafe.slice(0, 5).join('; ')}${unsafe.length > 5 ? ` (and ${unsafe.length - 5} more)` : ''}.`,
    )
  }
  return entries
}

/** After the end marker only zero padding may follow (GNU tar pads to 10 KiB records). */
async function assertZeroTail(handle: FileHandle, from: number, fileSize: number): Promise<void> {
  const chunk = 1 << 16
  for (let at = from; at < fileSize; at += chunk) {
    const bytes = await readAt(handle, at, Math.min(chunk, fileSize - at))
    if (!isZero(bytes)) {
      throw corrupt(
        `The archive has data after its end marker (at byte ${at + bytes.findIndex((b) => b !== 0)}): it is damaged or two files were joined.`,
      )
    }
  }
}
