/**
 * Our decode + preprocess, timed the way decodeFloor.ts times cv2.imdecode: a process of its own
 * (so it can be pinned to one core) that reads every file's bytes up front, says "ready", then
 * answers each "<set> <rounds>" line with a Round as JSON.
 * Usage: node --import tsx bench/decodePreprocessTimer.mts '{"sets":{…},"plan":{…}}'
 */
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { decodeImage } from '../src/main/inference/preprocess/decodeImage'
import { preprocessImage } from '../src/main/inference/preprocess/preprocessImage'
import type { PreprocessPlan } from '../src/main/inference/preprocess/preprocessPlan'
import { timeRound } from './decodeFloor'

const { sets, plan } = JSON.parse(process.argv[2]!) as {
  sets: Record<string, string[]>
  plan: PreprocessPlan
}
const files = new Map(
  Object.entries(sets).map(([name, paths]) => [name, paths.map((path) => readFileSync(path))]),
)
const once = async (bytes: Buffer) => preprocessImage(await decodeImage(bytes), plan)
// Warm: the first calls load and compile what the rest then only runs.
for (const bytes of [...files.values()].flat().slice(0, 8)) await once(bytes)
console.log('ready')
for await (const line of createInterface({ input: process.stdin })) {
  const [name, rounds] = line.split(' ')
  const round = await timeRound(files.get(name!)!, once, Number(rounds))
  console.log(JSON.stringify(round))
}
