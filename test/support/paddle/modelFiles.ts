/**
 * Model files that pass the cache's structural check, made here: a Paddle 2 program with one
 * persistable tensor of about the size asked for (random data, so two calls give two different
 * archives), a Paddle 3 program, a pretrained-weights pickle. Tests corrupt them to see refusals.
 */
import { randomBytes } from 'node:crypto'
import { paramsFile, pirJson, program } from './paddleWriter'

/** `inference.pdmodel` + `inference.pdiparams` with `paramsBytes` (rounded to 4) of FP32 weights. */
export function paddleModelFiles(paramsBytes = 64 * 1024): Record<string, Buffer> {
  const n = Math.max(1, Math.floor(paramsBytes / 4))
  const model = program({
    vars: [
      { name: 'x', dims: [-1, n] },
      { name: 'scale_0.w_0', dims: [n], persistable: true },
      { name: 'out', dims: [-1, n] },
    ],
    ops: [
      {
        type: 'elementwise_mul',
        inputs: { X: ['x'], Y: ['scale_0.w_0'] },
        outputs: { Out: ['out'] },
      },
    ],
  })
  const params = paramsFile([{ dims: [n], data: randomBytes(n * 4) }])
  return { 'inference.pdmodel': Buffer.from(model), 'inference.pdiparams': Buffer.from(params) }
}

/** A Paddle 3 (PIR) `inference.json` + `inference.pdiparams` with two small parameters. */
export function paddle3Files(): Record<string, Buffer> {
  const params = [
    { name: 'conv_0.w_0', dims: [4, 3, 3, 3] },
    { name: 'conv_0.b_0', dims: [4] },
  ]
  const sorted = [...params].sort((a, b) =>
    Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)),
  )
  return {
    'inference.json': Buffer.from(pirJson(params)),
    'inference.pdiparams': Buffer.from(paramsFile(sorted.map(({ dims }) => ({ dims })))),
  }
}

/** A pretrained `.pdparams` of about `bytes`: a protocol-4 pickle whose body is random. */
export function pdparams(bytes = 20_000): Buffer {
  return Buffer.concat([
    Buffer.from([0x80, 0x04]),
    randomBytes(Math.max(0, bytes - 3)),
    Buffer.from([0x2e]),
  ])
}
