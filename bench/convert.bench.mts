/**
 * Paddle → ONNX conversion of the real fixture (MobileNetV3-small, Paddle 2.6.2, 1.6 MB of
 * weights), all figures from this one run, each the median of several:
 *   (a) the physical floor: copying inference.pdiparams to a new file and fsyncing it (the
 *       weights must be read and written once whatever the converter does);
 *   (b) reading alone: parsing the program and walking the params headers;
 *   (c) the whole conversion (parse, graph, write and fsync the ONNX file), and (c)/(a).
 * And, for information, the first conversion in a fresh process (module loading included), which
 * is what `zoo convert` costs. Usage: tsx bench/convert.bench.mts
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { convertPaddleModel } from '../src/main/convert/convertPaddle'
import { programParams, walkParams } from '../src/main/paddle/paramsFile'
import { FileCursor, positionalFile } from '../src/main/paddle/positionalFile'
import { parseProgramDesc } from '../src/main/paddle/programDesc'
import { summarize } from './stats'

const dir = join(
  import.meta.dirname,
  '..',
  '..',
  'shared',
  'fixtures',
  'models',
  'paddle-mobilenetv3-small-3class',
)
const model = join(dir, 'inference.pdmodel')
const params = join(dir, 'inference.pdiparams')
if (!existsSync(model) || !existsSync(params)) {
  console.log(`skipped: ${dir} is absent`)
  process.exit(0)
}
const work = mkdtempSync(join(tmpdir(), 'zoo-convert-bench-'))
const ROUNDS = 9

async function time(run: () => Promise<unknown>): Promise<number[]> {
  await run()
  const ms: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now()
    await run()
    ms.push(performance.now() - t)
  }
  return ms
}

async function copyFloor(): Promise<void> {
  const source = await open(params)
  const target = await open(join(work, 'copy.bin'), 'w')
  const buffer = Buffer.allocUnsafe(4 << 20)
  for (let at = 0; ;) {
    const { bytesRead } = await source.read(buffer, 0, buffer.length, at)
    if (bytesRead === 0) break
    await target.write(buffer, 0, bytesRead)
    at += bytesRead
  }
  await target.sync()
  await Promise.all([source.close(), target.close()])
}

async function readOnly(): Promise<void> {
  const program = parseProgramDesc(readFileSync(model))
  const handle = await open(params)
  try {
    const cursor = new FileCursor(positionalFile(handle, (await handle.stat()).size))
    for await (const tensor of walkParams(cursor, programParams(program))) void tensor
  } finally {
    await handle.close()
  }
}

const convert = () => convertPaddleModel({ model, params, out: join(work, 'model.onnx') })

try {
  const floor = summarize(await time(copyFloor))
  const reading = summarize(await time(readOnly))
  const whole = summarize(await time(convert))
  const script = `import('${join(import.meta.dirname, '..', 'src', 'main', 'convert', 'convertPaddle.ts')}').then(async (m) => { const t = performance.now(); await m.convertPaddleModel({ model: ${JSON.stringify(model)}, params: ${JSON.stringify(params)}, out: ${JSON.stringify(join(work, 'cold.onnx'))} }); console.log((performance.now() - t).toFixed(1)) })`
  const cold = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
    encoding: 'utf8',
  }).trim()
  console.log(
    `(a) copy + fsync of the params file   ${floor.p50.toFixed(2)} ms (p95 ${floor.p95.toFixed(2)})`,
  )
  console.log(`(b) parse program + walk params        ${reading.p50.toFixed(2)} ms`)
  console.log(
    `(c) whole conversion                   ${whole.p50.toFixed(2)} ms (p95 ${whole.p95.toFixed(2)}) = ${(whole.p50 / floor.p50).toFixed(1)}× (a) [target < 3 s]`,
  )
  console.log(`    first conversion in a fresh process ${cold} ms`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
