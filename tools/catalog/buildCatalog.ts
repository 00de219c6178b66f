/**
 * Builds the catalog from the shared PaddleClas sources: every row of every table of the model
 * list becomes (part of) a model, figures normalised with their sources, plus preprocessing from
 * the configs, aliases and legacy links from older lists, and the survey's second opinion.
 */
import type {
  CatalogBundle,
  CatalogModel,
  Distillation,
  Pretraining,
  SectionId,
  Series,
} from '../../src/shared/catalog/types'
import { familyOf } from './family'
import {
  accGainMismatch,
  accGainNote,
  readConvertedWeightsNote,
  readFootnotes,
  type TableIds,
} from './footnotes'
import { ImportError } from './importError'
import { parseMarkdownTables } from './markdownTables'
import { plainText } from './markdownText'
import { mergeRows } from './mergeRows'
import { idFromUrl, readOlderList, type OlderMention } from './olderLists'
import { readPlatforms } from './platforms'
import { findModelConfig, indexConfigs, readDeployDefault } from './preprocessConfig'
import { readTableRows, type RowRecord, type SeriesHeading } from './rowRecords'
import { readEnglishSections, readReferences, seriesBlurb } from './seriesText'
import { sha256, type CatalogSources } from './sources'
import { olderOnlyEntries, surveyOnlyEntries, surveySeries } from './outsideEntries'
import { readSecondSource } from './secondSource'
import { readSurvey, readSurveyScores, surveyDoubt } from './survey'
import { derivedPreprocess } from './derivedPreprocess'
import { catalogVersionOf } from './serialize'

export interface LegacyModel {
  name: string
  url: string | null
  source: OlderMention['source']
}

export interface BuiltCatalog {
  bundle: CatalogBundle
  labels: string[]
  /** Names from older lists that match no current model (removed or renamed beyond recognition). */
  legacy: LegacyModel[]
}

export function readLabels(text: string, document: string): string[] {
  const labels = text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const match = /^(\d+)\s+(.+)$/.exec(line)
      if (!match || Number(match[1]) !== index) {
        throw new ImportError(`label line ${index + 1} is not "${index} <name>"`, {
          document,
          line: index + 1,
        })
      }
      return match[2]!.trim()
    })
  if (labels.length !== 1000)
    throw new ImportError(`expected 1000 labels, found ${labels.length}`, { document })
  return labels
}

function distillationOf(id: string): Distillation {
  if (/_ssld(_|$)/.test(id)) return 'ssld'
  if (/^DeiT_.*_distilled_/.test(id)) return 'deit'
  return null
}

