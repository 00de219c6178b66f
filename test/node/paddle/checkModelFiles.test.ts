/**
 * checkModelFiles, the check the weights cache runs before it calls an archive cached: good
 * Paddle 2 / Paddle 3 / ONNX / pdparams files written by the tests pass with the right figures,
 * and each way a file can be cut off, padded, reordered or forged is refused as ARCHIVE_CORRUPT
 * with a message naming the file, the variable and the byte.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ModelCheckSummary } from '@shared/contract'
import { type ModelCheckInput, checkModelFiles } from '../../../src/main/paddle/checkPaddleModel'
import { encodeModel, tinyClassifier } from '../inference/helpers/onnxBuilder'
import { tempDirForTest } from '../helpers/tempDir'
import {
  DataType,
  type PirParamSpec,
  type TensorSpec,
  VarKind,
  type VarSpec,
  paramsFile,
  paramsOf,
  pickle,
  pirJson,
  program,
  tinyModel,
  tensorRecord,
} from '../../support/paddle/paddleWriter'
import { ProtoWriter, concat } from '../../../src/main/convert/protoWriter'

type Files = Record<string, Uint8Array | string>

interface Case {
  name: string
  files: Files
  input: ModelCheckInput
  /** The summary, or the exact error message (a RegExp where the exact text is not the point). */
  expected: ModelCheckSummary | string | RegExp
}

const P2 = { format: 'paddle2', model: 'inference.pdmodel', params: 'inference.pdiparams' } as const
const P3 = { format: 'paddle3', model: 'inference.json', params: 'inference.pdiparams' } as const

// The tiny model's params in name order: batch_norm_0.b_0, .w_0, .w_1, .w_2 ([4] FP32: a
// 20-byte header, a 4-byte TensorDesc, 16 bytes of data, 40 bytes a record, at 0, 40, 80, 120),
// then conv2d_0.w_0 ([4, 3, 3, 3] FP32: header 20 + TensorDesc 10 at 160, 432 bytes of data at
// 190), 622 bytes in all, 496 of them data.
const tiny = tinyModel()
const tinyModelBytes = program(tiny.spec)
const tinyTensors = paramsOf(tiny.vars)
const tinyParams = paramsFile(tinyTensors)
const tinySummary: ModelCheckSummary = {
  format: 'paddle2',
  paddleVersion: 2006002,
  ops: 5,
  params: 5,
  paramBytes: 496,
}

const with2 = (params: Uint8Array, model: Uint8Array = tinyModelBytes): Files => ({
  'inference.pdmodel': model,
  'inference.pdiparams': params,
})
const replaced = (i: number, change: Partial<TensorSpec>) =>
  paramsFile(tinyTensors.map((t, k) => (k === i ? { ...t, data: undefined, ...change } : t)))

/** Element sizes written out by hand (framework.proto's types), not taken from the reader. */
const sizes: [keyof typeof DataType, number][] = [
  ['BOOL', 1],
  ['INT16', 2],
  ['INT32', 4],
  ['INT64', 8],
  ['FP16', 2],
  ['FP32', 4],
  ['FP64', 8],
  ['SIZE_T', 8],
  ['UINT8', 1],
  ['INT8', 1],
  ['BF16', 2],
  ['COMPLEX64', 8],
  ['COMPLEX128', 16],
]
const typedVars: VarSpec[] = sizes.map(([name], i) => ({
  name: `t_${name.toLowerCase()}`,
  dataType: DataType[name],
  dims: [3, i + 1],
  persistable: true,
  packedDims: i % 2 === 1,
}))
const typedTensors = paramsOf(typedVars).map((t, i) => {
  const bytes = sizes.find(([name]) => DataType[name] === t.dataType)![1]
  return { ...t, data: new Uint8Array(3 * t.dims[1]! * bytes), packedDims: i % 3 === 0 }
})

