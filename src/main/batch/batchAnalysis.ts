/**
 * Looking at a batch job's results as a whole: per model the top-1 class counts, a histogram of
 * top-1 scores, failures by code and mean stage times (summary); how often the job's models give
 * the same top-1 (agreement); and, when the files carry true classes, each model's accuracy.
 * Counts are aggregated by SQLite on the journal's indexes, so a job of a million files costs no
 * memory here; accuracy streams the journal's rows through labelledFolders.ts.
 */
import type { Database, Statement } from 'better-sqlite3'
import type {
  AgreementPair,
  BatchAccuracy,
  BatchAgreement,
  BatchSummary,
  FileState,
  JobSpec,
  LabelsFrom,
} from '../../shared/contract'
import { AppError, type ErrorCode } from '../../shared/errors'
import type { BatchJournal, ExportRow } from './batchJournal'
import { jobClasses, jobLabeller, labelsFromCsv, type JobClasses } from './jobLabels'
import { AccuracyTally } from './labelledFolders'

const ACCURACY_PAGE = 1000

interface AccuracyPageRow {
  id: number
  root: number
  rel_path: string
  state: FileState
  model: number | null
  top_json: string | null
}

/**
 * A page of files with their results as export rows (one per file and model), bare of class
 * names and error messages: the accuracy names classes from the job's class list.
 */
function* exportRowsOf(spec: JobSpec, rows: readonly AccuracyPageRow[]): Generator<ExportRow> {
  for (let i = 0; i < rows.length;) {
    const file = rows[i]!
    const tops = new Map<number, string>()
    for (; i < rows.length && rows[i]!.id === file.id; i++) {
      const { model, top_json } = rows[i]!
      if (model !== null && top_json !== null) tops.set(model, top_json)
    }
    for (const [modelIndex, model] of spec.models.entries()) {
      const stored = file.state === 'done' ? tops.get(modelIndex) : undefined
      const top = stored
        ? (JSON.parse(stored) as [number, number][]).map(([index, score]) => ({
            index,
            label: null,
            score,
          }))
        : []
      yield {
        folder: file.root,
        path: file.rel_path,
        model: model.id,
        modelIndex,
        status: stored ? 'ok' : file.state === 'failed' ? 'failed' : 'pending',
        top,
        error: null,
      }
    }
  }
}

interface JobKey {
  seq: number
  spec: JobSpec
}

export class BatchAnalysis {
  private readonly s: ReturnType<typeof prepareStatements>

  constructor(
    private readonly db: Database,
    private readonly journal: BatchJournal,
    private readonly imagenetLabels: () => readonly string[],
  ) {
    this.s = prepareStatements(db)
  }

  summary(jobId: string, model: number, bins: number): BatchSummary {
    const { seq, spec } = this.jobKey(jobId)
    if (!spec.models[model]) throw new AppError('INVALID_INPUT', `The job has no model ${model}.`)
    // One read transaction: every figure is of the same moment while the runner goes on writing.
    return this.db.transaction((): BatchSummary => {
      const classes = (
        this.s.classCounts.all(seq, model, seq, model) as {
          idx: number
          n: number
          label: string | null
        }[]
      ).map((row) => ({ index: row.idx, label: row.label, count: row.n }))
      const histogram = new Array<number>(bins).fill(0)
      for (const row of this.s.histogram.all(bins, bins, seq, model) as {
        bin: number
        n: number
      }[])
        histogram[row.bin] = row.n
      const failures = (this.s.failures.all(seq) as { code: ErrorCode; n: number }[]).map(
        (row) => ({ code: row.code, count: row.n }),
      )
      const stages = this.s.stages.get(seq) as {
        n: number
        decode: number | null
        preprocess: number | null
        inference: number | null
      }
      return {
        model,
        classes,
        histogram,
        failures,
        stages:
          stages.n === 0
            ? null
            : {
                decodeMs: stages.decode ?? 0,
                preprocessMs: stages.preprocess ?? 0,
                inferenceMs: stages.inference ?? 0,
              },
      }
    })()
  }

  agreement(jobId: string): BatchAgreement {
    const { seq, spec } = this.jobKey(jobId)
    return this.db.transaction((): BatchAgreement => {
      const counted = new Map(
        (this.s.pairs.all(seq) as { a: number; b: number; compared: number; agree: number }[]).map(
          (row) => [`${row.a}:${row.b}`, row],
        ),
      )
      const pairs: AgreementPair[] = []
      for (let a = 0; a < spec.models.length; a++)
        for (let b = a + 1; b < spec.models.length; b++) {
          const row = counted.get(`${a}:${b}`)
          pairs.push({ a, b, compared: row?.compared ?? 0, agree: row?.agree ?? 0 })
        }
      const all = this.s.allModels.get(seq, spec.models.length) as {
        compared: number
        disagreeing: number
      }
      return {
        models: spec.models.map((m) => m.id),
        pairs,
        compared: all.compared,
        disagreeing: all.disagreeing,
      }
    })()
  }

