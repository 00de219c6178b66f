/**
 * Model files that pass the cache's structural check, made here: a Paddle 2 program with one
 * persistable tensor of about the size asked for (random data, so two calls give two different
 * archives), a Paddle 3 program, a pretrained-weights pickle. Tests corrupt them to see refusals.
 */
import { randomBytes } from 'node:crypto'
import { attr, paramsFile, pirJson, program } from './paddleWriter'

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

/**
 * A classifier-shaped Paddle 2 model, as PaddleClas exports them in miniature: x [N, 3, S, S] →
 * global average pool → flatten → matmul_v2 (W [3, classes]) + bias → softmax. Class c's score
 * rises with Σ_k mean_k · W[k][c], so solid-colour images give answers a test can work out.
 */
export function paddleClassifierFiles(
  options: { classes?: number; size?: number; weights?: Float32Array } = {},
): Record<string, Buffer> {
  const classes = options.classes ?? 1000
  const size = options.size ?? 32
  const weights =
    options.weights ?? Float32Array.from({ length: 3 * classes }, (_, i) => Math.sin(i * 0.7) * 2)
  const bias = new Float32Array(classes)
  const model = program({
    vars: [
      { name: 'x', dims: [-1, 3, size, size] },
      { name: 'pool', dims: [-1, 3, 1, 1] },
      { name: 'flat', dims: [-1, 3] },
      { name: 'fc.w_0', dims: [3, classes], persistable: true },
      { name: 'fc.b_0', dims: [classes], persistable: true },
      { name: 'logits', dims: [-1, classes] },
      { name: 'biased', dims: [-1, classes] },
      { name: 'probs', dims: [-1, classes] },
    ],
    ops: [
      {
        type: 'pool2d',
        inputs: { X: ['x'] },
        outputs: { Out: ['pool'] },
        attrs: { pooling_type: 'avg', ksize: attr.ints([1, 1]), adaptive: true },
      },
      {
        type: 'flatten_contiguous_range',
        inputs: { X: ['pool'] },
        outputs: { Out: ['flat'] },
        attrs: { start_axis: attr.int(1), stop_axis: attr.int(3) },
      },
      { type: 'matmul_v2', inputs: { X: ['flat'], Y: ['fc.w_0'] }, outputs: { Out: ['logits'] } },
      {
        type: 'elementwise_add',
        inputs: { X: ['logits'], Y: ['fc.b_0'] },
        outputs: { Out: ['biased'] },
        attrs: { axis: attr.int(1) },
      },
      {
        type: 'softmax',
        inputs: { X: ['biased'] },
        outputs: { Out: ['probs'] },
        attrs: { axis: attr.int(-1) },
      },
    ],
    feeds: ['x'],
    fetches: ['probs'],
  })
  // Name order: fc.b_0 before fc.w_0.
  const params = paramsFile([
    { dims: [classes], data: new Uint8Array(bias.buffer) },
    { dims: [3, classes], data: new Uint8Array(weights.buffer) },
  ])
  return { 'inference.pdmodel': Buffer.from(model), 'inference.pdiparams': Buffer.from(params) }
}
