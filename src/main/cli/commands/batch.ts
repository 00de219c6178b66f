import { resolve } from 'node:path'
import {
  batchChartExportInput,
  type BatchJob,
  type SortReport,
  type UnsortReport,
} from '../../../shared/contract'
import { formatDecimal } from '../../../shared/format/formatDecimal'
import { analyseJob, analysisText } from '../batchAnalysisText'
import { exitStatusOfJob, followJob, summaryText } from '../batchForeground'
import { UsageError, type CliIo, type Command, type ParsedArgs } from '../command'
import { failureOf } from '../../../shared/errors'
import { EXIT, reportFailure } from '../reportFailure'
import { textTable } from '../textTable'
import { withCore } from '../withCore'
import {
  chartFileFlags,
  chartFileOptions,
  chartFileOptionsHelp,
  oneOf,
  requestUsageError,
  writeExportedFile,
} from './exportChart'

const count = (n: number) => formatDecimal(n, 0, 0)

function jobLine(job: BatchJob): string[] {
  const { total, done, failed } = job.counts
  return [
    job.id,
    job.state + (job.runner ? ` (pid ${job.runner.pid})` : ''),
    `${count(done + failed)} / ${count(total)}${job.enumerated ? '' : '+'}`,
    count(failed),
    job.spec.models.map((m) => m.id).join(', '),
    job.spec.folders.join(', '),
    job.updatedAt,
  ]
}

function describe(job: BatchJob): string {
  const { total, pending, done, failed } = job.counts
  const lines = [
    `Batch job ${job.id}: ${job.state}${job.runner ? ` (running in pid ${job.runner.pid})` : ''}`,
    `  folders   ${job.spec.folders.join(', ')}${job.spec.recursive ? ' (with subfolders)' : ''}`,
    ...job.spec.models.map(
      (m, i) => `  model ${i + 1}   ${m.id} (${m.name}), sha256 ${m.sha256.slice(0, 16)}…`,
    ),
    `  files     ${count(total)}${job.enumerated ? '' : ' found so far'}: ${count(done)} classified, ${count(failed)} failed, ${count(pending)} to do`,
    `  options   top ${job.spec.topk}, batch ${job.spec.batchSize}, ${job.spec.workers} worker(s)${job.spec.shard ? `, shard ${job.spec.shard.index}/${job.spec.shard.count}` : ''}, onnxruntime ${job.spec.ortVersion}`,
    `  created   ${job.createdAt}${job.finishedAt ? ` · finished ${job.finishedAt}` : ''}`,
  ]
  if (job.error) lines.push(`  error     ${job.error.message} [${job.error.code}]`)
  return lines.join('\n')
}

/** `--model` as `zoo batch show` numbers the job's models (from 1), or a model's id. */
function modelIndexOf(job: BatchJob, given: string | undefined): number {
  if (given === undefined) return 0
  const byId = job.spec.models.findIndex((model) => model.id === given)
  if (byId >= 0) return byId
  const n = /^\d+$/.test(given) ? Number(given) : NaN
  if (n >= 1 && n <= job.spec.models.length) return n - 1
  const count = job.spec.models.length
  throw new UsageError(
    `--model ${given}: batch job ${job.id} has ${count} model${count === 1 ? '' : 's'}; give 1${count > 1 ? `…${count}` : ''} (as "zoo batch show" numbers them) or a model id.`,
  )
}

function minScoreOf(given: string | undefined): number {
  if (given === undefined) return 0
  const score = Number(given)
  if (given.trim() === '' || !(score >= 0 && score <= 1))
    throw new UsageError(`--min-score ${given}: give a score from 0 to 1, e.g. 0.5.`)
  return score
}

const VERB = { copy: 'Copied', link: 'Linked', move: 'Moved' } as const
const DRY_VERB = { copy: 'copy', link: 'link', move: 'move' } as const
const SAMPLE_LINES = 20

