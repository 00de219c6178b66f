/**
 * A cheap structural check of a pretrained `.pdparams` file (a Python pickle written by
 * paddle.save): it starts with the PROTO opcode (0x80) and a protocol from 2 to 5, and its last
 * byte is STOP ('.'). Truncation, the realistic failure of a download, loses the STOP. Reads
 * three bytes whatever the file's size.
 */
import { FormatError } from './formatError'
import { type PositionalFile } from './positionalFile'

const PROTO = 0x80
const STOP = 0x2e

/** Throws FormatError (phrased to follow the file's name) unless the file looks whole. */
export async function checkPickle(file: PositionalFile): Promise<void> {
  if (file.size === 0) throw new FormatError('is empty', 0)
  if (file.size < 3) throw new FormatError(`is ${file.size} bytes long, too short for a pickle`, 0)
  const head = await file.read(0, 2, 2, 'the pickle header')
  if (head[0] !== PROTO || head[1]! < 2 || head[1]! > 5)
    throw new FormatError(
      `is not a Python pickle of protocol 2 to 5 (it starts with 0x${hex(head[0]!)} 0x${hex(head[1]!)}, not 0x80 and the protocol)`,
      0,
    )
  const last = (await file.read(file.size - 1, 1, 1, 'the last byte'))[0]!
  if (last !== STOP)
    throw new FormatError(
      `is cut off: a pickle ends with STOP ('.'), but its last byte is 0x${hex(last)} (an incomplete download?)`,
      file.size - 1,
    )
}

const hex = (byte: number) => byte.toString(16).padStart(2, '0')
