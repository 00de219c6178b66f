/**
 * The read-only fixtures in ../shared/fixtures (real ImageNet val images, a real MobileNetV2 and a
 * real PaddleClas export). They are not part of a clone: tests that need them skip, with the
 * reason printed once per test file, when they are absent.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../../helpers/paths'

export const sharedDir = join(projectRoot, '..', 'shared')
export const fixturesDir = join(sharedDir, 'fixtures')

const imageDir = join(fixturesDir, 'images', 'imagenet')

/**
 * The four val images and the top-1 class PaddleClas/ONNX model zoo document for MobileNetV2.
 * `00010010` is ambiguous: its scores are flat (about 13 / 11 / 10 %), and which class the int8
 * model ranks first depends on the CPU's int8 kernels (AVX2 without VNNI gives 507, combination
 * lock; others 710). For it, tests only ask that `top1` is among the top five.
 */
export const valImages = [
  { file: 'ILSVRC2012_val_00000010.jpeg', top1: 153, ambiguous: false },
  { file: 'ILSVRC2012_val_00010010.jpeg', top1: 710, ambiguous: true },
  { file: 'ILSVRC2012_val_00020010.jpeg', top1: 178, ambiguous: false },
  { file: 'ILSVRC2012_val_00030010.jpeg', top1: 80, ambiguous: false },
].map((image) => ({ ...image, path: join(imageDir, image.file) }))

/**
 * Checks top-5 class indices (best first) of each val image against `valImages`: the documented
 * class first, or, for the ambiguous image, among the five.
 */
export function expectValTop(tops: readonly (readonly number[])[]): void {
  if (tops.length !== valImages.length)
    throw new Error(`expected ${valImages.length} results, got ${tops.length}`)
  valImages.forEach((image, i) => {
    const top = tops[i]!
    const ok = image.ambiguous ? top.slice(0, 5).includes(image.top1) : top[0] === image.top1
    if (!ok)
      throw new Error(
        `${image.file}: top classes ${top.join(', ')}, expected ${image.top1} ${image.ambiguous ? 'among the first five' : 'first'}`,
      )
  })
}

export const mobileNetV2 = {
  path: join(fixturesDir, 'models', 'mobilenetv2-12-int8.onnx'),
  sha256: 'cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f',
}

export const paddle3Class = {
  path: join(fixturesDir, 'models', 'paddle-mobilenetv3-small-3class', 'model.onnx'),
}

/** PaddleClas's own label file, beside the fixtures in ../shared/reference. */
export const paddleLabelList = join(
  sharedDir,
  'reference',
  'paddleclas',
  'imagenet1k_label_list.txt',
)

/**
 * Whether all of `files` exist; when some do not, prints which and that `what` is skipped. Use
 * with `describe.skipIf(!haveShared(...))`.
 */
export function haveShared(what: string, files: readonly string[]): boolean {
  const missing = files.filter((file) => !existsSync(file))
  if (missing.length > 0) {
    const why = existsSync(sharedDir)
      ? `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`
      : `${sharedDir} is absent (the read-only fixtures are not part of a clone)`
    console.warn(`skipping ${what}: ${why}`)
  }
  return missing.length === 0
}
