/** The short facts line of a local model ("catalog · 224 px · 1,000 classes · 3.4 MB"). */
import type { LocalModel } from '@shared/contract'
import { formatBytes } from '@shared/format/formatBytes'
import { formatDecimal } from '@shared/format/formatDecimal'

type Translate = (key: string, named?: Record<string, unknown>, plural?: number) => string

export function modelFacts(model: LocalModel, t: Translate): string[] {
  const facts = [t(`classify.model.source.${model.source}`)]
  facts.push(
    model.inputSize === null
      ? t('classify.model.inputOpen')
      : t('classify.model.inputSize', { n: model.inputSize }),
  )
  if (model.classes !== null)
    facts.push(
      t('classify.model.classes', { n: formatDecimal(model.classes, 0, 0) }, model.classes),
    )
  facts.push(t(`classify.model.labels.${model.labels}`))
  facts.push(formatBytes(model.sizeBytes))
  return facts
}
