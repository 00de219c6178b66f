import type { CatalogModel, Figure, Preprocess, SourceRef } from '../../../shared/catalog/types'
import { fieldTable, type FigureFieldId } from '../../../shared/catalog/fieldTable'
import { formatFigure } from '../../../shared/format/formatFigure'
import { formatFlops } from '../../../shared/format/formatFlops'
import { resolutionLine } from '../announceResolution'
import { catalogListInput, entryKinds, type CatalogModelDetail } from '../../../shared/contract'
import type { AppCore } from '../../core/appCore'
import type { Command } from '../command'
import { EXIT, reportFailure } from '../reportFailure'
import { textTable } from '../textTable'
import { withCore } from '../withCore'

const where = (source: SourceRef) =>
  `${source.document.split('/').at(-1)}:${source.line} "${source.raw}"${source.column ? ` (${source.column})` : ''}`

export function describePreprocess(p: Preprocess): string {
  const resize =
    p.resize.mode === 'shortSide'
      ? `resize short side to ${p.resize.size}`
      : p.resize.mode === 'exact'
        ? `resize to ${p.resize.size}×${p.resize.size}`
        : `resize and crop at ratio to ${p.resize.size} (pad ${p.resize.pad})`
  const crop = p.cropSize ? `, centre crop ${p.cropSize}` : ''
  const scale = Math.abs(p.scale - 1 / 255) < 1e-6 ? '1/255' : String(p.scale)
  return `${p.colorOrder} (${p.decoder} decode), ${resize} (${p.resize.interpolation})${crop}, ×${scale}, mean [${p.mean.join(', ')}], std [${p.std.join(', ')}], ${p.layout}`
}

const ENTRY_KIND_TEXT = {
  olderListOnly:
    'Older list only: a name only earlier PaddleClas model lists give; not in today’s zoo.',
  surveyOnly:
    'Survey only: a row of the backbone survey (seed 004) that names no PaddleClas model.',
} as const

/** The backbone survey's figures, with what they were measured at (224 px, torch). */
export function describeSurvey(model: CatalogModel): string[] {
  const survey = model.survey
  if (!survey) return []
  const figures = [
    survey.paramsM ? `params ${survey.paramsM.value} M` : null,
    survey.flopsG ? `FLOPs ${survey.flopsG.value} G` : null,
  ].filter(Boolean)
  const lines: string[] = []
  if (figures.length) {
    const at = survey.measuredAt
    lines.push(
      `Backbone survey (${survey.name}): ${figures.join(', ')}` +
        (at ? ` — measured with ${at.framework} at ${at.inputSize} px` : '') +
        ((survey.paramsM ?? survey.flopsG)
          ? `  [${where((survey.paramsM ?? survey.flopsG)!.source)}]`
          : ''),
    )
    if (
      at &&
      model.inputSize &&
      model.inputSize !== at.inputSize &&
      survey.flopsG &&
      model.flopsG
    ) {
      const scaled = survey.flopsG.value * (model.inputSize / at.inputSize) ** 2
      lines.push(
        `  PaddleClas measures this model at ${model.inputSize} px (${formatFlops(model.flopsG.value)}); ` +
          `the survey's ${formatFlops(survey.flopsG.value)} at ${at.inputSize} px is about ` +
          `${formatFlops(scaled)} at ${model.inputSize} px ((${model.inputSize}/${at.inputSize})²).`,
      )
    }
  }
  if (survey.doubt) lines.push(`  Doubtful link: ${survey.doubt}`)
  for (const score of survey.otherScores ?? []) {
    lines.push(
      `Backbone survey ${score.dataset}: top-1 ${score.top1Percent.value} %` +
        `${score.extraData ? ' (with extra training data)' : ''}  [${where(score.top1Percent.source)}]`,
    )
  }
  return lines
}

/** A second document's figures beside the catalog's, marking those that only round differently. */
export function describeSecondSource(model: CatalogModel): string[] {
  const second = model.secondSource
  if (!second?.figures.length) return []
  const label = (field: string) => {
    if (!field.includes('|')) return field
    const [platform, batch, threads] = field.split('|')
    return `latency ${platform} bs=${batch}${threads ? ` threads=${threads}` : ''}`
  }
  return [
    `Second source, ${second.document.split('/').at(-1)}, publishes other figures:`,
    ...second.figures.map(
      (f) =>
        `  ${label(f.field)}: ${f.value} there, ${f.catalogValue} in the model list` +
        `${f.roundingOnly ? ' (rounding only)' : ' — the sources disagree'}  [${where(f.source)}]`,
    ),
  ]
}

