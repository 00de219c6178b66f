/**
 * Folders of images for the batch tests, made by the tests: solid colours the tiny colour
 * classifier recognises (red → 0, green → 1, blue → 2, black → 3), in nested folders, with mixed
 * case extensions, hidden files, and what a real photo library also holds (a broken JPEG, an
 * empty file, a text file named .jpg, a FIFO, a folder named like an image, a symlink loop).
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import sharp from 'sharp'
import { canMakeFifos, makeFifo } from '../../helpers/specialFiles'
import { COLOUR_MODEL } from '../../inference/helpers/expected'
import { tinyClassifier, writeModel } from '../../inference/helpers/onnxBuilder'

export type Colour = 'red' | 'green' | 'blue' | 'black'
export const colourClass: Record<Colour, number> = { red: 0, green: 1, blue: 2, black: 3 }
const rgb: Record<Colour, [number, number, number]> = {
  red: [230, 20, 20],
  green: [15, 210, 40],
  blue: [30, 40, 220],
  black: [0, 0, 0],
}

/** The colour classifier as a file (32 px input). */
export function colourModel(dir: string): string {
  return writeModel(dir, 'colour.onnx', tinyClassifier({ ...COLOUR_MODEL, inputSize: 32 }).bytes)
}

export interface ImageFolder {
  root: string
  /** Relative path → the class the colour model must give it. */
  good: Map<string, number>
  /** Relative path → the error code the job must record for it. */
  bad: Map<string, string>
  /** Files that must not be in the job at all (hidden, not images). */
  ignored: string[]
}

export async function writeImage(
  path: string,
  colour: Colour,
  format: 'png' | 'jpeg',
): Promise<void> {
  mkdirSync(dirname(path), { recursive: true })
  const [r, g, b] = rgb[colour]
  const image = sharp({ create: { width: 40, height: 30, channels: 3, background: { r, g, b } } })
  await (format === 'png' ? image.png() : image.jpeg({ quality: 100 })).toFile(path)
}

/**
 * `count` good images spread over nested folders, plus (with `hostile`) the bad and ignored
 * entries a real library holds.
 */
export async function imageFolder(
  root: string,
  count: number,
  options: { hostile?: boolean } = {},
): Promise<ImageFolder> {
  const colours: Colour[] = ['red', 'green', 'blue', 'black']
  const good = new Map<string, number>()
  const bad = new Map<string, string>()
  const ignored: string[] = []
  for (let i = 0; i < count; i++) {
    const colour = colours[i % 4]!
    const folder = i % 3 === 0 ? '' : i % 3 === 1 ? 'trip/day 1/' : 'trip/day 2/'
    const format = i % 2 === 0 ? 'png' : 'jpeg'
    const ext = format === 'png' ? (i % 4 === 0 ? 'PNG' : 'png') : i % 4 === 1 ? 'JPG' : 'jpeg'
    const rel = `${folder}${colour}-${String(i).padStart(4, '0')}.${ext}`
    await writeImage(join(root, rel), colour, format)
    good.set(rel, colourClass[colour])
  }
  if (options.hostile) {
    writeFileSync(join(root, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70]))
    bad.set('broken.jpg', 'IMAGE_CORRUPT')
    writeFileSync(join(root, 'empty.png'), '')
    bad.set('empty.png', 'IMAGE_EMPTY')
    writeFileSync(join(root, 'notes.jpg'), 'not a picture at all, just words')
    bad.set('notes.jpg', 'IMAGE_UNSUPPORTED')
    if (canMakeFifos('the FIFO in the batch folder')) {
      makeFifo(root, 'pipe.jpg')
      bad.set('pipe.jpg', 'NOT_A_FILE')
    }
    mkdirSync(join(root, 'album.jpg'))
    await writeImage(join(root, 'album.jpg', 'inside.png'), 'green', 'png')
    good.set('album.jpg/inside.png', colourClass.green)
    writeFileSync(join(root, '.hidden.jpg'), 'hidden')
    ignored.push('.hidden.jpg')
    writeFileSync(join(root, 'readme.txt'), 'not an image name')
    ignored.push('readme.txt')
    // A loop: trip/back → the root again; walked once.
    symlinkSync(root, join(root, 'trip', 'back'))
  }
  return { root, good, bad, ignored }
}