const paddle2Good: Case[] = [
  {
    name: 'a tiny conv + batch_norm program',
    files: with2(tinyParams),
    input: P2,
    expected: tinySummary,
  },
  {
    name: 'tensors of every element type, dims packed and unpacked',
    files: with2(
      paramsFile(typedTensors),
      program({ vars: [{ name: 'x', dims: [-1, 3] }, ...typedVars] }),
    ),
    input: P2,
    expected: {
      ...tinySummary,
      ops: 2,
      params: 13,
      // Σ 3 × (i + 1) × size over the types in order.
      paramBytes: sizes.reduce((sum, [, size], i) => sum + 3 * (i + 1) * size, 0),
    },
  },
  {
    name: 'a scalar, an empty tensor and a program without a version',
    files: with2(
      paramsFile([{ dims: [0, 5] }, { dims: [], dataType: DataType.INT64 }]),
      program({
        vars: [
          { name: 'a_empty', dims: [0, 5], persistable: true },
          { name: 'b_scalar', dims: [], dataType: DataType.INT64, persistable: true },
        ],
        version: null,
      }),
    ),
    input: P2,
    expected: { ...tinySummary, paddleVersion: null, ops: 2, params: 2, paramBytes: 8 },
  },
  {
    name: 'a program without parameters and an empty params file',
    files: with2(new Uint8Array(0), program({ vars: [{ name: 'x', dims: [-1] }] })),
    input: P2,
    expected: { ...tinySummary, ops: 2, params: 0, paramBytes: 0 },
  },
  {
    name: 'variables listed out of name order (the params file is in name order all the same)',
    files: with2(tinyParams, program({ ...tiny.spec, vars: [...tiny.vars].reverse() })),
    input: P2,
    expected: tinySummary,
  },
  {
    name: 'a tensor stored with LoD levels',
    files: with2(replaced(0, { lod: [new Uint8Array(16), new Uint8Array(0)] })),
    input: P2,
    expected: tinySummary,
  },
  {
    name: 'a persistable variable of a sub-block, and one declared in two blocks',
    files: with2(
      paramsFile([{ dims: [2] }, { dims: [3] }]),
      program({
        vars: [{ name: 'a', dims: [2], persistable: true }],
        subBlocks: [
          {
            vars: [
              { name: 'a', dims: [2], persistable: true },
              { name: 'b', dims: [3], persistable: true },
            ],
            ops: [{ type: 'relu' }],
          },
        ],
      }),
    ),
    input: P2,
    expected: { ...tinySummary, ops: 3, params: 2, paramBytes: 20 },
  },
]

const conv = "conv2d_0.w_0 (the 5th of the program's 5 persistable variables, in name order)"
const garbage = Uint8Array.from({ length: 3000 }, (_, i) => (i * 2654435761) >>> 24)

