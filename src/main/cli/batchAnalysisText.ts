/**
 * What `zoo batch show` adds below a job: its top classes and failures, how its models agree,
 * and their accuracy when the files carry true classes. Asked of the core like every face asks
 * (batch.summary, batch.agreement, batch.accuracy); the text is laid out here.
 */
import type {
  BatchAccuracy,
  BatchAgreement,
  BatchJob,
  BatchSummary,
  LabelSource,
  ModelAccuracy,
} from '../../shared/contract'
import type { Failure } from '../../shared/errors'
import { formatDecimal } from '../../shared/format/formatDecimal'
import type { AppCore } from '../core/appCore'
import { textTable } from './textTable'

export interface JobAnalysis {
  /** One per model, in job order. */
  summaries: BatchSummary[]
  /** Null for a job of one model. */
  agreement: BatchAgreement | null
  accuracy: BatchAccuracy
}

const TOP_CLASSES = 10
const CONFUSED_PAIRS = 5

const count = (n: number) => formatDecimal(n, 0, 0)
const percent = (fraction: number | null) => (fraction === null ? null : fraction * 100)

/** "great white shark, white shark, …" → "great white shark": the first name is enough here. */
function shortName(name: string | null): string | null {
  return name === null ? null : (name.split(',')[0] ?? name).trim()
}

function classText(index: number, name: string): string {
  return name === `class ${index}` ? name : `${index} ${shortName(name)}`
}

/** The job's analysis, or the first failure (the caller reports it; what it has is kept). */
export async function analyseJob(
  core: AppCore,
  job: BatchJob,
): Promise<{ analysis: JobAnalysis; failure: Failure | null }> {
  const face = { face: 'cli' } as const
  const analysis: JobAnalysis = { summaries: [], agreement: null, accuracy: null }
  let failure: Failure | null = null
  for (let model = 0; model < job.spec.models.length; model++) {
    const summary = await core.dispatch('batch.summary', { id: job.id, model }, face)
    if (summary.ok) analysis.summaries.push(summary.value)
    else failure ??= summary
  }
  if (job.spec.models.length > 1) {
    const agreement = await core.dispatch('batch.agreement', { id: job.id }, face)
    if (agreement.ok) analysis.agreement = agreement.value
    else failure ??= agreement
  }
  const accuracy = await core.dispatch('batch.accuracy', { id: job.id }, face)
  if (accuracy.ok) analysis.accuracy = accuracy.value
  else failure ??= accuracy
  return { analysis, failure }
}

function summaryText(job: BatchJob, summaries: readonly BatchSummary[]): string[] {
  const lines: string[] = []
  const first = summaries[0]
  if (first?.stages) {
    const { decodeMs, preprocessMs, inferenceMs } = first.stages
    const ms = (value: number) => `${formatDecimal(value, 1, 1)} ms`
    lines.push(
      `  stages    decode ${ms(decodeMs)} · preprocess ${ms(preprocessMs)} · inference ${ms(inferenceMs)} per image (mean)`,
    )
  }
  if (first?.failures.length)
    lines.push(
      `  failures  ${first.failures.map((f) => `${f.code} ${count(f.count)}`).join(' · ')}`,
    )
  const done = job.counts.done
  for (const summary of summaries) {
    if (summary.classes.length === 0) continue
    const model = job.spec.models[summary.model]!
    const shown = summary.classes.slice(0, TOP_CLASSES)
    const more = summary.classes.length - shown.length
    // A model without class names gets no column of dashes.
    const named = shown.some((c) => c.label !== null)
    const share = (n: number) => (done ? (n / done) * 100 : null)
    lines.push(
      '',
      `Top classes, model ${summary.model + 1} (${model.id}):`,
      named
        ? textTable(
            ['Class', 'Name', 'Files', 'Share %'],
            shown.map((c) => [c.index, shortName(c.label) ?? '', c.count, share(c.count)]),
            [0, undefined, 0, 1],
          )
        : textTable(
            ['Class', 'Files', 'Share %'],
            shown.map((c) => [c.index, c.count, share(c.count)]),
            [0, 0, 1],
          ),
    )
    if (more > 0) lines.push(`… and ${count(more)} more classes`)
  }
  return lines
}

function agreementText(agreement: BatchAgreement): string[] {
  const { compared, disagreeing } = agreement
  return [
    '',
    `Agreement of top-1 classes (${count(compared)} files classified by every model; they differ on ${count(disagreeing)}):`,
    textTable(
      ['Model', 'With', 'Files', 'Agree', 'Agree %'],
      agreement.pairs.map((pair) => [
        agreement.models[pair.a]!,
        agreement.models[pair.b]!,
        pair.compared,
        pair.agree,
        pair.compared ? (pair.agree / pair.compared) * 100 : null,
      ]),
      [undefined, undefined, 0, 0, 1],
    ),
  ]
}

function sourceText(source: LabelSource): string {
  if (source.kind === 'csv')
    return `${source.path}${source.problems ? ` (${count(source.problems)} lines of it label nothing)` : ''}`
  const scheme = { name: 'class name', wnid: 'WordNet id', index: 'class index' }[source.scheme]
  const odd = [...source.unmatched, ...source.ambiguous]
  const shown = odd.slice(0, 5).map((name) => `"${name}"`)
  return `subfolders named by ${scheme}${odd.length ? `; ${count(odd.length)} name no class (${shown.join(', ')}${odd.length > shown.length ? ', …' : ''})` : ''}`
}

function confusedText(model: ModelAccuracy): string[] {
  if (model.confused.length === 0) return []
  return [
    '',
    `Most confused by ${model.model}:`,
    textTable(
      ['Actual', 'Predicted as', 'Files'],
      model.confused
        .slice(0, CONFUSED_PAIRS)
        .map((pair) => [
          classText(pair.actual, pair.actualName),
          classText(pair.predicted, pair.predictedName),
          pair.count,
        ]),
    ),
  ]
}

function accuracyText(accuracy: NonNullable<BatchAccuracy>): string[] {
  const { source, report } = accuracy
  return [
    '',
    `Accuracy against the true classes (${sourceText(source)}; ${count(report.labelled)} files labelled, ${count(report.unlabelled)} not):`,
    textTable(
      ['Model', 'Evaluated', 'Top-1 %', 'Top-5 %', 'Failed', 'To do'],
      report.models.map((m) => [
        m.model,
        m.evaluated,
        percent(m.top1),
        percent(m.top5),
        m.failed,
        m.pending,
      ]),
      [undefined, 0, 2, 2, 0, 0],
    ),
    ...report.models.flatMap(confusedText),
  ]
}

/** The lines that follow the job's own description. */
export function analysisText(job: BatchJob, analysis: JobAnalysis): string {
  return [
    ...summaryText(job, analysis.summaries),
    ...(analysis.agreement ? agreementText(analysis.agreement) : []),
    ...(analysis.accuracy ? accuracyText(analysis.accuracy) : []),
  ].join('\n')
}
