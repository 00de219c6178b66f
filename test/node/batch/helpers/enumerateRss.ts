/**
 * Enumerates a folder in this process and prints what it cost, as JSON: how many files, the
 * peak RSS (getrusage's maxrss) and, when run with --expose-gc, the heap still live at the end.
 * With `--hold`, every entry is kept in an array, as a tool that lists the whole tree before it
 * starts does: the figure to compare.
 *
 * Usage: node [--expose-gc] --import tsx enumerateRss.ts <folder> [--hold]
 */
import { enumerateImages, type EnumeratedEntry } from '../../../../src/main/batch/enumerateImages'

const [folder, mode] = process.argv.slice(2)
const held: EnumeratedEntry[] = []
let files = 0
const started = performance.now()
for await (const entry of enumerateImages([folder!], { recursive: true })) {
  if ('file' in entry) files++
  if (mode === '--hold') held.push(entry)
}
const ms = Math.round(performance.now() - started)
;(globalThis as { gc?: () => void }).gc?.()
console.log(
  JSON.stringify({
    files,
    held: held.length,
    ms,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    liveHeapMb: Math.round((process.memoryUsage().heapUsed / 1024 ** 2) * 10) / 10,
  }),
)