const paddle2Bad: Case[] = [
  {
    name: 'a truncated pdmodel',
    files: with2(tinyParams, tinyModelBytes.subarray(0, 300)),
    input: P2,
    expected: /^inference\.pdmodel is not a Paddle program: .* at byte [\d,]+$/,
  },
  {
    name: 'a garbage pdmodel',
    files: with2(tinyParams, garbage),
    input: P2,
    expected: /^inference\.pdmodel is not a Paddle program: .* at byte [\d,]+$/,
  },
  {
    name: 'an empty pdmodel',
    files: with2(tinyParams, new Uint8Array(0)),
    input: P2,
    expected: 'inference.pdmodel is not a Paddle program: the file is empty',
  },
  {
    name: 'an ONNX file as the pdmodel',
    files: with2(tinyParams, tinyClassifier().bytes),
    input: P2,
    expected: /^inference\.pdmodel is not a Paddle program: /,
  },
  {
    name: 'a params file 10 bytes short',
    files: with2(tinyParams.subarray(0, tinyParams.length - 10)),
    input: P2,
    expected:
      'inference.pdiparams ends 10 bytes early: conv2d_0.w_0 needs 432 bytes of FP32 data at byte 190',
  },
  {
    // batch_norm_0.w_0's data is at 64–80: cut at 70, it lacks 10 bytes.
    name: 'a params file cut in the middle of a record, with tensors to follow',
    files: with2(tinyParams.subarray(0, 70)),
    input: P2,
    expected:
      'inference.pdiparams ends 10 bytes early: batch_norm_0.w_0 needs 16 bytes of FP32 data at byte 64, and 3 more tensors should follow',
  },
  {
    name: 'a params file cut inside a header',
    files: with2(tinyParams.subarray(0, 165)),
    input: P2,
    expected: 'inference.pdiparams ends inside the header of conv2d_0.w_0 at byte 164',
  },
  {
    name: 'a params file cut inside a TensorDesc',
    files: with2(tinyParams.subarray(0, 185)),
    input: P2,
    expected:
      "inference.pdiparams ends early: conv2d_0.w_0's TensorDesc at byte 176 claims 10 bytes, but only 5 remain",
  },
  {
    name: 'an empty params file',
    files: with2(new Uint8Array(0)),
    input: P2,
    expected:
      "inference.pdiparams ends after 0 tensors, at byte 0: the program expects 5, and batch_norm_0.b_0 (the 1st of the program's 5 persistable variables, in name order) and 4 more are missing",
  },
  {
    name: 'a params file with 512 bytes too many',
    files: with2(concat([tinyParams, new Uint8Array(512)])),
    input: P2,
    expected:
      "inference.pdiparams has 512 bytes after its last tensor (the program's 5 persistable variables end at byte 622): the file is damaged, or belongs to another program",
  },
  {
    name: 'an extra tensor',
    files: with2(concat([tinyParams, tensorRecord({ dims: [2] })])),
    input: P2,
    expected: /^inference\.pdiparams has 32 bytes after its last tensor /,
  },
  {
    name: 'a variable missing in the middle',
    files: with2(paramsFile(tinyTensors.filter((t) => t.name !== 'batch_norm_0.w_2'))),
    input: P2,
    expected:
      "inference.pdiparams does not match the program: the tensor at byte 120 is [4, 3, 3, 3] FP32, but there the program expects batch_norm_0.w_2 (the 4th of the program's 5 persistable variables, in name order), [4] FP32",
  },
  {
    name: 'the last variable missing',
    files: with2(paramsFile(tinyTensors.slice(0, 4))),
    input: P2,
    expected: `inference.pdiparams ends after 4 tensors, at byte 160: the program expects 5, and ${conv} is missing`,
  },
  {
    name: 'a tensor of the wrong type',
    files: with2(replaced(1, { dataType: DataType.FP64 })),
    input: P2,
    expected:
      "inference.pdiparams does not match the program: the tensor at byte 40 is [4] FP64, but there the program expects batch_norm_0.w_0 (the 2nd of the program's 5 persistable variables, in name order), [4] FP32",
  },
  {
    name: 'a tensor of the wrong shape',
    files: with2(replaced(4, { dims: [4, 3, 3, 2] })),
    input: P2,
    expected: `inference.pdiparams does not match the program: the tensor at byte 160 is [4, 3, 3, 2] FP32, but there the program expects ${conv}, [4, 3, 3, 3] FP32`,
  },
  {
    name: 'tensors in program order instead of name order',
    files: with2(
      paramsFile(tiny.vars.filter((v) => v.persistable).map((v) => ({ dims: v.dims! }))),
    ),
    input: P2,
    expected:
      /^inference\.pdiparams does not match the program: the tensor at byte 0 is \[4, 3, 3, 3\] FP32, but there the program expects batch_norm_0\.b_0 /,
  },
  {
    name: 'a bad version field',
    files: with2(replaced(1, { version: 1 })),
    input: P2,
    expected:
      "inference.pdiparams has version 1 where batch_norm_0.w_0's record begins, at byte 40 (expected 0): the file is damaged, or not a Paddle params file",
  },
  {
    name: 'a bad tensor version field',
    files: with2(replaced(0, { tensorVersion: 2 })),
    input: P2,
    expected:
      'inference.pdiparams has tensor version 2 for batch_norm_0.b_0 at byte 12 (expected 0): the file is damaged',
  },
  {
    name: 'a huge LoD level count',
    files: with2(replaced(0, { lodCount: 2n ** 40n })),
    input: P2,
    expected:
      'inference.pdiparams claims 1099511627776 LoD levels for batch_norm_0.b_0 at byte 4 (Paddle writes at most a few): the file is damaged',
  },
  {
    name: 'a LoD level larger than the file',
    // One level announced and none written: the tensor version and TensorDesc length that
    // follow read as a level of 4 << 32 bytes.
    files: with2(replaced(0, { lodCount: 1n })),
    input: P2,
    expected:
      'inference.pdiparams ends early: LoD level 0 of batch_norm_0.b_0 at byte 12 claims 17179869184 bytes, but only 602 remain',
  },
  {
    name: 'a TensorDesc length past the end',
    files: with2(replaced(0, { descLength: 1_000_000 })),
    input: P2,
    expected:
      "inference.pdiparams ends early: batch_norm_0.b_0's TensorDesc at byte 16 claims 1,000,000 bytes, but only 602 remain",
  },
  {
    name: 'a negative TensorDesc length',
    files: with2(replaced(0, { descLength: -1 })),
    input: P2,
    expected:
      'inference.pdiparams claims a TensorDesc of -1 bytes for batch_norm_0.b_0 at byte 16: the file is damaged',
  },
  {
    name: 'a malformed TensorDesc',
    files: with2(replaced(0, { desc: Uint8Array.from([0x08, 0x80, 0x80, 0x80]) })),
    input: P2,
    expected:
      'inference.pdiparams has a malformed TensorDesc for batch_norm_0.b_0: truncated varint at byte 21',
  },
  {
    name: 'a negative dimension in the params file',
    files: with2(replaced(0, { dims: [-4], data: new Uint8Array(16) })),
    input: P2,
    expected:
      'inference.pdiparams stores batch_norm_0.b_0 at byte 0 as [-4] FP32: a stored tensor cannot have a negative dimension',
  },
  {
    // Header 20 + TensorDesc 23 (type 2 bytes, three dims of 1 + 6 bytes): data at 43.
    name: 'dims whose product overflows',
    files: with2(
      paramsFile([{ dims: [2 ** 40, 2 ** 40, 2 ** 40], data: new Uint8Array(0) }]),
      program({ vars: [{ name: 'huge', dims: [2 ** 40, 2 ** 40, 2 ** 40], persistable: true }] }),
    ),
    input: P2,
    expected:
      'inference.pdiparams ends early: huge needs [1099511627776, 1099511627776, 1099511627776] FP32, more bytes than the file holds, at byte 43',
  },
  {
    name: 'a persistable variable that is not a dense tensor',
    files: with2(
      tinyParams,
      program({
        vars: [...tiny.vars, { name: 'rows', kind: VarKind.SELECTED_ROWS, persistable: true }],
      }),
    ),
    input: P2,
    expected:
      "inference.pdmodel cannot be checked: the program's persistable variable rows is a SELECTED_ROWS, which an inference params file cannot hold as a tensor",
  },
]