function sortText(report: SortReport): string {
  const { failed, pending, missing } = report.skipped
  const head = report.dryRun
    ? `Dry run: would ${DRY_VERB[report.mode]} ${count(report.placed)} files into ${report.out}; nothing was written.`
    : `${VERB[report.mode]} ${count(report.placed)} files into ${report.out}.`
  const notes = [
    report.uncertain ? `${count(report.uncertain)} to _uncertain (below --min-score)` : '',
    report.renamed ? `${count(report.renamed)} under a new name (the name was taken)` : '',
    report.copiedInsteadOfLinked
      ? `${count(report.copiedInsteadOfLinked)} copied instead of linked (another file system)`
      : '',
  ].filter(Boolean)
  const skipped = failed + pending + missing
  const lines = [
    head + (notes.length ? ` ${notes.join('; ')}.` : ''),
    ...(skipped
      ? [
          `Left out ${count(skipped)}: ${count(failed)} failed, ${count(pending)} not classified yet, ${count(missing)} gone or changed since they were classified.`,
        ]
      : []),
  ]
  if (report.folders.length)
    lines.push(
      textTable(
        ['Folder', 'Files'],
        report.folders.map((folder) => [folder.name, count(folder.count)]),
      ),
    )
  if (report.dryRun && report.sample.length) {
    lines.push(`The first ${Math.min(SAMPLE_LINES, report.sample.length)}:`)
    for (const { from, to } of report.sample.slice(0, SAMPLE_LINES)) lines.push(`  ${from} → ${to}`)
  }
  if (report.log) lines.push(`To undo it: zoo batch unsort ${report.log}`)
  return lines.join('\n')
}

function unsortText(report: UnsortReport): string {
  const kept = report.kept
    ? ` Kept ${count(report.kept)}: changed since they were placed, the only name left of a file, or their original name is taken now.`
    : ' The log is removed: nothing is left for it to undo.'
  return `Undid ${count(report.undone)} placed files (${count(report.missing)} were gone already).${kept}`
}

/** `zoo batch sort`: moving asks on a terminal, and is refused without --yes where none is. */
async function runSort(args: ParsedArgs, io: CliIo, id: string, json: boolean): Promise<number> {
  const { link, move, yes } = args.values
  if (link && move) throw new UsageError('give --link or --move, not both.')
  if (yes && !move) throw new UsageError('--yes confirms --move; nothing else needs it.')
  const minScore = minScoreOf(args.values['min-score'] as string | undefined)
  const dryRun = args.values['dry-run'] === true
  const mode = move ? 'move' : link ? 'link' : 'copy'
  const face = { face: 'cli' } as const
  return withCore(args, io, async (core) => {
    const found = await core.dispatch('batch.get', { id }, face)
    if (!found.ok) return reportFailure(io, 'batch sort', found, json)
    const model = modelIndexOf(found.value, args.values.model as string | undefined)
    const out = String(args.values.out)
    let confirmMove = yes === true
    if (mode === 'move' && !confirmMove && !dryRun) {
      if (!io.confirm) {
        io.err(
          'zoo batch sort: --move takes the files out of their folders; there is no terminal to ask on, so add --yes to confirm it (--dry-run shows the plan first). [INVALID_INPUT]',
        )
        return EXIT.usage
      }
      const { done, failed } = found.value.counts
      confirmMove = await io.confirm(
        `Move up to ${count(done)} classified files of batch job ${id} out of their folders into ${out}?${failed ? ` (${count(failed)} failed files stay.)` : ''}`,
      )
      if (!confirmMove) {
        io.err('zoo batch sort: nothing moved.')
        return EXIT.failed
      }
    }
    const onProgress = io.status
      ? (p: { seen: number; total: number; placed: number }) =>
          io.status!(`${count(p.seen)} of ${count(p.total)} looked at, ${count(p.placed)} placed`)
      : undefined
    let result
    try {
      result = await core.batch
        .sort(
          { id, out, model, mode, minScore, dryRun, confirmMove },
          onProgress ? { onProgress } : {},
        )
        .then((value) => ({ ok: true as const, value }))
    } catch (error) {
      result = failureOf(error, 'Sorting into folders')
    } finally {
      io.status?.('')
    }
    if (!result.ok) return reportFailure(io, 'batch sort', result, json)
    io.out(json ? JSON.stringify(result.value, null, 2) : sortText(result.value))
    return EXIT.ok
  })
}

