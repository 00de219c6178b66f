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
    const name = cells[1]!
    if (!name || seen.has(name)) return
    seen.add(name)
    const where = { document, section, line: index + 1 }
    entries.push({
      name,
      id: SURVEY_NAMES[name] ?? null,
      paramsM: figure(cells[2]!, 'M', where, '参数量'),
      flopsG: figure(cells[3]!, 'G', where, '浮点数'),
    })
  })
  return entries
}