// Paddle 3: the parameters in program order; the params file holds them in name order.
const pirParams: PirParamSpec[] = [
  { name: 'fc_0.w_0', dims: [8, 3] },
  { name: 'conv2d_0.w_0', dims: [4, 3, 3, 3] },
  { name: 'fc_0.b_0', dims: [3], pirType: 't_f16' },
]
const pirTensors: TensorSpec[] = [
  { dims: [4, 3, 3, 3] },
  { dims: [3], dataType: DataType.FP16 },
  { dims: [8, 3] },
]
const pirParamsBytes = paramsFile(pirTensors)
const with3 = (json: string, params: Uint8Array = pirParamsBytes): Files => ({
  'inference.json': json,
  'inference.pdiparams': params,
})
const pirSummary: ModelCheckSummary = {
  format: 'paddle3',
  paddleVersion: null,
  ops: 6,
  params: 3,
  paramBytes: 432 + 6 + 96,
}

/** A program whose every op holds a region with the next op in it, `depth` ops in all. */
function nestedPir(depth: number): string {
  const open = '{"#": "1.if", "I": [], "O": [], "A": [], "regions": [{"blocks": [{"ops": ['
  const innermost = '{"#": "1.relu", "I": [], "O": [], "A": []}'
  const close = ']}]}]}'
  return `{"base_code": {"magic": "pir", "version": 1}, "program": {"regions": [{"blocks": [{"ops": [${open.repeat(depth - 1)}${innermost}${close.repeat(depth - 1)}]}]}]}}`
}

