/** The short facts line of a local model ("catalog · 224 px · 1,000 classes · 3.4 MB"). */
import type { LocalModel } from '@shared/contract'
import { formatBytes } from '../../classify/resultFormat'

type Translate = (key: string, named?: Record<string, unknown>, plural?: number) => string

export function modelFacts(model: LocalModel, t: Translate, locale: string): string[] {
  const facts = [t(`classify.model.source.${model.source}`)]
  facts.push(
    model.inputSize === null
      ? t('classify.model.inputOpen')
      : t('classify.model.inputSize', { n: model.inputSize }),
  )
  if (model.classes !== null)
    facts.push(
      t('classify.model.classes', { n: model.classes.toLocaleString(locale) }, model.classes),
    )
  facts.push(t(`classify.model.labels.${model.labels}`))
  facts.push(formatBytes(model.sizeBytes, locale))
  return facts
}
