/**
 * Reading a large file by position, a little at a time: the params and ONNX checks look at
 * headers only and jump over the data between them, so a 3 GB file costs a few kilobytes of
 * reads. Counts what it read, so a test can hold the checks to that.
 */
import { type FileHandle } from 'node:fs/promises'
import { FormatError, count } from './formatError'

export interface PositionalFile {
  readonly size: number
  /** Bytes read so far. */
  readonly bytesRead: number
  /**
   * Up to `want` bytes starting at `position` (fewer only at the end of the file), at least
   * `need` of them or a FormatError saying `what` is cut off there.
   */
  read(position: number, want: number, need: number, what: string): Promise<Uint8Array>
}

export function positionalFile(handle: FileHandle, size: number): PositionalFile {
  let bytesRead = 0
  return {
    size,
    get bytesRead() {
      return bytesRead
    },
    async read(position, want, need, what) {
      const length = Math.max(0, Math.min(want, size - position))
      if (length < need)
        throw new FormatError(`ends inside ${what} at byte ${count(position)}`, position)
      const buffer = Buffer.alloc(length)
      let filled = 0
      // A read may return fewer bytes than asked; a file that shrinks under us returns 0.
      while (filled < length) {
        const { bytesRead: n } = await handle.read(
          buffer,
          filled,
          length - filled,
          position + filled,
        )
        if (n === 0) break
        filled += n
      }
      bytesRead += filled
      if (filled < need)
        throw new FormatError(
          `ends inside ${what} at byte ${count(position)} (it shrank while being read)`,
          position,
        )
      return buffer.subarray(0, filled)
    },
  }
}

/**
 * A cursor that reads ahead `chunk` bytes at a time, so consecutive small fields cost one read
 * and a jump over data costs none.
 */
export class FileCursor {
  private window: Uint8Array = new Uint8Array(0)
  private windowStart = 0

  constructor(
    readonly file: PositionalFile,
    public pos = 0,
    private readonly chunk = 256,
  ) {}

  /** Bytes between the cursor and the end of the file. */
  get left(): number {
    return this.file.size - this.pos
  }

  /** Up to `max` bytes at the cursor (at least `need`), without moving it. */
  async peek(max: number, need: number, what: string): Promise<Uint8Array> {
    const offset = this.pos - this.windowStart
    const available = this.window.length - offset
    if (offset < 0 || available < Math.min(max, this.left)) {
      this.window = await this.file.read(this.pos, Math.max(max, this.chunk), need, what)
      this.windowStart = this.pos
      return this.window.subarray(0, max)
    }
    if (available < need)
      throw new FormatError(`ends inside ${what} at byte ${count(this.pos)}`, this.pos)
    return this.window.subarray(offset, offset + max)
  }

  /** Exactly `n` bytes at the cursor, moving past them. */
  async take(n: number, what: string): Promise<Uint8Array> {
    const bytes = await this.peek(n, n, what)
    this.pos += n
    return bytes
  }
}