function runChart(args: ParsedArgs, io: CliIo, id: string, json: boolean): Promise<number> {
  const out = resolve(String(args.values.out))
  const flags = chartFileFlags(args.values, out)
  const chart = oneOf(args.values.chart, ['classes', 'confidence'] as const, '--chart') ?? 'classes'
  return withCore(args, io, async (core) => {
    const face = { face: 'cli' } as const
    const job = await core.dispatch('batch.get', { id }, face)
    if (!job.ok) return reportFailure(io, 'batch chart', job, json)
    const model = modelIndexOf(job.value, args.values.model as string | undefined)
    const request = batchChartExportInput.safeParse({ id, model, chart, ...flags })
    if (!request.success) throw requestUsageError(request.error)
    const result = await core.dispatch('batch.chartExport', request.data, face)
    if (!result.ok) return reportFailure(io, 'batch chart', result, json)
    const failure = writeExportedFile(out, result.value)
    if (failure) return reportFailure(io, 'batch chart', failure, json)
    const { base64: _bytes, ...facts } = result.value
    io.out(
      json
        ? JSON.stringify({ ...facts, path: out }, null, 2)
        : `Wrote ${out}: ${chart} of ${job.value.spec.models[model]?.name ?? 'the model'}, ${result.value.points} bars (${flags.format.toUpperCase()}).`,
    )
    return EXIT.ok
  })
}

const ACTIONS = [
  'ls',
  'show',
  'pause',
  'resume',
  'cancel',
  'retry',
  'export',
  'merge',
  'sort',
  'unsort',
  'chart',
] as const
type Action = (typeof ACTIONS)[number]

