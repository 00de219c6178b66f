/**
 * Child of the batch benchmark: makes `count` tiny image files in nested folders, then walks them
 * into a fresh journal exactly as a job does (walkIntoJournal) and prints, as JSON, the peak RSS
 * before and after the walk, the live heap after it, and the rows journaled. Peak RSS is Linux's
 * VmHWM: getrusage's maxrss survives exec, so a child started by a big parent would report the
 * parent's peak.
 *
 * Usage: node --expose-gc --import tsx bench/journalRss.mts <dir> <count>
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BatchJournal } from '../src/main/batch/batchJournal'
import { walkIntoJournal } from '../src/main/batch/walkIntoJournal'
import { openDatabase } from '../src/main/db/openDatabase'

const [dir, countText] = process.argv.slice(2)
const count = Number(countText)
const photos = join(dir!, 'photos')
// 1x1 PNG: the walk reads names and stats only, so the bytes need not decode.
const png = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc000000301010018dd8db40000000049454e44ae426082',
  'hex',
)
for (let i = 0; i < count; i++) {
  const folder = join(photos, `day-${Math.floor(i / 1000)}`)
  if (i % 1000 === 0) mkdirSync(folder, { recursive: true })
  writeFileSync(join(folder, `IMG_${String(i).padStart(7, '0')}.png`), png)
}
const mb = (bytes: number) => Math.round((bytes / 1024 ** 2) * 10) / 10
function peakRss(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (hwm) return mb(Number(hwm[1]) * 1024)
  } catch {
    // not Linux: getrusage it is
  }
  return mb(process.resourceUsage().maxRSS * 1024)
}
const gc = (globalThis as { gc?: () => void }).gc
gc?.()
const rssBefore = peakRss()

const { db } = openDatabase(join(dir!, 'zoo.sqlite'))
const journal = new BatchJournal(db)
const job = journal.createJob({
  folders: [photos],
  recursive: true,
  models: [
    {
      ref: { path: '/bench/model.onnx' },
      id: 'bench',
      name: 'bench',
      sha256: '0'.repeat(64),
      plan: null,
      classes: 1000,
    },
  ],
  topk: 5,
  batchSize: 8,
  workers: 1,
  shard: null,
  ortVersion: 'bench',
})
const started = performance.now()
await walkIntoJournal(journal, job)
const ms = performance.now() - started
gc?.()
const after = journal.job(job.id)!
db.close()
console.log(
  JSON.stringify({
    count,
    journaled: after.counts.total,
    enumerated: after.enumerated,
    ms: Math.round(ms),
    maxRssBeforeMb: rssBefore,
    maxRssMb: peakRss(),
    liveHeapMb: mb(process.memoryUsage().heapUsed),
    heapTotalMb: mb(process.memoryUsage().heapTotal),
    externalMb: mb(process.memoryUsage().external),
  }),
)
