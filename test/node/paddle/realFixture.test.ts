/**
 * The real Paddle 2.6 export in ../shared/fixtures (MobileNetV3-small, 3 classes): the program
 * parses whole, its params file is consumed to the last byte, and the summary agrees with
 * figures worked out here by separate means (a bare field scan of the program, a bare walk of
 * the params headers, the names in the export's own .pdiparams.info pickle). A copy one byte
 * short or one byte long is refused.
 */
import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  readFileSync,
  statSync,
  truncateSync,
  appendFileSync,
  chmodSync,
} from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkModelFiles } from '../../../src/main/paddle/checkPaddleModel'
import { programParams } from '../../../src/main/paddle/paramsFile'
import { parseProgramDesc } from '../../../src/main/paddle/programDesc'
import { tempDirForTest } from '../helpers/tempDir'
import { fixturesDir, haveShared } from '../inference/helpers/sharedFixtures'

const dir = join(fixturesDir, 'models', 'paddle-mobilenetv3-small-3class')
const model = join(dir, 'inference.pdmodel')
const params = join(dir, 'inference.pdiparams')
const info = join(dir, 'inference.pdiparams.info')
const onnx = join(dir, 'model.onnx')
const present = haveShared('the real Paddle fixture tests', [model, params, info, onnx])

interface Field {
  field: number
  value: number
  start: number
  end: number
}

/** A bare protobuf field scan, written apart from the app's reader, for cross-checks. */
function scan(b: Uint8Array, start = 0, end = b.length): Field[] {
  const out: Field[] = []
  let p = start
  const varint = () => {
    let v = 0
    let scale = 1
    let c: number
    do {
      c = b[p++]!
      v += (c & 0x7f) * scale
      scale *= 128
    } while (c & 0x80)
    return v
  }
  while (p < end) {
    const key = varint()
    const field = Math.floor(key / 8)
    const wire = key % 8
    if (wire === 0) out.push({ field, value: varint(), start: p, end: p })
    else if (wire === 2) {
      const length = varint()
      out.push({ field, value: length, start: p, end: p + length })
      p += length
    } else if (wire === 5) p += 4
    else if (wire === 1) p += 8
    else throw new Error(`wire type ${wire} at ${p}`)
  }
  return out
}