export const batchCommand: Command = {
  name: 'batch',
  summary:
    'batch jobs (zoo classify --dir): ls, show, pause, resume, cancel, retry, export, merge, sort, unsort, chart',
  usage: `batch ls|show ID|pause ID|resume ID|cancel ID|retry ID|export ID --out FILE|merge FILE…|sort ID --out DIR|unsort LOG|chart ID --out FILE [--json]

  ls                the jobs in this data folder, newest first
  show ID           one job: folders, models, counts, error; its top classes and failures, how
                    its models agree, and their accuracy when the files carry true classes
                    (class-named subfolders, or classify --labels FILE.csv)
  pause ID          stop it after the current batch (it resumes where it stopped)
  resume ID         run a paused or interrupted job here, to its end (Ctrl+C pauses)
  cancel ID         stop it for good (what is done stays, and exports)
  retry ID          run the files that failed again
  export ID --out F write its results: F.csv (Excel, pandas) or F.jsonl, provenance in F.json
  merge FILE…       bring shard results (.jsonl written by --out, with their .json) into one job
  sort ID --out DIR put each classified file into DIR/<class>/ by its top-1 class (a copy unless
                    --link or --move); never overwrites (a taken name gets "name (2).jpg"); files
                    failed, not classified yet, or changed since are left out; writes an undo log
  unsort LOG        take a sort back: copies and links removed (unless changed since), moved files
                    put back (unless their name is taken), empty class folders removed
  chart ID --out F  the Batch view's chart of one model: top-1 classes (--chart classes, the
                    default) or the confidence histogram (--chart confidence), as F.svg, F.png
                    (2×) or F.csv (the plotted bars), like "zoo export chart"

Options:
  --out FILE|DIR    for export: the file; for sort: the folder that gets a folder per class
  --model N         sort, chart: by model N (1, 2… as "zoo batch show" numbers them, or its
                    id; default 1)
  --min-score S     sort: files whose top-1 score is below S (0 to 1) go to _uncertain
  --link            sort: hard links instead of copies (copies across file systems)
  --move            sort: move the files (asks first on a terminal; --yes confirms it up front)
  --yes             confirm --move
  --dry-run         sort: show what would go where, write nothing
  --chart KIND      chart: classes (default) or confidence; and for chart:
${chartFileOptionsHelp}
  --json            print the job(s) or the report as JSON (show: with "analysis": summaries,
                    agreement, accuracy)`,
  options: {
    out: { type: 'string' },
    json: { type: 'boolean' },
    model: { type: 'string' },
    'min-score': { type: 'string' },
    link: { type: 'boolean' },
    move: { type: 'boolean' },
    yes: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    chart: { type: 'string' },
    ...chartFileOptions,
  },
  positionals: { min: 1, max: 10_000 },
  run(args, io) {
    const [rawAction, ...rest] = args.positionals
    const action = rawAction as Action
    if (!ACTIONS.includes(action)) throw new UsageError(`unknown batch action "${rawAction}".`)
    const json = args.values.json === true
    if (action === 'ls' && rest.length) throw new UsageError('"zoo batch ls" takes no id.')
    if (action === 'merge' && rest.length === 0)
      throw new UsageError('"zoo batch merge" needs the .jsonl files to merge.')
    if (action === 'unsort' && rest.length !== 1)
      throw new UsageError('"zoo batch unsort" takes the sort\'s log file (.zoo-sort-….jsonl).')
    if (action !== 'ls' && action !== 'merge' && rest.length !== 1)
      throw new UsageError(`"zoo batch ${action}" takes one job id.`)
    if ((action === 'export' || action === 'chart') && !args.values.out)
      throw new UsageError(`${action} needs --out FILE.`)
    if (action === 'sort' && !args.values.out)
      throw new UsageError('sort needs --out DIR, the folder to sort into.')
    const sortOnly = ['min-score', 'link', 'move', 'yes', 'dry-run'] as const
    const chartOnly = ['chart', ...Object.keys(chartFileOptions)]
    const misplaced = sortOnly.find((name) => args.values[name] !== undefined)
    if (action !== 'sort' && misplaced)
      throw new UsageError(`--${misplaced} is for "zoo batch sort".`)
    const notForChart = chartOnly.find((name) => args.values[name] !== undefined)
    if (action !== 'chart' && notForChart)
      throw new UsageError(`--${notForChart} is for "zoo batch chart".`)
    if (action !== 'sort' && action !== 'chart' && args.values.model !== undefined)
      throw new UsageError('--model is for "zoo batch sort" and "zoo batch chart".')
    const id = rest[0]!
    if (action === 'sort') return runSort(args, io, id, json)
    if (action === 'chart') return runChart(args, io, id, json)
    const face = { face: 'cli' } as const
    return withCore(args, io, async (core) => {
      if (action === 'unsort') {
        const result = await core.dispatch('batch.unsort', { log: id }, face)
        if (!result.ok) return reportFailure(io, 'batch unsort', result, json)
        io.out(json ? JSON.stringify(result.value, null, 2) : unsortText(result.value))
        return result.value.kept ? EXIT.partial : EXIT.ok
      }
      if (action === 'ls') {
        const result = await core.dispatch('batch.list', {}, face)
        if (!result.ok) return reportFailure(io, 'batch ls', result, json)
        if (json) io.out(JSON.stringify(result.value, null, 2))
        else
          io.out(
            result.value.length
              ? textTable(
                  ['Job', 'State', 'Done', 'Failed', 'Models', 'Folders', 'Updated'],
                  result.value.map(jobLine),
                )
              : 'No batch jobs yet: "zoo classify --model M --dir DIR" starts one.',
          )
        return EXIT.ok
      }
      if (action === 'merge') {
        const { job, report } = await core.batch.merge(rest)
        if (json) io.out(JSON.stringify({ job, report }, null, 2))
        else
          io.out(
            `Merged ${count(report.lines)} rows from ${rest.length} files into batch job ${job.id}: ${count(report.added)} files added, ${count(report.duplicates)} duplicates, ${count(report.conflictCount)} conflicts.`,
          )
        return report.conflictCount ? EXIT.partial : EXIT.ok
      }
      if (action === 'export') {
        const result = await core.dispatch(
          'batch.export',
          { id, out: String(args.values.out) },
          face,
        )
        if (!result.ok) return reportFailure(io, 'batch export', result, json)
        io.out(
          json
            ? JSON.stringify(result.value, null, 2)
            : `Wrote ${result.value.path} (${count(result.value.rows)} rows; provenance in ${result.value.sidecar}).`,
        )
        return EXIT.ok
      }
      const channel = {
        show: 'batch.get',
        pause: 'batch.pause',
        resume: 'batch.resume',
        cancel: 'batch.cancel',
        retry: 'batch.retryFailed',
      } as const
      const result = await core.dispatch(channel[action], { id }, face)
      if (!result.ok) return reportFailure(io, `batch ${action}`, result, json)
      if (action === 'show') {
        const { analysis, failure } = await analyseJob(core, result.value)
        const more = analysisText(result.value, analysis)
        io.out(
          json
            ? JSON.stringify({ ...result.value, analysis }, null, 2)
            : `${describe(result.value)}${more ? `\n${more}` : ''}`,
        )
        // What could be worked out is shown; what could not is said, with its code.
        return failure ? reportFailure(io, 'batch show', failure) : EXIT.ok
      }
      if (action !== 'resume' && action !== 'retry') {
        io.out(json ? JSON.stringify(result.value, null, 2) : describe(result.value))
        return EXIT.ok
      }
      // Resumed or retried here: this process runs it to its end.
      const { job, seconds, interrupted } = await followJob(core, id, io, { quiet: json })
      io.err(summaryText(job, seconds))
      if (json) io.out(JSON.stringify(job, null, 2))
      return exitStatusOfJob(job, interrupted)
    })
  },
}
