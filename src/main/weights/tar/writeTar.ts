/**
 * Writes a reproducible ustar archive of files on disk: entries in the order given, no times,
 * owners or permissions beyond 0644/0755, so the same folder always gives the same bytes (and the
 * same blob in the cache). Paths that do not fit ustar's name/prefix fields, and files over ustar's
 * 8 GiB size field, get a pax header. File data is streamed, never held whole.
 */
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../../shared/errors'
import { BLOCK } from './tarIndex'

export interface TarSource {
  /** Relative path inside the archive ("folder/file"); folders without a trailing slash. */
  path: string
  type: 'file' | 'dir'
}

const MAX_OCTAL_SIZE = 0o77777777777

function put(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value, offset, length, 'utf8')
}

function octal(header: Buffer, offset: number, length: number, value: number): void {
  put(header, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`)
}

/** Splits a path into ustar's prefix and name, or null when it cannot be split to fit. */
function ustarName(path: string): { name: string; prefix: string } | null {
  if (/[^\x20-\x7e]/.test(path)) return null // non-ASCII names travel in pax, as UTF-8
  if (path.length <= 100) return { name: path, prefix: '' }
  for (let cut = path.indexOf('/'); cut !== -1; cut = path.indexOf('/', cut + 1)) {
    const prefix = path.slice(0, cut)
    const name = path.slice(cut + 1)
    if (prefix.length <= 155 && name.length <= 100 && name.length > 0) return { name, prefix }
  }
  return null
}

function header(name: string, prefix: string, type: string, size: number, mode: number): Buffer {
  const block = Buffer.alloc(BLOCK)
  put(block, 0, 100, name)
  octal(block, 100, 8, mode)
  octal(block, 108, 8, 0)
  octal(block, 116, 8, 0)
  octal(block, 124, 12, size)
  octal(block, 136, 12, 0)
  block.fill(0x20, 148, 156)
  put(block, 156, 1, type)
  put(block, 257, 6, 'ustar\0')
  put(block, 263, 2, '00')
  put(block, 345, 155, prefix)
  let sum = 0
  for (const byte of block) sum += byte
  put(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `)
  return block
}

function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`
  let length = Buffer.byteLength(rest) + 1
  while (String(length).length + Buffer.byteLength(rest) !== length)
    length = String(length).length + Buffer.byteLength(rest)
  return `${length}${rest}`
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK)

/** Writes `entries` (read from under `root`) as a tar to `out`, which must not exist. */
export async function writeTar(out: string, root: string, entries: TarSource[]): Promise<void> {
  const file = await open(out, 'wx', 0o644)
  const write = async (bytes: Buffer) => {
    let done = 0
    while (done < bytes.length) done += (await file.write(bytes, done)).bytesWritten
  }
  try {
    const buffer = Buffer.allocUnsafe(1 << 20)
    for (const entry of entries) {
      const source = entry.type === 'file' ? await open(join(root, entry.path), 'r') : null
      try {
        const size = source ? (await source.stat()).size : 0
        const archived = entry.type === 'dir' ? `${entry.path}/` : entry.path
        const split = ustarName(archived)
        const records =
          (split ? '' : paxRecord('path', archived)) +
          (size > MAX_OCTAL_SIZE ? paxRecord('size', String(size)) : '')
        if (records) {
          const body = Buffer.from(records, 'utf8')
          await write(header('PaxHeader', '', 'x', body.length, 0o644))
          await write(Buffer.concat([body, padding(body.length)]))
        }
        const name = split ?? {
          name: archived.slice(-100).replace(/[^\x20-\x7e]/g, '_'),
          prefix: '',
        }
        const mode = entry.type === 'dir' ? 0o755 : 0o644
        await write(
          header(
            name.name,
            name.prefix,
            entry.type === 'dir' ? '5' : '0',
            Math.min(size, MAX_OCTAL_SIZE),
            mode,
          ),
        )
        if (!source) continue
        let copied = 0
        for (;;) {
          const { bytesRead } = await source.read(buffer, 0, buffer.length, copied)
          if (bytesRead === 0) break
          copied += bytesRead
          if (copied > size) break
          await write(buffer.subarray(0, bytesRead))
        }
        if (copied !== size) {
          throw new AppError(
            'INVALID_INPUT',
            `"${join(root, entry.path)}" changed while it was being packed; try again.`,
          )
        }
        await write(padding(size))
      } finally {
        await source?.close()
      }
    }
    await write(Buffer.alloc(2 * BLOCK))
    await file.sync()
  } finally {
    await file.close()
  }
}
