/**
 * Catalog query benchmark: filter + sort over the whole shipped catalog through the real service
 * (SQLite in a temp folder), p50/p95 per query, and each as a ratio of a bare full-table SELECT
 * measured in the same run. Target: p95 under 2 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CatalogListInput } from '../src/shared/contract'
import { catalogListInput } from '../src/shared/contract'
import { openAppCore } from '../src/main/core/appCore'
import { ms, timeSync } from './stats'

const ITERATIONS = 1000
const dataDir = mkdtempSync(join(tmpdir(), 'zoo-bench-catalog-'))
const core = openAppCore({ dataDir, host: 'cli', log: () => {} })

const queries: [string, CatalogListInput][] = [
  ['all, sorted by top-1', { sort: { field: 'top1', direction: 'desc' } }],
  [
    'V100 latency ≤ 5 ms, top-1 ≥ 0.75, sorted by latency',
    {
      latency: { platform: 'v100-trt-fp32', batchSize: 1 },
      ranges: [
        { field: 'latency', max: 5 },
        { field: 'top1', min: 0.75 },
      ],
      sort: { field: 'latency', direction: 'asc' },
    },
  ],
  [
    'search "resnet", sorted by FLOPs',
    { search: 'resnet', sort: { field: 'flopsG', direction: 'asc' } },
  ],
  [
    'series ResNet + MobileNetV3, SD855 4 threads, sorted by params',
    {
      series: ['ResNet', 'MobileNetV3'],
      latency: { platform: 'sd855-arm-fp32', batchSize: 1, threads: 4 },
      sort: { field: 'paramsM', direction: 'desc' },
    },
  ],
]

try {
  const baseline = timeSync(
    () => core.db.prepare('SELECT * FROM models ORDER BY position').all(),
    ITERATIONS,
  )
  const total = core.catalog.list(catalogListInput.parse({})).total
  console.log(`Catalog query benchmark: ${total} models, ${ITERATIONS} runs each (after warm-up)`)
  console.log(
    `baseline  bare "SELECT * FROM models": p50 ${ms(baseline.p50)}  p95 ${ms(baseline.p95)}`,
  )
  let worst = 0
  for (const [label, input] of queries) {
    const parsed = catalogListInput.parse(input)
    let rows = 0
    const summary = timeSync(() => {
      rows = core.catalog.list(parsed).rows.length
    }, ITERATIONS)
    worst = Math.max(worst, summary.p95)
    console.log(
      `${label.padEnd(62)} ${String(rows).padStart(3)} rows  p50 ${ms(summary.p50)}  p95 ${ms(summary.p95)}` +
        `  (${(summary.p95 / baseline.p95).toFixed(1)}× baseline p95)`,
    )
  }
  console.log(`worst p95 ${ms(worst)}: ${worst < 2 ? 'within' : 'OVER'} the 2 ms target`)
} finally {
  core.close()
  rmSync(dataDir, { recursive: true, force: true })
}
