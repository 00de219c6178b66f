/**
 * A tiny ustar writer. Hostile archives (`../evil`, absolute paths, links, devices) are written
 * byte by byte here, because a well-behaved tar library refuses to create some of them.
 */
export type EntryType =
  | 'file'
  | 'dir'
  | 'symlink'
  | 'hardlink'
  | 'char'
  | 'block'
  | 'fifo'
  /** A PAX extended header: `body` holds its records (see `paxRecords`). */
  | 'pax'
  /** A GNU long-name header: `body` is the next entry's full path. */
  | 'gnuLongName'

export interface TarEntry {
  name: string
  type?: EntryType
  body?: Buffer | string
  linkname?: string
  mode?: number
  /** ustar's prefix field, joined to `name` with a slash by readers. */
  prefix?: string
  devmajor?: number
  devminor?: number
}

const TYPE_FLAGS: Record<EntryType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
  pax: 'x',
  gnuLongName: 'L',
}

function field(header: Buffer, offset: number, length: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.length > length) throw new Error(`"${text}" does not fit in ${length} bytes`)
  bytes.copy(header, offset)
}

function octal(header: Buffer, offset: number, length: number, value: number): void {
  field(header, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`)
}

function headerOf(entry: TarEntry, size: number): Buffer {
  const type = entry.type ?? 'file'
  const header = Buffer.alloc(512)
  field(header, 0, 100, entry.name)
  octal(header, 100, 8, entry.mode ?? (type === 'dir' ? 0o755 : 0o644))
  octal(header, 108, 8, 0) // uid
  octal(header, 116, 8, 0) // gid
  octal(header, 124, 12, size)
  octal(header, 136, 12, 1_700_000_000) // mtime
  header.fill(0x20, 148, 156) // the checksum counts its own field as spaces
  field(header, 156, 1, TYPE_FLAGS[type])
  field(header, 157, 100, entry.linkname ?? '')
  field(header, 257, 6, 'ustar\0')
  field(header, 263, 2, '00')
  field(header, 265, 32, 'root')
  field(header, 297, 32, 'root')
  octal(header, 329, 8, entry.devmajor ?? 0)
  octal(header, 337, 8, entry.devminor ?? 0)
  field(header, 345, 155, entry.prefix ?? '')
  let sum = 0
  for (const byte of header) sum += byte
  field(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `)
  return header
}

/** PAX records (`<length> key=value\n`, the length counting itself). */
export function paxRecords(values: Record<string, string>): Buffer {
  return Buffer.concat(
    Object.entries(values).map(([key, value]) => {
      const rest = ` ${key}=${value}\n`
      let length = Buffer.byteLength(rest)
      while (String(length).length + Buffer.byteLength(rest) !== length)
        length = String(length).length + Buffer.byteLength(rest)
      return Buffer.from(`${length}${rest}`, 'utf8')
    }),
  )
}

/** A complete ustar archive of `entries`, in order, with the two zero blocks at the end. */
export function tarOf(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = []
  for (const entry of entries) {
    const body =
      typeof entry.body === 'string' ? Buffer.from(entry.body, 'utf8') : (entry.body ?? null)
    const size = body?.length ?? 0
    blocks.push(headerOf(entry, size))
    if (body && size > 0) {
      blocks.push(body)
      const pad = (512 - (size % 512)) % 512
      if (pad) blocks.push(Buffer.alloc(pad))
    }
  }
  blocks.push(Buffer.alloc(1024))
  return Buffer.concat(blocks)
}

/** A PaddleClas-style `<name>_infer.tar`: a folder holding the given files. */
export function modelArchive(folder: string, files: Record<string, Buffer | string>): Buffer {
  return tarOf([
    { name: `${folder}/`, type: 'dir' },
    ...Object.entries(files).map(([name, body]) => ({ name: `${folder}/${name}`, body })),
  ])
}
