/**
 * Benchmark runs and their points in the shared SQLite database (migration 0010). A run is
 * inserted once and never replaced; each point is one transaction that also updates the run's
 * load figures, so a run killed midway keeps every point it finished, and the app and a `zoo`
 * command writing runs side by side (WAL, busy timeout) each write whole rows.
 */
import type { Database } from 'better-sqlite3'
import type {
  BenchLoad,
  BenchModel,
  BenchPoint,
  BenchRun,
  BenchSpec,
  BenchState,
  LoadFigures,
  MachineFingerprint,
} from '../../shared/contract'
import { isErrorCode } from '../../shared/errors'

/** A run as stored: who runs it is the service's to say (a lease), not the row's. */
export type StoredRun = Omit<BenchRun, 'runner'> & { pid: number }

export interface NewRun {
  id: string
  model: BenchModel
  spec: BenchSpec
  fingerprint: MachineFingerprint
  before: LoadFigures
  thresholdCores: number
  startedAt: string
}

interface RunRow {
  seq: number
  id: string
  model_json: string
  spec_json: string
  fingerprint_json: string
  state: BenchState
  pid: number
  before_other_cores: number
  before_own_cores: number
  before_load_average: number
  busy_threshold_cores: number
  during_mean_other_cores: number | null
  during_max_other_cores: number | null
  busy: number | null
  error_code: string | null
  error_message: string | null
  started_at: string
  finished_at: string | null
}

interface PointRow {
  batch: number
  threads: number
  runs: number
  duration_ms: number
  min_runs_met: number
  min_duration_met: number
  warmup_runs: number
  warmup_settled: number
  median_ms: number
  p90_ms: number
  p99_ms: number
  min_ms: number
  max_ms: number
  mean_ms: number
  stdev_ms: number
  images_per_s: number
  peak_rss_bytes: number
  other_cores: number
  own_cores: number
  busy: number
  e2e_images: number | null
  e2e_failed: number | null
  decode_ms: number | null
  preprocess_ms: number | null
  inference_ms: number | null
  postprocess_ms: number | null
  e2e_wall_ms_per_image: number | null
  e2e_images_per_s: number | null
  times_json: string
  finished_at: string
}

/** Timings are kept to the microsecond: finer is the timer's noise. */
const micro = (ms: number) => Math.round(ms * 1000) / 1000

export class BenchStore {
  constructor(private readonly db: Database) {}

  create(run: NewRun): void {
    this.db
      .prepare(
        `INSERT INTO bench_runs (id, model_id, catalog_id, model_json, model_sha256, spec_json,
           fingerprint_json, state, pid, before_other_cores, before_own_cores,
           before_load_average, busy_threshold_cores, started_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        run.id,
        run.model.id,
        run.model.catalogId,
        JSON.stringify(run.model),
        run.model.sha256,
        JSON.stringify(run.spec),
        JSON.stringify(run.fingerprint),
        process.pid,
        run.before.otherCores,
        run.before.ownCores,
        run.before.loadAverage,
        run.thresholdCores,
        run.startedAt,
      )
  }

  /** Records a finished point and the run's load over its points so far, in one transaction. */
  addPoint(id: string, point: BenchPoint & { timesMs: number[] }): void {
    const { split } = point
    this.db
      .transaction(() => {
        const seq = this.seq(id)
        const row: Omit<PointRow, 'finished_at'> & { run: number; finished_at: string } = {
          run: seq,
          batch: point.batch,
          threads: point.threads,
          runs: point.runs,
          duration_ms: point.durationMs,
          min_runs_met: point.minRunsMet ? 1 : 0,
          min_duration_met: point.minDurationMet ? 1 : 0,
          warmup_runs: point.warmup.runs,
          warmup_settled: point.warmup.settled ? 1 : 0,
          median_ms: point.medianMs,
          p90_ms: point.p90Ms,
          p99_ms: point.p99Ms,
          min_ms: point.minMs,
          max_ms: point.maxMs,
          mean_ms: point.meanMs,
          stdev_ms: point.stdevMs,
          images_per_s: point.imagesPerSecond,
          peak_rss_bytes: point.peakRssBytes,
          other_cores: point.load.otherCores,
          own_cores: point.load.ownCores,
          busy: point.busy ? 1 : 0,
          e2e_images: split?.images ?? null,
          e2e_failed: split?.failed ?? null,
          decode_ms: split?.decodeMs ?? null,
          preprocess_ms: split?.preprocessMs ?? null,
          inference_ms: split?.inferenceMs ?? null,
          postprocess_ms: split?.postprocessMs ?? null,
          e2e_wall_ms_per_image: split?.wallMsPerImage ?? null,
          e2e_images_per_s: split?.imagesPerSecond ?? null,
          times_json: JSON.stringify(point.timesMs.map(micro)),
          finished_at: point.finishedAt,
        }
        const columns = Object.keys(row)
        this.db
          .prepare(
            `INSERT INTO bench_points (position, ${columns.join(', ')})
           VALUES ((SELECT count(*) FROM bench_points WHERE run = @run),
             ${columns.map((c) => `@${c}`).join(', ')})`,
          )
          .run(row)
        this.db
          .prepare(
            `UPDATE bench_runs SET
             during_mean_other_cores = (SELECT avg(other_cores) FROM bench_points WHERE run = @seq),
             during_max_other_cores = (SELECT max(other_cores) FROM bench_points WHERE run = @seq),
             busy = (SELECT max(busy) FROM bench_points WHERE run = @seq)
           WHERE seq = @seq`,
          )
          .run({ seq })
      })
      .immediate()
  }

  /** Ends a run: its state, and why when it failed. A run already ended stays as it ended. */
  finish(id: string, state: Exclude<BenchState, 'running'>, error?: BenchRun['error']): void {
    this.db
      .prepare(
        `UPDATE bench_runs SET state = ?, error_code = ?, error_message = ?, finished_at = ?
         WHERE id = ? AND state = 'running'`,
      )
      .run(state, error?.code ?? null, error?.message ?? null, new Date().toISOString(), id)
  }

  requestCancel(id: string): void {
    this.db.prepare('UPDATE bench_runs SET cancel_requested = 1 WHERE id = ?').run(id)
  }

  cancelRequested(id: string): boolean {
    const row = this.db
      .prepare('SELECT cancel_requested FROM bench_runs WHERE id = ?')
      .pluck()
      .get(id) as number | undefined
    return row === 1
  }

  get(id: string, options: { times?: boolean } = {}): StoredRun | null {
    const row = this.db.prepare('SELECT * FROM bench_runs WHERE id = ?').get(id) as
      RunRow | undefined
    return row ? this.toRun(row, options.times ?? false) : null
  }

  /** Newest first. */
  list(filter: { catalogId?: string; modelId?: string; limit: number }): StoredRun[] {
    const where: string[] = []
    const args: (string | number)[] = []
    if (filter.catalogId !== undefined) {
      where.push('catalog_id = ?')
      args.push(filter.catalogId)
    }
    if (filter.modelId !== undefined) {
      where.push('model_id = ?')
      args.push(filter.modelId)
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM bench_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY seq DESC LIMIT ?`,
      )
      .all(...args, filter.limit) as RunRow[]
    return rows.map((row) => this.toRun(row, false))
  }