  /**
   * Each model's accuracy against the files' true classes; null when the files carry none. Read a
   * page of files at a time, with a turn of the event loop between pages: a job of a million
   * files takes seconds, and the process meanwhile runs jobs and answers requests.
   */
  async accuracy(jobId: string): Promise<BatchAccuracy> {
    const { seq, spec } = this.jobKey(jobId)
    const classes = this.classesOf(seq, spec)
    const labeller = await jobLabeller(
      spec,
      classes.list,
      () => this.s.topFolders.pluck().all(seq) as string[],
    )
    if (!labeller) return null
    const tally = new AccuracyTally(labeller.labelOf, { classNames: classes.display })
    for (let after = 0; ;) {
      const rows = this.s.accuracyPage.all(seq, after, ACCURACY_PAGE) as AccuracyPageRow[]
      if (rows.length === 0) break
      for (const row of exportRowsOf(spec, rows)) tally.add(row)
      after = rows[rows.length - 1]!.id
      await new Promise((resolve) => setImmediate(resolve))
    }
    return { source: labeller.source, report: tally.report() }
  }

  /** A label CSV given to a new job's models (`names`: theirs, when they have them), checked. */
  checkedLabelCsv(
    path: string,
    models: readonly { classes: number | null }[],
    names: readonly (readonly string[] | null)[],
  ): Promise<LabelsFrom> {
    const classes = jobClasses(models, (m, i) => names[m]?.[i] ?? null, this.imagenetLabels())
    return labelsFromCsv(path, classes.list)
  }

  /** The job's class list, with the names its results carry (stored once per class). */
  private classesOf(seq: number, spec: JobSpec): JobClasses {
    const stored = new Map(
      (this.s.labels.all(seq) as { model: number; class_index: number; label: string }[]).map(
        (row) => [`${row.model}:${row.class_index}`, row.label],
      ),
    )
    return jobClasses(
      spec.models,
      (model, index) => stored.get(`${model}:${index}`) ?? null,
      this.imagenetLabels(),
    )
  }

  private jobKey(jobId: string): JobKey {
    const row = this.s.job.get(jobId) as { seq: number; spec_json: string } | undefined
    if (!row) throw new AppError('NOT_FOUND', `There is no batch job ${jobId}.`)
    return { seq: row.seq, spec: JSON.parse(row.spec_json) as JobSpec }
  }
}

function prepareStatements(db: Database) {
  const prepare = (sql: string): Statement => db.prepare(sql)
  return {
    job: prepare('SELECT seq, spec_json FROM batch_jobs WHERE id = ?'),
    // Grouped on the (job, model, top1_index) index, names joined to the groups, not the rows.
    classCounts: prepare(
      `SELECT c.idx, c.n, l.label FROM
         (SELECT top1_index AS idx, count(*) AS n FROM batch_results
          WHERE job = ? AND model = ? GROUP BY top1_index) c
       LEFT JOIN batch_labels l ON l.job = ? AND l.model = ? AND l.class_index = c.idx
       ORDER BY c.n DESC, c.idx`,
    ),
    // Bin i is [i/bins, (i+1)/bins); a score of 1 goes in the last.
    histogram: prepare(
      `SELECT min(max(CAST(top1_score * ? AS INTEGER), 0), ? - 1) AS bin, count(*) AS n
       FROM batch_results WHERE job = ? AND model = ? GROUP BY bin`,
    ),
    failures: prepare(
      `SELECT coalesce(error_code, 'INTERNAL') AS code, count(*) AS n FROM batch_files
       WHERE job = ? AND state = 'failed' GROUP BY code ORDER BY n DESC, code`,
    ),
    stages: prepare(
      `SELECT count(*) AS n, avg(json_extract(timings_json, '$.decodeMs')) AS decode,
         avg(json_extract(timings_json, '$.preprocessMs')) AS preprocess,
         avg(json_extract(timings_json, '$.inferenceMs')) AS inference
       FROM batch_files WHERE job = ? AND state = 'done' AND timings_json IS NOT NULL`,
    ),
    pairs: prepare(
      `SELECT a.model AS a, b.model AS b, count(*) AS compared,
         sum(a.top1_index = b.top1_index) AS agree
       FROM batch_results a JOIN batch_results b ON b.file_id = a.file_id AND b.model > a.model
       WHERE a.job = ? GROUP BY a.model, b.model`,
    ),
    // Per done file in id order (the file index's order), so the grouping needs no sort.
    allModels: prepare(
      `SELECT count(*) AS compared, coalesce(sum(lo != hi), 0) AS disagreeing FROM
         (SELECT count(*) AS n, min(r.top1_index) AS lo, max(r.top1_index) AS hi
          FROM batch_files f JOIN batch_results r ON r.file_id = f.id
          WHERE f.job = ? AND f.state = 'done' GROUP BY f.id)
       WHERE n = ?`,
    ),
    topFolders: prepare(
      `SELECT DISTINCT substr(rel_path, 1, instr(rel_path, '/') - 1) FROM batch_files
       WHERE job = ? AND instr(rel_path, '/') > 1`,
    ),
    labels: prepare('SELECT model, class_index, label FROM batch_labels WHERE job = ?'),
    accuracyPage: prepare(
      `SELECT f.id, f.root, f.rel_path, f.state, r.model, r.top_json
       FROM (SELECT id, root, rel_path, state FROM batch_files WHERE job = ? AND id > ?
             ORDER BY id LIMIT ?) f
       LEFT JOIN batch_results r ON r.file_id = f.id
       ORDER BY f.id, r.model`,
    ),
  }
}
