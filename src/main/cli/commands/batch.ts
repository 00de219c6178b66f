import type { BatchJob } from '../../../shared/contract'
import { formatDecimal } from '../../../shared/format/formatDecimal'
import { analyseJob, analysisText } from '../batchAnalysisText'
import { exitStatusOfJob, followJob, summaryText } from '../batchForeground'
import { UsageError, type Command } from '../command'
import { EXIT, reportFailure } from '../reportFailure'
import { textTable } from '../textTable'
import { withCore } from '../withCore'

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

const ACTIONS = ['ls', 'show', 'pause', 'resume', 'cancel', 'retry', 'export', 'merge'] as const
type Action = (typeof ACTIONS)[number]

export const batchCommand: Command = {
  name: 'batch',
  summary: 'batch jobs (zoo classify --dir): ls, show, pause, resume, cancel, retry, export, merge',
  usage: `batch ls|show ID|pause ID|resume ID|cancel ID|retry ID|export ID --out FILE|merge FILE… [--json]

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

Options:
  --out FILE        for export
  --json            print the job(s) as JSON (show: with "analysis": summaries, agreement,
                    accuracy)`,
  options: { out: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 10_000 },
  run(args, io) {
    const [rawAction, ...rest] = args.positionals
    const action = rawAction as Action
    if (!ACTIONS.includes(action)) throw new UsageError(`unknown batch action "${rawAction}".`)
    const json = args.values.json === true
    if (action === 'ls' && rest.length) throw new UsageError('"zoo batch ls" takes no id.')
    if (action === 'merge' && rest.length === 0)
      throw new UsageError('"zoo batch merge" needs the .jsonl files to merge.')
    if (action !== 'ls' && action !== 'merge' && rest.length !== 1)
      throw new UsageError(`"zoo batch ${action}" takes one job id.`)
    if (action === 'export' && !args.values.out) throw new UsageError('export needs --out FILE.')
    const id = rest[0]!
    const face = { face: 'cli' } as const
    return withCore(args, io, async (core) => {
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
