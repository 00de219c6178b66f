/**
 * The graph reader against models the app's own ONNX writer makes: every part the counter needs
 * (opsets, symbolic dims, attributes of each kind, small tensors' values), weights jumped over
 * rather than read (a model of 4 MB of weights costs a few kilobytes of reads), external data
 * counted from dims with the data file never opened, and files that are not models refused with
 * the byte where they go wrong.
 */
import { existsSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { OnnxType, encodeOnnxModel, writeOnnxModel } from '../../../src/main/convert/onnxModel'
import { readOnnxGraph, memoryFile, walkModel } from '../../../src/main/facts/readOnnxGraph'
import { modelFacts } from '../../../src/main/facts/modelFacts'
import { positionalFile } from '../../../src/main/paddle/positionalFile'
import { canMakeFifos, makeFifo } from '../helpers/specialFiles'
import { tempDirForTest } from '../helpers/tempDir'
import { convNet, int64s, node, tensor } from './helpers/tinyGraphs'

const bigWeights = () =>
  encodeOnnxModel({
    opset: 17,
    producer: { name: 'tests', version: '2' },
    graph: {
      name: 'big',
      nodes: [
        node('Reshape', ['x', 'shape'], ['flat']),
        node('MatMul', ['flat', 'w'], ['y']),
        node('Split', ['y'], ['y1', 'y2'], { axis: { i: 1 } }),
        node('Constant', [], ['c'], {
          value: {
            t: { name: 'cv', dataType: OnnxType.FLOAT, dims: [2], data: new Uint8Array(8) },
          },
        }),
        node('LeakyRelu', ['y1'], ['z'], { alpha: { f: 0.25 } }),
        node('Resize', ['z', '', 'scales'], ['r'], {
          mode: { s: 'nearest' },
          unused: { floats: [1.5, 2] },
        }),
      ],
      initializers: [int64s('shape', [1, -1]), tensor('w', [1024, 1024]), tensor('scales', [2])],
      inputs: [{ name: 'x', elemType: OnnxType.FLOAT, shape: ['batch', 32, 32] }],
      outputs: [{ name: 'r', elemType: OnnxType.FLOAT, shape: ['batch', 'n'] }],
    },
  })

describe('reading a graph', () => {
  it('reads opsets, producer, inputs with symbolic dims, nodes, attributes and small values', async () => {
    const graph = await walkModel(memoryFile(bigWeights()))
    expect(graph.irVersion).toBe(8)
    expect(graph.producer).toEqual({ name: 'tests', version: '2' })
    expect(graph.opsets).toEqual([{ domain: '', version: 17 }])
    expect(graph.inputs).toEqual([{ name: 'x', elemType: OnnxType.FLOAT, dims: ['batch', 32, 32] }])
    expect(graph.outputs[0]!.dims).toEqual(['batch', 'n'])
    expect(graph.nodes.map((n) => n.opType)).toEqual([
      'Reshape',
      'MatMul',
      'Split',
      'Constant',
      'LeakyRelu',
      'Resize',
    ])
    const [, , split, constant, leaky, resize] = graph.nodes
    expect(split!.outputs).toEqual(['y1', 'y2'])
    expect(split!.attributes.get('axis')).toEqual({ kind: 'int', value: 1 })
    expect(leaky!.attributes.get('alpha')).toEqual({ kind: 'float', value: 0.25 })
    expect(resize!.inputs).toEqual(['z', '', 'scales'])
    expect(resize!.attributes.get('mode')).toEqual({ kind: 'string', value: 'nearest' })
    expect(resize!.attributes.get('unused')).toEqual({ kind: 'floats', value: [1.5, 2] })
    expect(constant!.attributes.get('value')).toMatchObject({
      kind: 'tensor',
      value: { name: 'cv', dims: [2], values: [0, 0] },
    })
    const byName = new Map(graph.initializers.map((t) => [t.name, t]))
    expect(byName.get('shape')).toEqual({
      name: 'shape',
      dataType: OnnxType.INT64,
      dims: [2],
      external: null,
      values: [1, -1],
    })
    // A weight keeps its dims, not its values.
    expect(byName.get('w')).toMatchObject({ dims: [1024, 1024], values: null })
  })

  it('jumps over the weights: 4 MB of them cost a few kilobytes of reads', async () => {
    const bytes = bigWeights()
    const file = memoryFile(bytes)
    await walkModel(file)
    expect(bytes.length).toBeGreaterThan(4 * 1024 ** 2)
    expect(file.bytesRead).toBeLessThan(200 * 1024)
  })

  it('counts weights in an external data file from their dims, without opening the file', async () => {
    const dir = tempDirForTest('facts-external')
    const path = join(dir, 'model.onnx')
    const written = await writeOnnxModel(
      path,
      {
        opset: 13,
        graph: {
          name: 'g',
          nodes: [node('MatMul', ['x', 'w'], ['y'])],
          initializers: [tensor('w', [512, 256])],
          inputs: [{ name: 'x', elemType: OnnxType.FLOAT, shape: ['N', 512] }],
          outputs: [{ name: 'y', elemType: OnnxType.FLOAT, shape: ['N', 256] }],
        },
      },
      { inlineLimit: 1024 },
    )
    expect(written.dataPath).not.toBeNull()
    // Gone: the reader must not need it.
    rmSync(written.dataPath!)
    const graph = await readOnnxGraph(path)
    expect(graph.initializers[0]).toMatchObject({ dims: [512, 256], external: 'model.onnx.data' })
    const facts = modelFacts(graph, { fileBytes: graph.fileBytes })
    expect(facts.externalData).toBe(true)
    expect(facts.params).toBe(512 * 256)
    expect(facts.macs).toBe(512 * 256)
  })

  it('reads the same through positional reads of a real file', async () => {
    const dir = tempDirForTest('facts-file')
    const path = join(dir, 'net.onnx')
    writeFileSync(path, convNet(32))
    const handle = await open(path)
    try {
      const stat = await handle.stat()
      const fromFile = await walkModel(positionalFile(handle, stat.size))
      const fromMemory = await walkModel(memoryFile(convNet(32)))
      expect(fromFile).toEqual(fromMemory)
    } finally {
      await handle.close()
    }
  })
})

describe('what is not a model', () => {
  it('refuses a file cut short, naming the byte', async () => {
    const dir = tempDirForTest('facts-bad')
    const path = join(dir, 'cut.onnx')
    const bytes = convNet(32)
    writeFileSync(path, bytes)
    truncateSync(path, bytes.length - 100)
    await expect(readOnnxGraph(path)).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringMatching(/^cut\.onnx is not a readable ONNX model: .* at byte [\d,]+/),
    })
  })

  it('refuses garbage, an empty file and a protobuf without a graph', async () => {
    const dir = tempDirForTest('facts-bad')
    const cases: [string, Uint8Array, RegExp][] = [
      ['garbage.onnx', new TextEncoder().encode('not a model at all'), /wire type|length|group/],
      ['empty.onnx', new Uint8Array(0), /the file is empty/],
      ['nograph.onnx', Uint8Array.from([0x08, 0x07]), /it has no graph \(field 7\)/],
    ]
    for (const [name, bytes, message] of cases) {
      const path = join(dir, name)
      writeFileSync(path, bytes)
      await expect(readOnnxGraph(path)).rejects.toMatchObject({
        code: 'MODEL_INVALID',
        message: expect.stringMatching(message),
      })
    }
  })

  it('refuses a folder, a device, and a length that claims more than the file holds', async () => {
    const dir = tempDirForTest('facts-bad')
    await expect(readOnnxGraph(dir)).rejects.toMatchObject({ code: 'NOT_A_FILE' })
    if (existsSync('/dev/zero'))
      await expect(readOnnxGraph('/dev/zero')).rejects.toMatchObject({ code: 'NOT_A_FILE' })
    const path = join(dir, 'claims.onnx')
    // ir_version 7, then a graph field claiming 2^40 bytes.
    writeFileSync(path, Uint8Array.from([0x08, 0x07, 0x3a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]))
    await expect(readOnnxGraph(path)).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringMatching(/length 1099511627776 at byte 2 runs past the end/),
    })
  })

  it('answers every cut and corrupted copy of a model with a counted graph or a clear error', async () => {
    const bytes = convNet(32)
    let seed = 7
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
    const copies = Array.from({ length: bytes.length }, (_, cut) => bytes.subarray(0, cut))
    for (let i = 0; i < 600; i++) {
      const copy = Uint8Array.from(bytes)
      for (let k = 0; k < 3; k++)
        copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256)
      copies.push(copy)
    }
    const outcomes = { counted: 0, refused: 0 }
    for (const copy of copies) {
      try {
        const facts = modelFacts(await walkModel(memoryFile(copy)), { fileBytes: copy.length })
        expect([facts.params, facts.macs, facts.flops].every(Number.isFinite)).toBe(true)
        outcomes.counted++
      } catch (error) {
        // FormatError from the reader, AppError (an input that is no image) from the counter.
        expect((error as Error).name).toMatch(/^(FormatError|AppError)$/)
        outcomes.refused++
      }
    }
    expect(outcomes.counted).toBeGreaterThan(0)
    expect(outcomes.refused).toBeGreaterThan(0)
  })

  it.runIf(canMakeFifos('the FIFO refusal test'))('refuses a FIFO without opening it', async () => {
    const fifo = makeFifo(tempDirForTest('facts-fifo'), 'model.onnx')
    await expect(readOnnxGraph(fifo)).rejects.toMatchObject({ code: 'NOT_A_FILE' })
  })
})
