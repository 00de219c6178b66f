/**
 * This machine as a latency platform: the benchmark runs of catalog models (src/main/bench)
 * turned into latency figures beside the published ones, merged into the chart data without
 * touching the catalog. Per model and (batch size, threads) the figure is the median of the
 * newest point measured on a calm machine; a point flagged busy is used only where no calm one
 * exists, and says so. Pure: the renderer and the export engine merge the same way.
 */
import type { CatalogModel, Latency, Platform } from '../catalog/types'
import type { ModelRow, PlatformSummary } from '../contract/catalog'

export const THIS_MACHINE = 'this-machine' as const

/** What a benchmark run gives this merge (a structural slice of the contract's BenchRun). */
export interface MachineRun {
  id: string
  model: { catalogId: string | null }
  state: string
  fingerprint: { cpuModel: string; cores: number; memoryBytes: number; onnxRuntime: string }
  points: {
    batch: number
    threads: number
    medianMs: number
    p90Ms: number
    busy: boolean
    finishedAt: string
  }[]
}

export interface MachineLatency {
  catalogId: string
  batchSize: number
  threads: number
  medianMs: number
  p90Ms: number
  busy: boolean
  runId: string
  measuredAt: string
  fingerprint: MachineRun['fingerprint']
}

/** Runs cut short still measured their finished points; a failed run's points are kept too. */
const usableStates = new Set(['done', 'cancelled', 'interrupted', 'failed'])

export function machineLatencies(runs: readonly MachineRun[]): MachineLatency[] {
  const best = new Map<string, MachineLatency>()
  for (const run of runs) {
    const catalogId = run.model.catalogId
    if (!catalogId || !usableStates.has(run.state)) continue
    for (const point of run.points) {
      if (!(point.medianMs > 0)) continue
      const key = `${catalogId}\u0000${point.batch}\u0000${point.threads}`
      const candidate: MachineLatency = {
        catalogId,
        batchSize: point.batch,
        threads: point.threads,
        medianMs: point.medianMs,
        p90Ms: point.p90Ms,
        busy: point.busy,
        runId: run.id,
        measuredAt: point.finishedAt,
        fingerprint: run.fingerprint,
      }
      const held = best.get(key)
      const better =
        !held ||
        (held.busy && !candidate.busy) ||
        (held.busy === candidate.busy && candidate.measuredAt > held.measuredAt)
      if (better) best.set(key, candidate)
    }
  }
  return [...best.values()].sort(
    (a, b) =>
      a.catalogId.localeCompare(b.catalogId) || a.batchSize - b.batchSize || a.threads - b.threads,
  )
}

/**
 * The rows with this machine's figures among their latencies (no source line: `line` 0, the
 * figure's provenance is its run), and this machine as a platform whose keys are the measured
 * (batch, threads) pairs. Rows and platforms without local figures come back as they were.
 */
export function withMachineLatencies(
  rows: readonly ModelRow[],
  platforms: readonly PlatformSummary[],
  figures: readonly MachineLatency[],
): { rows: ModelRow[]; platforms: PlatformSummary[] } {
  if (figures.length === 0) return { rows: [...rows], platforms: [...platforms] }
  const byModel = new Map<string, MachineLatency[]>()
  for (const figure of figures) {
    const list = byModel.get(figure.catalogId) ?? []
    list.push(figure)
    byModel.set(figure.catalogId, list)
  }
  const merged = rows.map((row) => {
    const mine = byModel.get(row.id)
    if (!mine) return row
    return {
      ...row,
      latencies: [
        ...row.latencies.filter((l) => l.platform !== THIS_MACHINE),
        ...mine.map((f) => ({
          platform: THIS_MACHINE,
          batchSize: f.batchSize,
          threads: f.threads,
          ms: f.medianMs,
          line: 0,
        })),
      ],
    }
  })
  const present = new Set(rows.map((r) => r.id))
  const counts = new Map<string, { batchSize: number; threads: number; modelCount: number }>()
  for (const f of figures) {
    if (!present.has(f.catalogId)) continue
    const key = `${f.batchSize}\u0000${f.threads}`
    const entry = counts.get(key) ?? { batchSize: f.batchSize, threads: f.threads, modelCount: 0 }
    entry.modelCount++
    counts.set(key, entry)
  }
  if (counts.size === 0) return { rows: merged, platforms: [...platforms] }
  const machine: PlatformSummary = {
    ...machinePlatform(figures)!,
    keys: [...counts.values()].sort((a, b) => a.batchSize - b.batchSize || a.threads - b.threads),
  }
  return {
    rows: merged,
    platforms: [...platforms.filter((p) => p.id !== THIS_MACHINE), machine],
  }
}

/** This machine as a platform, described by the newest figure's fingerprint; null without any. */
export function machinePlatform(figures: readonly MachineLatency[]): Platform | null {
  const newest = [...figures].sort((a, b) => b.measuredAt.localeCompare(a.measuredAt))[0]
  if (!newest) return null
  const { fingerprint } = newest
  const hardware = `${fingerprint.cpuModel} · ${fingerprint.cores} cores`
  const engine = `ONNX Runtime ${fingerprint.onnxRuntime} (CPU)`
  return {
    id: THIS_MACHINE,
    name: 'This machine',
    hardware,
    engine,
    precision: 'FP32',
    kind: 'cpu',
    varies: 'batchSize',
    description: {
      en: `Measured here: ${hardware}, ${engine}; the median of the newest run not flagged busy.`,
      zh: `本机实测：${hardware}，${engine}；取最近一次未标记为繁忙的运行的中位数。`,
    },
    // Not from a document: each figure's provenance is its benchmark run.
    source: { document: 'benchmark runs on this computer', section: '', line: 0, raw: '' },
  }
}

/** A catalog model's latencies with this machine's added (for Compare's rows). */
export function withMachineFigures(
  model: CatalogModel,
  figures: readonly MachineLatency[],
): CatalogModel {
  const mine = figures.filter((f) => f.catalogId === model.id)
  if (mine.length === 0) return model
  return {
    ...model,
    latencies: [
      ...model.latencies.filter((l) => l.platform !== THIS_MACHINE),
      ...mine.map((f): Latency => ({
        platform: THIS_MACHINE,
        batchSize: f.batchSize,
        threads: f.threads,
        ms: f.medianMs,
        source: {
          document: `benchmark run ${f.runId}`,
          section: f.busy ? 'busy' : 'calm',
          line: 0,
          raw: '',
        },
      })),
    ],
  }
}

/**
 * This machine's figure to set beside a published latency of `batchSize`: at that batch size, the
 * fastest thread count measured (a platform timed per thread count, the ARM one, is batch 1).
 */
export function machineFigureBeside(
  row: ModelRow,
  batchSize: number,
): ModelRow['latencies'][number] | null {
  let best: ModelRow['latencies'][number] | null = null
  for (const l of row.latencies)
    if (l.platform === THIS_MACHINE && l.batchSize === batchSize && (!best || l.ms < best.ms))
      best = l
  return best
}