export function formatModelDetail({ model, series, platforms }: CatalogModelDetail): string {
  // Names, units and number format from the one field table, as the app and `zoo compare` show them.
  const figure = (field: FigureFieldId, f: Figure | null) =>
    f
      ? [
          [fieldTable[field].label.en, formatFigure(field, f.value, f.source.raw), where(f.source)],
          ...(f.others ?? []).map((o) => [
            '',
            formatFigure(field, o.value, o.source.raw),
            `also ${where(o.source)}`,
          ]),
        ]
      : []
  const rows = [
    ...figure('top1', model.top1),
    ...figure('top5', model.top5),
    ...figure('ssldReferenceTop1', model.ssldReferenceTop1),
    ...figure('ssldGain', model.ssldGain),
    ...figure('paramsM', model.paramsM),
    ...figure('flopsG', model.flopsG),
    ...figure('sizeMB', model.sizeMB),
    ...model.latencies.map((l) => {
      const platform = platforms.find((p) => p.id === l.platform)?.name ?? l.platform
      return [
        `${platform} bs=${l.batchSize}${l.threads ? ` threads=${l.threads}` : ''}`,
        formatFigure('latency', l.ms, l.source.raw),
        where(l.source),
      ]
    }),
  ]
  const kind =
    model.entryKind && model.entryKind !== 'zoo' ? ENTRY_KIND_TEXT[model.entryKind] : null
  const lines = [
    `${model.id}${model.displayName !== model.id ? ` (shown as ${model.displayName})` : ''}`,
    ...(kind ? [kind] : []),
    `Series ${series.name} · family ${model.family} · ${model.section} · pretrained on ${model.pretraining}` +
      (model.distillation ? ` · distilled (${model.distillation})` : ''),
    '',
    rows.length ? textTable(['Figure', 'Value', 'Source'], rows) : 'No published figures.',
    '',
    `Input: ${model.inputSize ?? '?'} px, ${model.classes} classes`,
    `Preprocessing: ${model.preprocess ? describePreprocess(model.preprocess) : 'unknown'}`,
    model.preprocess
      ? `  from ${model.preprocess.source.config}${model.preprocess.source.inheritedFrom ? ` (inherited from ${model.preprocess.source.inheritedFrom})` : ''}`
      : '',
    `Pretrained weights: ${model.downloads.pretrained ?? '—'}`,
    `Inference model:    ${model.downloads.inference ?? '—'}`,
    ...model.downloads.legacy.map((l) => `Older link:         ${l.url}`),
    ...(model.aliases.length
      ? [`Also known as: ${model.aliases.map((a) => a.name).join(', ')}`]
      : []),
    ...describeSurvey(model),
    ...describeSecondSource(model),
    ...(model.sourceNotes ?? []).flatMap((note) => [
      `Source note (${note.kind}): ${note.en}  [${[note.source, ...(note.alsoIn ?? [])]
        .map((source) => `${source.document.split('/').at(-1)}:${source.line}`)
        .join(', ')}]`,
      // The text as the source writes it (our English above is a translation).
      ...(note.zh !== note.en ? [`  as written: ${note.zh}`] : []),
    ]),
    ...model.notes.map((note) => `Note: ${note}`),
    ...(model.entryKind && model.entryKind !== 'zoo'
      ? [
          '',
          `Listed in: ${model.rows.map((row) => `${row.document.split('/').at(-1)}:${row.line}`).join(', ')}`,
        ]
      : []),
  ]
  return lines.filter((line, index) => line !== '' || lines[index - 1] !== '').join('\n')
}

/** Ids sharing the longest prefix with a mistyped one (at least 3 characters). */
function nearIds(core: AppCore, id: string): string[] {
  for (let length = Math.min(id.length, 40); length >= 3; length--) {
    const rows = core.catalog.list(
      catalogListInput.parse({
        search: id.slice(0, length),
        limit: 5,
        entryKinds: [...entryKinds],
      }),
    ).rows
    if (rows.length) return rows.map((row) => row.id)
  }
  return []
}

export const modelCommand: Command = {
  name: 'model',
  summary: 'every figure of one model, with its source',
  usage: `model ID [--json]

Shows one model: accuracy, latency per platform, params, FLOPs, size, preprocessing, download
links, aliases and notes, each figure with the document, line and text it came from.

Options:
  --json            print the full record (model, series, platforms) as JSON`,
  options: { json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  run(args, io) {
    const id = args.positionals[0]!
    return withCore(args, io, async (core) => {
      const result = await core.dispatch('catalog.get', { id }, { face: 'cli' })
      if (!result.ok) {
        const status = reportFailure(io, 'model', result, args.values.json === true)
        if (result.error.code === 'NOT_FOUND') {
          const near = nearIds(core, id)
          if (near.length) io.err(`Did you mean: ${near.join(', ')}?`)
        }
        return status
      }
      const detail = result.value
      // stderr, so that stdout stays the record; --json carries it as `resolved` as well.
      const line = resolutionLine(detail.resolved)
      if (line) io.err(line)
      io.out(args.values.json ? JSON.stringify(detail, null, 2) : formatModelDetail(detail))
      return EXIT.ok
    })
  },
}