  private seq(id: string): number {
    const seq = this.db.prepare('SELECT seq FROM bench_runs WHERE id = ?').pluck().get(id) as
      number | undefined
    if (seq === undefined) throw new Error(`no benchmark run ${id}`)
    return seq
  }

  private toRun(row: RunRow, times: boolean): StoredRun {
    const points = (
      this.db
        .prepare('SELECT * FROM bench_points WHERE run = ? ORDER BY position')
        .all(row.seq) as PointRow[]
    ).map((p) => toPoint(p, times))
    const load: BenchLoad = {
      before: {
        otherCores: row.before_other_cores,
        ownCores: row.before_own_cores,
        loadAverage: row.before_load_average,
      },
      during:
        row.during_mean_other_cores === null || row.during_max_other_cores === null
          ? null
          : {
              meanOtherCores: row.during_mean_other_cores,
              maxOtherCores: row.during_max_other_cores,
            },
      thresholdCores: row.busy_threshold_cores,
      busy: row.busy === null ? null : row.busy === 1,
    }
    return {
      id: row.id,
      model: JSON.parse(row.model_json) as BenchModel,
      spec: JSON.parse(row.spec_json) as BenchSpec,
      fingerprint: JSON.parse(row.fingerprint_json) as MachineFingerprint,
      state: row.state,
      load,
      points,
      error:
        row.error_code && isErrorCode(row.error_code)
          ? { code: row.error_code, message: row.error_message ?? '' }
          : null,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      pid: row.pid,
    }
  }
}

function toPoint(row: PointRow, times: boolean): BenchPoint {
  // Written together or not at all (a point cancelled before its pass).
  const split =
    row.e2e_images === null ||
    row.e2e_failed === null ||
    row.decode_ms === null ||
    row.preprocess_ms === null ||
    row.inference_ms === null ||
    row.postprocess_ms === null ||
    row.e2e_wall_ms_per_image === null ||
    row.e2e_images_per_s === null
      ? null
      : {
          images: row.e2e_images,
          failed: row.e2e_failed,
          decodeMs: row.decode_ms,
          preprocessMs: row.preprocess_ms,
          inferenceMs: row.inference_ms,
          postprocessMs: row.postprocess_ms,
          wallMsPerImage: row.e2e_wall_ms_per_image,
          imagesPerSecond: row.e2e_images_per_s,
        }
  return {
    batch: row.batch,
    threads: row.threads,
    runs: row.runs,
    durationMs: row.duration_ms,
    minRunsMet: row.min_runs_met === 1,
    minDurationMet: row.min_duration_met === 1,
    warmup: { runs: row.warmup_runs, settled: row.warmup_settled === 1 },
    medianMs: row.median_ms,
    p90Ms: row.p90_ms,
    p99Ms: row.p99_ms,
    minMs: row.min_ms,
    maxMs: row.max_ms,
    meanMs: row.mean_ms,
    stdevMs: row.stdev_ms,
    imagesPerSecond: row.images_per_s,
    peakRssBytes: row.peak_rss_bytes,
    load: { otherCores: row.other_cores, ownCores: row.own_cores },
    busy: row.busy === 1,
    split,
    finishedAt: row.finished_at,
    ...(times ? { timesMs: JSON.parse(row.times_json) as number[] } : {}),
  }
}
