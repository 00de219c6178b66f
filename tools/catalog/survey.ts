/**
 * The backbone survey (seed 004): params and FLOPs measured with PyTorch at 224×224, a second
 * opinion shown beside PaddleClas's own figures. Its names are informal, so the mapping to
 * catalog ids is written out here; names it does not list stay unmatched, on purpose.
 */
import type { Figure, SourceRef } from '../../src/shared/catalog/types'
import { ImportError } from './importError'

/** Survey name → catalog id, only where the survey's numbers clearly describe that model. */
export const SURVEY_NAMES: Record<string, string> = {
  VGG16: 'VGG16',
  VGG19: 'VGG19',
  ResNet50: 'ResNet50',
  ResNet101: 'ResNet101',
  densenet121: 'DenseNet121',
  densenet201: 'DenseNet201',
  MobleNetV2: 'MobileNetV2',
  mobilenet_v3_small: 'MobileNetV3_small_x1_0',
  hrnet18: 'HRNet_W18_C',
  hrnet48: 'HRNet_W48_C',
  efficientnet_b0: 'EfficientNetB0',
  efficientnet_b7: 'EfficientNetB7',
  'ViT-B/16': 'ViT_base_patch16_224',
  'ViT-Large': 'ViT_large_patch16_224',
  // 28.24 M params is Swin-T.
  'swin-transformer': 'SwinTransformer_tiny_patch4_window7_224',
  convnext_tiny: 'ConvNeXt_tiny',
}

export interface SurveyEntry {
  name: string
  /** The survey's group column ("2017-ShuffleNet"), carried down over its blank cells. */
  group: string
  id: string | null
  paramsM: Figure | null
  flopsG: Figure | null
}

function figure(
  raw: string,
  unit: 'M' | 'G',
  source: Omit<SourceRef, 'raw' | 'column'>,
  column: string,
): Figure | null {
  const text = raw.trim()
  if (text === '') return null
  const match = new RegExp(`^(\\d+(?:\\.\\d+)?)${unit}$`).exec(text)
  if (!match) throw new ImportError(`survey cell "${raw}" is not a number in ${unit}`, source)
  return { value: Number(match[1]), source: { ...source, column, raw: text } }
}

export function readSurvey(text: string, document: string): SurveyEntry[] {
  const entries: SurveyEntry[] = []
  let section = ''
  let inSurveyTable = false
  let group = ''
  const seen = new Set<string>()
  text.split(/\r?\n/).forEach((line, index) => {
    const heading = /^#+\s+(.*)$/.exec(line)
    if (heading) section = heading[1]!.trim()
    const cells = line.trim().startsWith('|')
      ? line
          .trim()
          .slice(1, -1)
          .split('|')
          .map((c) => c.trim())
      : null
    if (!cells) {
      inSurveyTable = false
      return
    }
    // Only the params/FLOPs tables; the document's other tables (CIFAR scores) are not figures of ours.
    if (cells[1] === 'backbone名称') {
      inSurveyTable = true
      return
    }
    if (!inSurveyTable || cells.length !== 4 || /^-+$/.test(cells[0]!)) return
    if (cells[0]) group = cells[0]
    const name = cells[1]!
    if (!name || seen.has(name)) return
    seen.add(name)
    const where = { document, section, line: index + 1 }
    entries.push({
      name,
      group,
      id: SURVEY_NAMES[name] ?? null,
      paramsM: figure(cells[2]!, 'M', where, '参数量'),
      flopsG: figure(cells[3]!, 'G', where, '浮点数'),
    })
  })
  return entries
}

export interface SurveyScore {
  model: string
  size: string
  top1Percent: Figure
  extraData: boolean
  dataset: string
}

/** The survey's score tables (its CIFAR-100 table): model, size, accuracy in percent, extra data. */
export function readSurveyScores(text: string, document: string): SurveyScore[] {
  const scores: SurveyScore[] = []
  let section = ''
  let inScores = false
  text.split(/\r?\n/).forEach((line, index) => {
    const heading = /^#+\s+(.*)$/.exec(line)
    if (heading) section = heading[1]!.trim()
    if (!line.trim().startsWith('|')) {
      inScores = false
      return
    }
    const cells = line
      .trim()
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim())
    if (cells[0] === '模型' && cells[2] === '准确度') {
      inScores = true
      return
    }
    if (!inScores || cells.length !== 4 || /^-+$/.test(cells[0]!) || !cells[0]) return
    const raw = cells[2]!
    if (!/^\d+(\.\d+)?$/.test(raw))
      throw new ImportError(`survey score "${raw}" is not a number`, { document, line: index + 1 })
    scores.push({
      model: cells[0]!,
      size: cells[1]!,
      dataset: section,
      extraData: cells[3] === '是',
      top1Percent: {
        value: Number(raw),
        source: { document, section, line: index + 1, column: '准确度', raw },
      },
    })
  })
  return scores
}

/**
 * Why a survey name's link to a catalog model is in doubt: params do not depend on the input
 * size, so the same network has the same count in any framework (the sound links agree to about
 * 1 %). More than 5 % apart is a variant (another head or width); more than 25 % another network.
 */
export function surveyDoubt(
  entry: Pick<SurveyEntry, 'name' | 'paramsM'>,
  model: { id: string; paramsM: Figure | null },
): string | undefined {
  const theirs = entry.paramsM?.value
  const ours = model.paramsM?.value
  if (theirs === undefined || ours === undefined) return undefined
  const ratio = theirs / ours
  if (Math.abs(ratio - 1) <= 0.05) return undefined
  const verdict =
    Math.abs(ratio - 1) > 0.25
      ? "the survey measured another network under this name; its figures are not this model's."
      : 'the survey measured a variant (another head or width), not this exact model; compare with care.'
  return (
    `The survey's ${entry.name} has ${theirs} M params, PaddleClas's ${model.id} ${ours} M ` +
    `(×${ratio.toFixed(2)}). Params do not change with input size, so ${verdict}`
  )
}