const paddle3: Case[] = [
  {
    name: 'a good Paddle 3 program',
    files: with3(pirJson(pirParams)),
    input: P3,
    expected: pirSummary,
  },
  {
    name: 'uncompressed builtin.parameter ops',
    files: with3(pirJson(pirParams, { legacyParameterOps: true })),
    input: P3,
    expected: pirSummary,
  },
  {
    name: 'parameter ops without types (counted and walked, not compared)',
    files: with3(pirJson(pirParams, { untyped: true })),
    input: P3,
    expected: pirSummary,
  },
  {
    name: 'regions nested 5,000 deep (walked without recursion)',
    files: with3(nestedPir(5000), new Uint8Array(0)),
    input: P3,
    expected: { ...pirSummary, ops: 5000, params: 0, paramBytes: 0 },
  },
  {
    name: 'an operator that is not an object',
    files: with3(pirJson(pirParams).replace('"ops":[', '"ops":[7,')),
    input: P3,
    expected:
      'inference.json is not a Paddle 3 program: program.regions[0].blocks[0].ops[0] is not an operator (no "#" name)',
  },
  {
    name: 'JSON without the pir magic',
    files: with3(pirJson(pirParams, { magic: null })),
    input: P3,
    expected: 'inference.json is not a Paddle 3 program: it has no base_code with magic "pir"',
  },
  {
    name: 'another magic',
    files: with3(pirJson(pirParams, { magic: 'onnx' })),
    input: P3,
    expected: 'inference.json is not a Paddle 3 program: it has no base_code with magic "pir"',
  },
  {
    name: 'not JSON',
    files: with3('{"base_code": {"magic": "pir"'),
    input: P3,
    expected: /^inference\.json is not JSON \(/,
  },
  {
    name: 'a program without regions',
    files: with3(JSON.stringify({ base_code: { magic: 'pir', version: 1 }, program: {} })),
    input: P3,
    expected: 'inference.json is not a Paddle 3 program: program.regions is not a list',
  },
  {
    // fc_0.w_0 dropped from the program: its record (20 + 6 + 96 bytes) is left over.
    name: 'one parameter more in the params file than in the program',
    files: with3(pirJson(pirParams.slice(1))),
    input: P3,
    expected:
      /^inference\.pdiparams has 122 bytes after its last tensor \(the program's 2 persistable variables end at byte [\d,]+\)/,
  },
  {
    name: 'one parameter fewer in the params file than in the program',
    files: with3(pirJson(pirParams), paramsFile(pirTensors.slice(0, 2))),
    input: P3,
    expected:
      /^inference\.pdiparams ends after 2 tensors, at byte [\d,]+: the program expects 3, and fc_0\.w_0 /,
  },
  {
    name: 'a truncated params file',
    files: with3(pirJson(pirParams), pirParamsBytes.subarray(0, pirParamsBytes.length - 1)),
    input: P3,
    expected:
      /^inference\.pdiparams ends 1 byte early: fc_0\.w_0 needs 96 bytes of FP32 data at byte /,
  },
  {
    name: 'a parameter of another shape than the program says',
    files: with3(
      pirJson(pirParams.map((p) => (p.name === 'fc_0.w_0' ? { ...p, dims: [3, 8] } : p))),
    ),
    input: P3,
    expected:
      /^inference\.pdiparams does not match the program: the tensor at byte [\d,]+ is \[8, 3\] FP32, but there the program expects fc_0\.w_0 .*, \[3, 8\] FP32$/,
  },
]

const onnx = tinyClassifier().bytes
const onnxSummary: ModelCheckSummary = {
  format: 'onnx',
  paddleVersion: null,
  ops: 0,
  params: 0,
  paramBytes: 0,
}
const O = { format: 'onnx', model: 'model.onnx' } as const
const pdparamsSummary: ModelCheckSummary = { ...onnxSummary, format: 'pdparams' }
const PK = { format: 'pdparams', params: 'model.pdparams' } as const

const others: Case[] = [
  { name: 'a good ONNX model', files: { 'model.onnx': onnx }, input: O, expected: onnxSummary },
  {
    name: 'an ONNX model missing its last byte',
    files: { 'model.onnx': onnx.subarray(0, onnx.length - 1) },
    input: O,
    expected:
      /^model\.onnx ends early: its opset_import at byte [\d,]+ claims \d+ bytes, but only \d+ remain$/,
  },
  {
    name: 'an ONNX model cut in half',
    files: { 'model.onnx': onnx.subarray(0, onnx.length >> 1) },
    input: O,
    expected:
      /^model\.onnx ends early: its graph at byte [\d,]+ claims [\d]+ bytes, but only [\d]+ remain$/,
  },
  {
    name: 'text as an ONNX model',
    files: { 'model.onnx': 'hello, this is not a model\n' },
    input: O,
    expected: /^model\.onnx is not an ONNX model: /,
  },
  {
    name: 'an ONNX model without a graph',
    files: { 'model.onnx': new ProtoWriter().int(1, 8).string(2, 'x').encode() },
    input: O,
    expected: 'model.onnx is not an ONNX model: it has no graph (field 7)',
  },
  {
    name: 'an ONNX graph written with the wrong wire type',
    files: { 'model.onnx': new ProtoWriter().int(1, 8).int(7, 1).encode() },
    input: O,
    expected:
      'model.onnx is not an ONNX model: ModelProto.graph (field 7) is varint, not length-delimited, at byte 2',
  },
  {
    name: 'an empty ONNX file',
    files: { 'model.onnx': '' },
    input: O,
    expected: 'model.onnx is empty',
  },
  ...[2, 4, 5].map((protocol): Case => ({
    name: `a protocol ${protocol} pickle`,
    files: { 'model.pdparams': pickle(protocol) },
    input: PK,
    expected: pdparamsSummary,
  })),
  {
    name: 'a truncated pickle',
    files: { 'model.pdparams': pickle(4).subarray(0, 5) },
    input: PK,
    expected:
      "model.pdparams is cut off: a pickle ends with STOP ('.'), but its last byte is 0x00 (an incomplete download?)",
  },
  {
    name: 'an empty pickle',
    files: { 'model.pdparams': '' },
    input: PK,
    expected: 'model.pdparams is empty',
  },
  {
    name: 'a protocol 1 file',
    files: { 'model.pdparams': Uint8Array.from([0x80, 0x01, 0x7d, 0x2e]) },
    input: PK,
    expected:
      'model.pdparams is not a Python pickle of protocol 2 to 5 (it starts with 0x80 0x01, not 0x80 and the protocol)',
  },
  {
    name: 'an HTML error page as a pickle',
    files: { 'model.pdparams': '<html>404</html>.' },
    input: PK,
    expected: /^model\.pdparams is not a Python pickle /,
  },
]

function writeFiles(dir: string, files: Files): void {
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body)
}

function inDir(dir: string, input: ModelCheckInput): ModelCheckInput {
  const at = (name: string) => join(dir, name)
  switch (input.format) {
    case 'onnx':
      return { ...input, model: at(input.model) }
    case 'pdparams':
      return { ...input, params: at(input.params) }
    default:
      return { ...input, model: at(input.model), params: at(input.params) }
  }
}

describe.each([
  ['Paddle 2, good', paddle2Good],
  ['Paddle 2, damaged', paddle2Bad],
  ['Paddle 3', paddle3],
  ['ONNX and pdparams', others],
])('checkModelFiles: %s', (_, cases) => {
  it.each(cases)('$name', async ({ files, input, expected }) => {
    const dir = tempDirForTest('paddle-check')
    writeFiles(dir, files)
    const check = checkModelFiles(inDir(dir, input))
    if (typeof expected === 'object' && !(expected instanceof RegExp)) {
      await expect(check).resolves.toEqual(expected)
      return
    }
    const error = await check.then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ name: 'AppError', code: 'ARCHIVE_CORRUPT' })
    const message = (error as Error).message
    if (typeof expected === 'string') expect(message).toBe(expected)
    else expect(message).toMatch(expected)
    // No stack traces or absolute paths in what the user reads.
    expect(message).not.toContain(dir)
    expect(message).not.toMatch(/\n\s+at /)
  })
})