describe.skipIf(!present)('the real Paddle 2.6 fixture', () => {
  it('parses whole, and the check agrees with a separate scan of both files', async () => {
    const bytes = readFileSync(model)
    const program = parseProgramDesc(bytes)

    // The separate scan: blocks (field 1), their vars (3) and ops (4); a var's persistable (3)
    // and its VarType's kind (2 → 1); the version (4 → 1).
    const top = scan(bytes)
    const blocks = top.filter((f) => f.field === 1)
    const versionField = top.find((f) => f.field === 4)!
    const version = scan(bytes, versionField.start, versionField.end)[0]!.value
    let ops = 0
    let vars = 0
    let persistable = 0
    let feedFetch = 0
    for (const block of blocks) {
      for (const f of scan(bytes, block.start, block.end)) {
        if (f.field === 4) ops++
        if (f.field !== 3) continue
        vars++
        const v = scan(bytes, f.start, f.end)
        const type = v.find((x) => x.field === 2)!
        const kind = scan(bytes, type.start, type.end).find((x) => x.field === 1)!.value
        if (v.some((x) => x.field === 3 && x.value === 1)) {
          persistable++
          if (kind === 9 || kind === 10) feedFetch++
        }
      }
    }
    expect(program.version).toBe(version)
    expect(program.blocks).toHaveLength(blocks.length)
    expect(program.blocks.flatMap((b) => b.ops)).toHaveLength(ops)
    expect(program.blocks.flatMap((b) => b.vars)).toHaveLength(vars)
    // feed and fetch are persistable in a real export, typed FEED_MINIBATCH and FETCH_LIST.
    expect(feedFetch).toBe(2)

    // The params headers walked by hand: version, LoD count, tensor version, TensorDesc.
    const p = readFileSync(params)
    const view = new DataView(p.buffer, p.byteOffset, p.byteLength)
    const bytesPerElement: Record<number, number> = { 2: 4, 3: 8, 4: 2, 5: 4, 6: 8 }
    let at = 0
    let tensors = 0
    let headerBytes = 0
    let dataBytes = 0
    while (at < p.length) {
      const start = at
      expect(view.getUint32(at, true)).toBe(0)
      expect(view.getBigUint64(at + 4, true)).toBe(0n)
      expect(view.getUint32(at + 12, true)).toBe(0)
      const descLength = view.getInt32(at + 16, true)
      const desc = scan(p, at + 20, at + 20 + descLength)
      const elements = desc.filter((f) => f.field === 2).reduce((n, f) => n * f.value, 1)
      const size = bytesPerElement[desc.find((f) => f.field === 1)!.value]!
      at += 20 + descLength
      headerBytes += at - start
      dataBytes += elements * size
      at += elements * size
      tensors++
    }
    expect(at).toBe(p.length)

    const summary = await checkModelFiles({ format: 'paddle2', model, params })
    expect(summary).toEqual({
      format: 'paddle2',
      paddleVersion: version,
      ops,
      params: persistable - feedFetch,
      paramBytes: statSync(params).size - headerBytes,
    })
    expect(summary.params).toBe(tensors)
    expect(summary.paramBytes).toBe(dataBytes)
    expect(summary).toMatchObject({ paddleVersion: 2006002, params: 214 })

    const counts = new Map<string, number>()
    for (const op of program.blocks.flatMap((b) => b.ops))
      counts.set(op.type, (counts.get(op.type) ?? 0) + 1)
    for (const type of [
      'feed',
      'conv2d',
      'depthwise_conv2d',
      'batch_norm',
      'hard_swish',
      'relu',
      'pool2d',
      'hard_sigmoid',
      'elementwise_mul',
      'matmul_v2',
      'softmax',
      'fetch',
    ])
      expect(counts.get(type), type).toBeGreaterThan(0)
    console.log(
      `fixture: Paddle ${summary.paddleVersion}, ${summary.ops} ops (${[...counts].map(([t, n]) => `${t} ${n}`).join(', ')}), ` +
        `${program.blocks[0]!.vars.length} vars, ${persistable} persistable, ${summary.params} params of ${summary.paramBytes} bytes`,
    )
  })

  const python = spawnSync('/usr/bin/python3', ['-c', 'import pickle, json'], { encoding: 'utf8' })
  const havePython = !python.error && python.status === 0
  if (!havePython)
    console.warn('skipping the .pdiparams.info cross-check: /usr/bin/python3 cannot run')
  it.skipIf(!havePython)(
    'lays the params out as the export’s own .pdiparams.info names them, in Python’s order',
    () => {
      const run = spawnSync(
        '/usr/bin/python3',
        [
          '-c',
          'import pickle, json, sys; print(json.dumps(sorted(pickle.load(open(sys.argv[1], "rb")))))',
          info,
        ],
        { encoding: 'utf8' },
      )
      expect(run.status, run.stderr).toBe(0)
      const names = JSON.parse(run.stdout) as string[]
      expect(programParams(parseProgramDesc(readFileSync(model))).map((s) => s.name)).toEqual(names)
    },
  )

  it('refuses a copy one byte short or one byte long, and a program cut by one byte', async () => {
    const tmp = tempDirForTest('paddle-fixture')
    const copy = (name: string) => {
      const to = join(tmp, name)
      copyFileSync(join(dir, name), to)
      chmodSync(to, 0o644)
      return to
    }
    const m = copy('inference.pdmodel')
    const p = copy('inference.pdiparams')
    const size = statSync(p).size
    const last = programParams(parseProgramDesc(readFileSync(m))).at(-1)!.name

    truncateSync(p, size - 1)
    await expect(checkModelFiles({ format: 'paddle2', model: m, params: p })).rejects.toMatchObject(
      {
        code: 'ARCHIVE_CORRUPT',
        message: expect.stringMatching(
          new RegExp(
            `^inference\\.pdiparams ends 1 byte early: ${last.replace('.', '\\.')} needs [\\d,]+ bytes of FP32 data at byte [\\d,]+$`,
          ),
        ),
      },
    )
    copyFileSync(params, p)
    appendFileSync(p, Uint8Array.of(0))
    await expect(checkModelFiles({ format: 'paddle2', model: m, params: p })).rejects.toMatchObject(
      {
        code: 'ARCHIVE_CORRUPT',
        message: `inference.pdiparams has 1 byte after its last tensor (the program's 214 persistable variables end at byte 1,577,774): the file is damaged, or belongs to another program`,
      },
    )
    copyFileSync(params, p)
    truncateSync(m, statSync(m).size - 1)
    await expect(checkModelFiles({ format: 'paddle2', model: m, params: p })).rejects.toMatchObject(
      {
        code: 'ARCHIVE_CORRUPT',
        message: expect.stringMatching(
          /^inference\.pdmodel is not a Paddle program: .* at byte [\d,]+$/,
        ),
      },
    )
  })

  it('passes the paddle2onnx export of the same model, and refuses it one byte short', async () => {
    await expect(checkModelFiles({ format: 'onnx', model: onnx })).resolves.toMatchObject({
      format: 'onnx',
    })
    const tmp = tempDirForTest('paddle-fixture')
    const cut = join(tmp, 'model.onnx')
    copyFileSync(onnx, cut)
    chmodSync(cut, 0o644)
    truncateSync(cut, statSync(cut).size - 1)
    await expect(checkModelFiles({ format: 'onnx', model: cut })).rejects.toMatchObject({
      code: 'ARCHIVE_CORRUPT',
      message: expect.stringMatching(/^model\.onnx ends early: /),
    })
  })
})
