/**
 * What the batch analysis tests classify: a second colour model that reads blue as black and
 * black as blue (so two models disagree on exactly those), a 1000-class colour model (so the
 * app's ImageNet names apply: red is "tench", green "goldfish", blue "great white shark",
 * black "tiger shark"), and folders laid out by the test, each image of a known colour.
 */
import { join } from 'node:path'
import { COLOUR_MODEL } from '../../inference/helpers/expected'
import { tinyClassifier, writeModel } from '../../inference/helpers/onnxBuilder'
import { colourClass, writeImage, type Colour } from './imageFolder'

/** The colour model with classes 2 and 3 swapped: blue → 3, black → 2, red and green as ever. */
export const swappedClass: Record<Colour, number> = { red: 0, green: 1, blue: 3, black: 2 }

export function swappedColourModel(dir: string): string {
  const weights = COLOUR_MODEL.weights.map(([r, g, b, k]) => [r!, g!, k!, b!])
  const [r, g, b, k] = COLOUR_MODEL.bias
  return writeModel(
    dir,
    'swapped.onnx',
    tinyClassifier({ weights, bias: [r!, g!, k!, b!], inputSize: 32 }).bytes,
  )
}

/** The colour model's four classes at ImageNet's indices 0–3, the other 996 far below. */
export function imagenetColourModel(dir: string): string {
  const weights = COLOUR_MODEL.weights.map((row) => [...row, ...new Array<number>(996).fill(0)])
  const bias = [...COLOUR_MODEL.bias, ...new Array<number>(996).fill(-20)]
  return writeModel(
    dir,
    'imagenet-colour.onnx',
    tinyClassifier({ weights, bias, inputSize: 32 }).bytes,
  )
}

export interface LaidOutFile {
  relPath: string
  colour: Colour
  /** What the colour model says. */
  predicted: number
}

/**
 * Images of the given colours in the given subfolders ('' for the folder itself), named by
 * colour and number, half PNG, half JPEG.
 */
export async function layOut(
  root: string,
  layout: Record<string, readonly Colour[]>,
): Promise<LaidOutFile[]> {
  const files: LaidOutFile[] = []
  let n = 0
  for (const [folder, colours] of Object.entries(layout)) {
    for (const colour of colours) {
      const ext = n % 2 === 0 ? 'png' : 'jpg'
      const relPath = `${folder ? `${folder}/` : ''}${colour}-${n++}.${ext}`
      await writeImage(join(root, relPath), colour, ext === 'png' ? 'png' : 'jpeg')
      files.push({ relPath, colour, predicted: colourClass[colour] })
    }
  }
  return files
}