describe('checkModelFiles: files that are not files', () => {
  it("passes on the opener's error for a folder or a missing file", async () => {
    const dir = tempDirForTest('paddle-check')
    writeFiles(dir, with2(tinyParams))
    mkdirSync(join(dir, 'folder'))
    await expect(
      checkModelFiles({
        format: 'paddle2',
        model: join(dir, 'inference.pdmodel'),
        params: join(dir, 'folder'),
      }),
    ).rejects.toMatchObject({ code: 'NOT_A_FILE' })
    await expect(
      checkModelFiles({
        format: 'paddle2',
        model: join(dir, 'missing.pdmodel'),
        params: join(dir, 'inference.pdiparams'),
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('refuses garbage params files of many shapes as ARCHIVE_CORRUPT, never a RangeError', async () => {
    const dir = tempDirForTest('paddle-check')
    writeFiles(dir, with2(tinyParams))
    let seed = 99
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff
    for (let trial = 0; trial < 40; trial++) {
      // Real records with some bytes overwritten at random.
      const bytes = Uint8Array.from(tinyParams)
      for (let k = 0; k < 1 + (trial % 5); k++) bytes[random() % 200] = random()
      writeFileSync(join(dir, 'inference.pdiparams'), bytes)
      const result = await checkModelFiles(inDir(dir, P2)).then(
        (summary) => summary,
        (e: unknown) => e,
      )
      // A byte of data may be hit, which no check can see; anything else is refused.
      if ('format' in (result as object)) expect(result).toEqual(tinySummary)
      else expect(result).toMatchObject({ code: 'ARCHIVE_CORRUPT' })
    }
    // An ONNX file with garbage in it.
    const encoded = encodeModel({ nodes: [], inputs: [], outputs: [] })
    for (let trial = 0; trial < 40; trial++) {
      const bytes = Uint8Array.from(encoded)
      bytes[random() % bytes.length] = random()
      writeFileSync(join(dir, 'model.onnx'), bytes)
      const result = await checkModelFiles(inDir(dir, O)).then(
        (summary) => summary,
        (e: unknown) => e,
      )
      if (!('format' in (result as object)))
        expect(result).toMatchObject({ code: 'ARCHIVE_CORRUPT' })
    }
  })
})
