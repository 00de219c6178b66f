/**
 * A model's first run, on the ImageNet val images the app ships (resources/samples): each
 * image's top class, whether it is the one PaddleClas documents, and warnings a user should
 * see before trusting the model — an output width that is not the catalog's class count (a
 * fine-tuned export filed under an ImageNet entry), documented classes not found (a broken
 * conversion or the wrong preprocessing).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ClassifyResult, ModelSelfCheck } from '../../shared/contract'

interface Samples {
  images: { file: string; documentedTop1: number | null }[]
}

export function sampleImages(
  resourcesDir: string,
): { path: string; documentedTop1: number | null }[] {
  const dir = join(resourcesDir, 'samples')
  const samples = JSON.parse(readFileSync(join(dir, 'samples.json'), 'utf8')) as Samples
  return samples.images.map((image) => ({
    path: join(dir, image.file),
    documentedTop1: image.documentedTop1,
  }))
}

export async function selfCheck(options: {
  resourcesDir: string
  modelName: string
  /** The catalog entry's class count, when the model is filed under one. */
  catalogClasses: number | null
  /** The model's output width, as its graph gives it (null when open). */
  outputWidth: number | null
  classify: (paths: string[]) => Promise<ClassifyResult>
}): Promise<ModelSelfCheck> {
  const samples = sampleImages(options.resourcesDir)
  const result = await options.classify(samples.map((s) => s.path))
  const imagenet =
    options.outputWidth === 1000 ||
    (options.outputWidth === null && options.catalogClasses === 1000)
  const images = result.results.map((r, i) => {
    const documented = imagenet ? samples[i]!.documentedTop1 : null
    if (!r.ok)
      return { image: r.image, top1: null, documented, agrees: null, error: r.error.message }
    const top1 = r.top[0] ?? null
    return {
      image: r.image,
      top1,
      documented,
      agrees: documented === null || !top1 ? null : top1.index === documented,
    }
  })
  const warnings: string[] = []
  if (
    options.catalogClasses !== null &&
    options.outputWidth !== null &&
    options.outputWidth !== options.catalogClasses
  )
    warnings.push(
      `${options.modelName} gives ${options.outputWidth} scores per image, but its catalog entry has ${options.catalogClasses} classes: it is probably a fine-tuned export, and the catalog's class names do not apply to it.`,
    )
  const checked = images.filter((i) => i.agrees !== null)
  const agreed = checked.filter((i) => i.agrees).length
  if (checked.length > 0 && agreed < checked.length)
    warnings.push(
      `${options.modelName} found the documented class for ${agreed} of ${checked.length} sample images. A model that sees what it was trained on gets them all: the weights, the conversion or the preprocessing may be wrong.`,
    )
  const failed = images.filter((i) => i.error)
  if (failed.length > 0)
    warnings.push(
      `${failed.length} of ${images.length} sample images could not be classified: ${failed[0]!.error}`,
    )
  return { images, agreed, checked: checked.length, warnings, checkedAt: new Date().toISOString() }
}
