/**
 * Entries outside today's zoo: names only an older model list has (with the links it gave) and
 * rows of the backbone survey that name no catalog model. They become catalog entries marked by
 * `entryKind` so that a user can find them, with nothing but what their source gives: no
 * PaddleClas figures, no preprocessing, no current download link.
 */
import type {
  CatalogModel,
  SectionId,
  Series,
  SourceNote,
  SourceRef,
  SurveyFigures,
} from '../../src/shared/catalog/types'
import { ImportError } from './importError'
import type { SurveyEntry, SurveyScore } from './survey'

export interface OlderOnlyName {
  name: string
  url: string | null
  source: SourceRef
}

/** The series of the zoo an older-only name belongs to, by its prefix. */
const OLDER_SERIES: [RegExp, string][] = [
  [/^(Fix_)?ResNet50_/, 'ResNet'],
  [/^MobileNetV3_/, 'MobileNetV3'],
  [/^SwinTransformer_/, 'SwinTransformer'],
]

/** The series for survey-only rows whose architecture the zoo has; the rest go to SURVEY_SERIES. */
const SURVEY_ROW_SERIES: Record<string, string> = {
  ShuffleNetV2_b1: 'ShuffleNetV2',
  DenseNet: 'DenseNet',
  'ViT-Huge': 'ViT',
}

/** One series for survey rows of architectures the zoo does not have (ShuffleNetV1, EdgeViTs). */
export const SURVEY_SERIES_ID = 'Backbone survey'

const MEASURED_AT = { inputSize: 224, framework: 'torch' } as const

function blank(
  id: string,
  displayName: string,
  series: Series,
  section: SectionId,
): Omit<CatalogModel, 'entryKind' | 'rows' | 'notes' | 'sourceNotes' | 'survey'> {
  return {
    id,
    displayName,
    series: series.id,
    // Its own family: nothing outside the zoo is drawn as part of a zoo family's line.
    family: id,
    section,
    pretraining: /_22k$/.test(id) ? 'ImageNet-22k' : 'ImageNet-1k',
    distillation: /_ssld(_|$)/.test(id) ? 'ssld' : null,
    inputSize: null,
    classes: 1000,
    preprocess: null,
    top1: null,
    top5: null,
    paramsM: null,
    flopsG: null,
    sizeMB: null,
    ssldReferenceTop1: null,
    ssldGain: null,
    latencies: [],
    downloads: {
      pretrained: null,
      inference: null,
      legacy: [],
      source: { document: '', section: '', line: 0, raw: '' },
    },
    aliases: [],
    secondSource: null,
  }
}

const fileOf = (document: string) => document.split('/').at(-1) ?? document

export function olderOnlyEntries(
  names: readonly OlderOnlyName[],
  seriesById: ReadonlyMap<string, Series>,
): CatalogModel[] {
  const groups = new Map<string, OlderOnlyName[]>()
  for (const mention of names)
    groups.set(mention.name, [...(groups.get(mention.name) ?? []), mention])
  return [...groups.entries()].map(([name, mentions]) => {
    const seriesId = OLDER_SERIES.find(([prefix]) => prefix.test(name))?.[1]
    const series = seriesId ? seriesById.get(seriesId) : undefined
    if (!series) {
      throw new ImportError(
        `older-list name ${name} matches no series of the zoo`,
        mentions[0]!.source,
      )
    }
    const base = blank(name, name, series, series.section)
    const urls = mentions.filter((m) => m.url !== null)
    const comingSoon = mentions.filter((m) => /coming soon/i.test(m.source.raw))
    const sourceNotes: SourceNote[] = comingSoon.map((m) => ({
      kind: 'status',
      en: 'The older list marks this model “coming soon”; no later list has it.',
      zh: m.source.raw,
      source: m.source,
    }))
    // "_22k" beside "_22kto1k" in the same list: the ImageNet-22k weights before fine-tuning.
    const before22kto1k = /_22k$/.test(name)
    return {
      ...base,
      ...(before22kto1k ? { classes: 21841 } : {}),
      downloads: {
        ...base.downloads,
        // Older links only: today's list has no link for this name, and these may be gone.
        legacy: urls.map((m) => ({ url: m.url!, source: m.source })),
        source: urls[0]?.source ?? mentions[0]!.source,
      },
      survey: null,
      // Where it is listed is said by its kind and rows; a note only for what they do not say.
      notes: [
        ...(before22kto1k
          ? [
              `Listed beside ${name}to1k: the ImageNet-22k pretrained weights before fine-tuning to ` +
                'ImageNet-1k, so their classifier has ImageNet-22k’s 21,841 classes, not 1000 (the ' +
                'count is ImageNet-22k’s, inferred from the name; the lists give none).',
            ]
          : []),
      ],
      rows: mentions.map((m) => m.source),
      entryKind: 'olderListOnly' as const,
      sourceNotes,
    }
  })
}

