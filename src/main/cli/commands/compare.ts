/**
 * `zoo compare`: 2 to 8 models side by side, as the Compare view shows them, written as Markdown,
 * CSV or JSON from the same comparison document the view exports (src/shared/compare).
 */
import type { CatalogModelDetail } from '../../../shared/contract'
import type { Platform } from '../../../shared/catalog/types'
import { comparisonDocument } from '../../../shared/compare/comparisonDocument'
import { comparisonCsv, comparisonMarkdown } from '../../../shared/compare/comparisonText'
import { MAX_COMPARE, MIN_COMPARE } from '../../../shared/compare/compareSelection'
import {
  catalogIdOf,
  localAccuracySource,
  sourcesFor,
  type LocalAccuracySource,
} from '../../../shared/compare/localAccuracy'
import type { AppCore } from '../../core/appCore'
import { resolutionLine } from '../announceResolution'
import { UsageError, type Command } from '../command'
import { EXIT, reportFailure } from '../reportFailure'
import { withCore } from '../withCore'

const formats = ['md', 'csv', 'json'] as const
type Format = (typeof formats)[number]

/** Each detail carries only the platforms its own model was timed on: the comparison needs all. */
function platformsOf(details: readonly CatalogModelDetail[]): Platform[] {
  const byId = new Map<string, Platform>()
  for (const detail of details) for (const p of detail.platforms) byId.set(p.id, p)
  return [...byId.values()]
}

/** Finished labelled batch jobs in this data folder that ran any of the models: local rows. */
async function localSources(core: AppCore, ids: readonly string[]): Promise<LocalAccuracySource[]> {
  const jobs = await core.dispatch('batch.list', {}, { face: 'cli' })
  if (!jobs.ok) return []
  const sources = []
  for (const job of jobs.value) {
    if (job.state !== 'done') continue
    if (!job.spec.models.some((m) => ids.includes(catalogIdOf(m) ?? ''))) continue
    const accuracy = await core.dispatch('batch.accuracy', { id: job.id }, { face: 'cli' })
    if (accuracy.ok && accuracy.value) sources.push(localAccuracySource(job, accuracy.value.report))
  }
  return sourcesFor(ids, sources)
}

export const compareCommand: Command = {
  name: 'compare',
  summary: 'two to eight models side by side: every figure, best marked, deltas to a baseline',
  usage: `compare ID ID... [--baseline ID] [--format md|csv|json]

Compares ${MIN_COMPARE} to ${MAX_COMPARE} models (ids, display names or older names) as the Compare view
does: accuracy, SSLD gain, params, FLOPs, size, input size, every latency any of them has,
preprocessing and links; the best value of each row marked (bold in Markdown) by that figure's
direction; with --baseline, each model's difference from it (absolute and %). Latencies measured
under different conditions (hardware, engine, precision, batch, threads) are noted below.
Finished batch jobs in the data folder whose files carry their true classes add rows of each
model's top-1/top-5 on that folder, marked local.

Options:
  --baseline ID     the model the others are measured against (one of those compared)
  --format F        md (default, a pipe table), csv (values in each row's unit), json`,
  options: {
    baseline: { type: 'string' },
    format: { type: 'string' },
  },
  // Counted in run() so that the message can say "models".
  positionals: { min: 0, max: 1000 },
  run(args, io) {
    const names = args.positionals
    if (names.length < MIN_COMPARE || names.length > MAX_COMPARE)
      throw new UsageError(
        `"zoo compare" takes ${MIN_COMPARE} to ${MAX_COMPARE} models, got ${names.length}.`,
      )
    const format = (args.values.format ?? 'md') as Format
    if (!formats.includes(format))
      throw new UsageError(`--format ${String(format)}: use md, csv or json.`)
    const baselineName = args.values.baseline as string | undefined
    return withCore(args, io, async (core) => {
      const details: CatalogModelDetail[] = []
      for (const name of names) {
        const result = await core.dispatch('catalog.get', { id: name }, { face: 'cli' })
        if (!result.ok) return reportFailure(io, 'compare', result, format === 'json')
        const line = resolutionLine(result.value.resolved)
        if (line) io.err(line)
        details.push(result.value)
      }
      const ids = details.map((d) => d.model.id)
      const repeated = ids.find((id, i) => ids.indexOf(id) !== i)
      if (repeated) {
        const given = names.filter((_, i) => ids[i] === repeated)
        throw new UsageError(`${given.join(' and ')} are the same model (${repeated}).`)
      }
      let baseline: string | null = null
      if (baselineName !== undefined) {
        const resolved = await core.dispatch(
          'catalog.resolve',
          { name: baselineName },
          { face: 'cli' },
        )
        if (!resolved.ok) return reportFailure(io, 'compare', resolved, format === 'json')
        if (!ids.includes(resolved.value.id))
          throw new UsageError(
            `--baseline ${baselineName}: ${resolved.value.id} is not one of the models compared.`,
          )
        baseline = resolved.value.id
      }
      const outside = details.filter((d) => (d.model.entryKind ?? 'zoo') !== 'zoo')
      for (const d of outside)
        io.err(`${d.model.id} is outside the zoo: it has no published figures (shown as —).`)
      const doc = comparisonDocument(
        details.map((d) => d.model),
        platformsOf(details),
        {
          baseline,
          seriesNames: new Map(details.map((d) => [d.series.id, d.series.name])),
          local: await localSources(core, ids),
        },
      )
      io.out(
        format === 'json'
          ? JSON.stringify(doc, null, 2)
          : format === 'csv'
            ? comparisonCsv(doc).replace(/\r\n$/, '')
            : comparisonMarkdown(doc).replace(/\n$/, ''),
      )
      return EXIT.ok
    })
  },
}