export function buildCatalog(sources: CatalogSources): BuiltCatalog {
  const { document: listDoc, text: listText } = sources.modelList
  const tables = parseMarkdownTables(listText, listDoc)
  const rows: RowRecord[] = []
  const headings: SeriesHeading[] = []
  const tableIds: TableIds[] = []
  for (const table of tables) {
    const read = readTableRows(table, listDoc)
    rows.push(...read.rows)
    if (read.heading) headings.push(read.heading)
    tableIds.push({
      table,
      rows: read.rows.map((r) => ({ id: r.id, line: r.row.line, marked22k: r.marked22k })),
    })
  }

  const byId = new Map<string, RowRecord[]>()
  for (const row of rows) byId.set(row.id, [...(byId.get(row.id) ?? []), row])
  const merged = [...byId.entries()].map(([id, group]) => mergeRows(id, group))
  const primaryOf = new Map(merged.map((m) => [m.id, m.primary]))

  const configs = indexConfigs(sources.configsRoot)
  const deployDefault = readDeployDefault(sources.deployConfig)
  const older = sources.olderLists.map(({ text, document }) => readOlderList(text, document))
  const mentions = older.flatMap((o) => o.mentions)
  const papers = older.flatMap((o) => o.papers)
  const survey = readSurvey(sources.survey.text, sources.survey.document)

  const byDisplayName = new Map<string, string[]>()
  for (const m of merged) {
    for (const row of m.rows) {
      const ids = byDisplayName.get(row.displayName) ?? []
      if (!ids.includes(m.id)) byDisplayName.set(row.displayName, [...ids, m.id])
    }
  }
  const catalogIds = new Set(merged.map((m) => m.id))
  /** Which current model an older mention means: by id, by its link's id, or by a unique display name. */
  const resolveMention = (mention: OlderMention): string | null => {
    const name = mention.name
    if (catalogIds.has(name)) return name
    const fromUrl = mention.url ? idFromUrl(mention.url) : null
    if (fromUrl && catalogIds.has(fromUrl)) return fromUrl
    const named = byDisplayName.get(name)
    return named?.length === 1 ? named[0]! : null
  }
  const aliasesOf = new Map<string, CatalogModel['aliases']>()
  const legacyLinksOf = new Map<string, CatalogModel['downloads']['legacy']>()
  const legacy: LegacyModel[] = []
  for (const mention of mentions) {
    const id = resolveMention(mention)
    if (!id) {
      legacy.push({ name: mention.name, url: mention.url, source: mention.source })
      continue
    }
    if (mention.name !== id) {
      const list = aliasesOf.get(id) ?? []
      if (!list.some((a) => a.name === mention.name))
        aliasesOf.set(id, [...list, { name: mention.name, source: mention.source }])
    }
    const current = primaryOf.get(id)!
    if (mention.url && mention.url !== current.pretrained && mention.url !== current.inference) {
      const list = legacyLinksOf.get(id) ?? []
      if (!list.some((l) => l.url === mention.url))
        legacyLinksOf.set(id, [...list, { url: mention.url, source: mention.source }])
    }
  }

  // Series: one per distinct series name, in document order, with its heading's text.
  const references = readReferences(listText)
  const english = readEnglishSections(
    sources.englishOverview.text,
    sources.englishOverview.document,
  )
  const seriesList: Series[] = []
  const seriesOfModel = (m: (typeof merged)[number]): string => {
    if (m.primary.series) return m.primary.series
    const base = primaryOf.get(m.id.replace(/_ssld$/, ''))
    if (!base?.series) {
      throw new ImportError(
        `${m.id} is only in an SSLD table and no series table has ${m.id.replace(/_ssld$/, '')}`,
        {
          document: listDoc,
          line: m.primary.row.line,
        },
      )
    }
    return base.series
  }
  const sectionOfModel = (m: (typeof merged)[number]): SectionId => {
    if (m.primary.part !== 'ssld') return m.primary.part
    return primaryOf.get(m.id.replace(/_ssld$/, ''))!.part as SectionId
  }
  /** A table's own intro, else the intro of the first table under the same heading. */
  const zhDescription = (heading: SeriesHeading): string | null => {
    const intro = heading.intro.length
      ? heading.intro
      : (headings.find((h) => h.heading.line === heading.heading.line)?.intro ?? [])
    return intro.length ? seriesBlurb(intro.join(' '), 'zh') : null
  }
  // One series per distinct name, in document order, described by the heading its table is under.
  const headingOf = (row: RowRecord): SeriesHeading =>
    headings.filter((heading) => heading.tableLine < row.row.line).at(-1)!
  for (const m of [...merged].sort((a, b) => a.primary.row.line - b.primary.row.line)) {
    if (m.primary.part === 'ssld') continue
    const name = seriesOfModel(m)
    if (seriesList.some((s) => s.id === name)) continue
    const heading = headingOf(m.primary)
    seriesList.push({
      id: name,
      name,
      section: heading.part as SectionId,
      description: {
        en: english.find((section) => section.names.includes(name))?.text ?? null,
        zh: zhDescription(heading),
      },
      references: heading.references.map((number) => {
        const paper = papers.find((p) => p.reference === number)
        return {
          number,
          text: references.get(number) ?? '',
          ...(paper ? { paper: paper.url } : {}),
        }
      }),
      source: {
        document: listDoc,
        section: plainText(heading.heading.text),
        line: heading.heading.line,
        raw: heading.heading.text,
      },
    })
  }

  const footnotes = readFootnotes(listText, listDoc, tableIds)
  const convertedWeights = readConvertedWeightsNote(
    sources.olderLists,
    merged.map((m) => m.id),
  )
  const zooModels: CatalogModel[] = merged.map((m) => {
    const ownConfig = findModelConfig(m.id, configs)
    const derived = ownConfig ? null : derivedPreprocess(m.id, deployDefault.preprocess)
    const config = ownConfig ?? deployDefault
    const preprocess = derived?.preprocess ?? config.preprocess
    const inputSize = preprocess ? (preprocess.cropSize ?? preprocess.resize.size) : null
    const pretraining: Pretraining =
      m.rows.some((r) => r.marked22k) || /_22kto1k$/.test(m.id) ? 'ImageNet-22k' : 'ImageNet-1k'
    const notes = [...m.notes]
    const pretrained = m.rows.map((r) => r.pretrained).find((u) => u !== null) ?? null
    const inference = m.rows.map((r) => r.inference).find((u) => u !== null) ?? null
    if (pretraining === 'ImageNet-22k' && inference && !/22k/.test(inference)) {
      notes.push(
        `The inference link in the source is the ImageNet-1k model's archive (${inference.split('/').at(-1)}), ` +
          'not a 22k-pretrained one; the pretrained weights link is the 22k model.',
      )
    }
    if (ownConfig?.evalDiffers.length) {
      notes.push(
        `The published accuracy was measured with Eval preprocessing that differs from the Infer ` +
          `preprocessing shown here: ${ownConfig.evalDiffers.join('; ')}.`,
      )
    }
    for (const row of m.rows) {
      const mismatch = accGainMismatch(row.figures)
      if (mismatch) notes.push(mismatch)
    }
    if (derived) notes.push(derived.note)
    else if (!ownConfig) {
      notes.push(
        'PaddleClas publishes no config for this model: its preprocessing is the deploy default ' +
          '(resize 256, crop 224, ImageNet mean/std). Check it before trusting its predictions.',
      )
    }
    const surveyEntry = survey.find((entry) => entry.id === m.id)
    const f = m.figures
    const sourceNotes = [
      ...(footnotes.get(m.id) ?? []),
      ...(convertedWeights.get(m.id) ?? []),
      ...(f.ssldGain ? [accGainNote(f.ssldGain.source)] : []),
    ]
    const doubt = surveyEntry
      ? surveyDoubt(surveyEntry, { id: m.id, paramsM: f.paramsM ?? null })
      : undefined
    return {
      id: m.id,
      displayName: m.primary.displayName,
      series: seriesOfModel(m),
      family: familyOf(m.id),
      section: sectionOfModel(m),
      pretraining,
      distillation: distillationOf(m.id),
      inputSize,
      classes: config.classes,
      preprocess,
      top1: f.top1 ?? null,
      top5: f.top5 ?? null,
      paramsM: f.paramsM ?? null,
      flopsG: f.flopsG ?? null,
      sizeMB: f.sizeMB ?? null,
      ssldReferenceTop1: f.ssldReferenceTop1 ?? null,
      ssldGain: f.ssldGain ?? null,
      latencies: m.latencies,
      downloads: {
        pretrained,
        inference,
        legacy: legacyLinksOf.get(m.id) ?? [],
        source: m.primary.linkSource,
      },
      aliases: aliasesOf.get(m.id) ?? [],
      survey: surveyEntry
        ? {
            name: surveyEntry.name,
            paramsM: surveyEntry.paramsM,
            flopsG: surveyEntry.flopsG,
            group: surveyEntry.group,
            measuredAt: { inputSize: 224 as const, framework: 'torch' as const },
            ...(doubt ? { doubt } : {}),
          }
        : null,
      notes,
      rows: m.rows.map((r) => r.row),
      entryKind: 'zoo' as const,
      sourceNotes,
      secondSource: null,
    }
  })
  const secondSource = readSecondSource(
    sources.englishOverview.text,
    sources.englishOverview.document,
    zooModels,
  )
  for (const model of zooModels) model.secondSource = secondSource.get(model.id) ?? null

  // Entries outside the zoo are kept apart from its models: counts, charts and tests of the zoo
  // read `models`; the database holds both, told apart by their entry kind.
  const outsideSeries = surveySeries(sources.survey.document)
  const seriesById = new Map([...seriesList, outsideSeries].map((s) => [s.id, s]))
  const outside = [
    ...olderOnlyEntries(legacy, seriesById),
    ...surveyOnlyEntries(
      survey,
      readSurveyScores(sources.survey.text, sources.survey.document),
      seriesById,
    ),
  ]
  const clash = outside.find((entry) => catalogIds.has(entry.id))
  if (clash) {
    throw new ImportError(`the entry ${clash.id} outside the zoo has a zoo model's id`, {
      document: clash.rows[0]!.document,
    })
  }
  const models = zooModels

  for (const entry of survey) {
    if (entry.id && !catalogIds.has(entry.id)) {
      throw new ImportError(`the survey mapping names ${entry.id}, which is not in the catalog`, {
        document: sources.survey.document,
      })
    }
  }
  const missingSeries = [...models, ...outside].filter((model) => !seriesById.has(model.series))
  if (missingSeries.length) {
    throw new ImportError(
      `no series entry for ${missingSeries.map((m) => `${m.id} (${m.series})`).join(', ')}`,
      {
        document: listDoc,
      },
    )
  }

  const platforms = readPlatforms(listText.split(/\r?\n/), listDoc)
  const inputs = [
    sources.modelList,
    sources.englishOverview,
    ...sources.olderLists,
    sources.survey,
    sources.labels,
  ]
  // Configs count too: a changed transform must change the catalog version.
  const outsideOnlySeries = outside.some((m) => m.series === outsideSeries.id)
    ? [outsideSeries]
    : []
  const partial = {
    platforms,
    series: seriesList,
    models,
    outside: { series: outsideOnlySeries, models: outside },
  }
  return {
    bundle: {
      meta: {
        formatVersion: 1,
        catalogVersion: catalogVersionOf(partial),
        modelCount: zooModels.length,
        outsideCount: outside.length,
        seriesCount: seriesList.length,
        sources: inputs.map(({ document, text }) => ({ document, sha256: sha256(text) })),
      },
      ...partial,
    },
    labels: readLabels(sources.labels.text, sources.labels.document),
    legacy,
  }
}