/** The survey's name as an id (the build refuses one that a zoo model has). */
const surveyId = (name: string) => name.replace(/[^A-Za-z0-9]+/g, '_')

export function surveyOnlyEntries(
  entries: readonly SurveyEntry[],
  scores: readonly SurveyScore[],
  seriesById: ReadonlyMap<string, Series>,
): CatalogModel[] {
  const surveySeries = seriesById.get(SURVEY_SERIES_ID)!
  const seriesOf = (key: string): Series => {
    const id = SURVEY_ROW_SERIES[key]
    return (id ? seriesById.get(id) : undefined) ?? surveySeries
  }
  const models: CatalogModel[] = []
  for (const entry of entries) {
    if (entry.id || (!entry.paramsM && !entry.flopsG)) continue
    // EdgeViTs' rows are named by size only (S, XS, XXS): the group column names the network.
    const sizeOnly = /^(XXS|XS|S|M|L)$/.test(entry.name)
    const network = entry.group.replace(/^\d{4}[\s-]*/, '')
    const displayName = sizeOnly ? `${network} ${entry.name}` : entry.name
    const series = seriesOf(entry.name)
    const section: SectionId = /ViT|EdgeViT/.test(displayName)
      ? /Edge/.test(displayName)
        ? 'transformer-mobile'
        : 'transformer-server'
      : /Shuffle/.test(displayName)
        ? 'cnn-mobile'
        : 'cnn-server'
    const source = (entry.paramsM ?? entry.flopsG)!.source
    const survey: SurveyFigures = {
      name: displayName,
      paramsM: entry.paramsM,
      flopsG: entry.flopsG,
      group: entry.group,
      measuredAt: MEASURED_AT,
    }
    models.push({
      ...blank(surveyId(displayName), displayName, series, section),
      survey,
      notes: [],
      rows: [{ ...source, raw: displayName }],
      entryKind: 'surveyOnly',
      sourceNotes: [],
    })
  }
  for (const score of scores) {
    const displayName = `${score.model} ${score.size}`.trim()
    const series = score.model === 'ViT' ? seriesById.get('ViT')! : seriesById.get('EfficientNet')!
    models.push({
      ...blank(
        surveyId(`${score.dataset.replace('-', '')} ${displayName}`),
        displayName,
        series,
        series.section,
      ),
      // A CIFAR-100 score: the network was trained for its 100 classes.
      classes: 100,
      survey: {
        name: displayName,
        paramsM: null,
        flopsG: null,
        otherScores: [
          { dataset: score.dataset, top1Percent: score.top1Percent, extraData: score.extraData },
        ],
      },
      notes: [
        `The survey gives a ${score.dataset} accuracy for it (${fileOf(score.top1Percent.source.document)}:` +
          `${score.top1Percent.source.line}), not an ImageNet-1k one.`,
      ],
      rows: [{ ...score.top1Percent.source, raw: displayName }],
      entryKind: 'surveyOnly',
      sourceNotes: [],
    })
  }
  const ids = models.map((m) => m.id)
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index)
  if (duplicate)
    throw new ImportError(`two survey rows make the entry ${duplicate}`, { document: 'survey' })
  return models
}

/** The series record that holds survey rows of architectures the zoo does not have. */
export function surveySeries(document: string): Series {
  return {
    id: SURVEY_SERIES_ID,
    name: SURVEY_SERIES_ID,
    section: 'cnn-mobile',
    description: {
      en:
        'Networks only the backbone survey (seed 004) lists, with params and FLOPs measured in ' +
        'PyTorch at 224 px. Not part of the PaddleClas zoo.',
      zh: null,
    },
    references: [],
    source: { document, section: '1. 常见模型', line: 0, raw: '' },
  }
}
