/**
 * walkParams and programParams, the pieces a converter streams weights with: each tensor's
 * data lies exactly where the walk says (the bytes there are the bytes the test wrote), a walk
 * reads the headers only (a 4 MB tensor costs no more than a 4-byte one), and the layout follows
 * Paddle's rules (persistable, no feed/fetch, each name once, UTF-8 byte order).
 */
import { openSync, readSync, closeSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type ParamsTensor, programParams, walkParams } from '../../../src/main/paddle/paramsFile'
import { FileCursor, positionalFile } from '../../../src/main/paddle/positionalFile'
import { parseProgramDesc } from '../../../src/main/paddle/programDesc'
import { tempDirForTest } from '../helpers/tempDir'
import { DataType, VarKind, paramsFile, program } from '../../support/paddle/paddleWriter'

async function walkFile(path: string, slots: Parameters<typeof walkParams>[1]) {
  const handle = await open(path)
  try {
    const file = positionalFile(handle, (await handle.stat()).size)
    const tensors: ParamsTensor[] = []
    for await (const t of walkParams(new FileCursor(file), slots)) tensors.push(t)
    return { tensors, bytesRead: file.bytesRead }
  } finally {
    await handle.close()
  }
}

describe('walkParams', () => {
  it('says where each tensor’s data is, reading only the headers of a file with a 4 MB tensor', async () => {
    const dir = tempDirForTest('paddle-params')
    const big = new Uint8Array(4 * 1024 * 1024)
    for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) & 0xff
    const specs = [
      {
        dims: [2],
        dataType: DataType.INT64,
        data: Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]),
      },
      { dims: [1024, 1024], data: big },
      { dims: [3], dataType: DataType.UINT8, data: Uint8Array.from([7, 8, 9]) },
      { dims: [256, 1024], dataType: DataType.FP16 },
    ]
    const path = join(dir, 'inference.pdiparams')
    const bytes = paramsFile(specs)
    writeFileSync(path, bytes)
    const slots = specs.map((s, i) => ({
      name: `p${i}`,
      dataType: s.dataType ?? DataType.FP32,
      dims: s.dims,
    }))
    const { tensors, bytesRead } = await walkFile(path, slots)

    expect(tensors.map((t) => [t.name, t.dims, t.byteLength])).toEqual([
      ['p0', [2], 16],
      ['p1', [1024, 1024], 4 * 1024 * 1024],
      ['p2', [3], 3],
      ['p3', [256, 1024], 512 * 1024],
    ])
    // The data at each offset is what was written there.
    const fd = openSync(path, 'r')
    try {
      for (const [i, t] of tensors.entries()) {
        const expected = specs[i]!.data
        if (!expected) continue
        const got = Buffer.alloc(t.byteLength)
        readSync(fd, got, 0, t.byteLength, t.dataOffset)
        expect(Buffer.compare(got, expected), `data of ${t.name}`).toBe(0)
      }
    } finally {
      closeSync(fd)
    }
    expect(tensors.at(-1)!.dataOffset + tensors.at(-1)!.byteLength).toBe(bytes.length)
    // Four headers of about 30 bytes, read 256 bytes at a time: a few hundred bytes of a 4.5 MB
    // file, however large the tensors are.
    expect(bytesRead).toBeLessThanOrEqual(4 * 256)
  })

  it('reports where a file runs out without reading up to there', async () => {
    const dir = tempDirForTest('paddle-params')
    const path = join(dir, 'inference.pdiparams')
    // The header says 64 MB of FP32 data (at 20 + a 7-byte TensorDesc); the file holds 1 kB.
    const bytes = paramsFile([{ dims: [16 * 1024 * 1024], data: new Uint8Array(1024) }])
    writeFileSync(path, bytes)
    const handle = await open(path)
    const file = positionalFile(handle, bytes.length)
    try {
      const walk = walkParams(new FileCursor(file), [
        { name: 'w', dataType: DataType.FP32, dims: null },
      ])
      await expect(walk.next()).rejects.toMatchObject({
        name: 'FormatError',
        message: 'ends 67,107,840 bytes early: w needs 67,108,864 bytes of FP32 data at byte 27',
        offset: 27,
      })
      expect(file.bytesRead).toBeLessThanOrEqual(256)
    } finally {
      await handle.close()
    }
  })
})

describe('programParams', () => {
  it('lists persistable tensors once each, without feed and fetch, in UTF-8 byte order', () => {
    // JavaScript's default sort would put the astral "😀" (UTF-16 D83D…) before U+FFFD;
    // in UTF-8 (EF BF BD < F0 9F …), as Python sorts, it comes after.
    const names = ['b', 'B', '\uFFFD', '😀', 'a.w_0', 'a.b_0', 'é']
    const bytes = program({
      vars: [
        ...names.map((name) => ({ name, dims: [1], persistable: true })),
        { name: 'tmp', dims: [1] },
      ],
      subBlocks: [
        {
          vars: [
            { name: 'b', dims: [1], persistable: true },
            { name: 'sub', dims: [2], persistable: true },
          ],
        },
      ],
    })
    const slots = programParams(parseProgramDesc(bytes))
    expect(slots.map((s) => s.name)).toEqual([
      'B',
      'a.b_0',
      'a.w_0',
      'b',
      'sub',
      'é',
      '\uFFFD',
      '😀',
    ])
    expect(slots.find((s) => s.name === 'sub')).toEqual({
      name: 'sub',
      dataType: DataType.FP32,
      dims: [2],
    })
  })

  it('refuses persistable variables it cannot lay out, and leaves readers out', () => {
    const reader = program({ vars: [{ name: 'r', kind: VarKind.READER, persistable: true }] })
    expect(programParams(parseProgramDesc(reader))).toEqual([])
    const raw = program({ vars: [{ name: 'r', kind: VarKind.RAW, persistable: true }] })
    expect(() => programParams(parseProgramDesc(raw))).toThrow(/persistable variable r is a RAW/)
  })
})
