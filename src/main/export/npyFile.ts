/**
 * NumPy's `.npy` format, version 1.0, for one little-endian float32 array in C order: the magic
 * `\x93NUMPY`, version bytes 1 0, a uint16 header length, a Python dict literal padded with
 * spaces to a multiple of 64 bytes and ended by a newline, then the data. `numpy.load` reads it.
 */
export function npyFloat32(data: Float32Array, shape: readonly number[]): Buffer {
  const count = shape.reduce((n, d) => n * d, 1)
  if (count !== data.length) {
    throw new RangeError(`shape ${shape.join('×')} holds ${count} values, not ${data.length}`)
  }
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ')
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`
  const unpadded = 10 + dict.length + 1
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n'
  const out = Buffer.alloc(10 + header.length + data.byteLength)
  out.write('\x93NUMPY', 0, 'latin1')
  out[6] = 1
  out[7] = 0
  out.writeUInt16LE(header.length, 8)
  out.write(header, 10, 'latin1')
  const view = new DataView(out.buffer, out.byteOffset + 10 + header.length, data.byteLength)
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true)
  return out
}
