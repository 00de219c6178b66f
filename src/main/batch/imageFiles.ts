/**
 * Which file names a batch job picks up in a folder: the photo formats people keep libraries in,
 * by extension, whatever its case (IMG_0001.JPG, scan.Tiff). Hidden names ("." first) are never
 * images here: they are the system's and the tools' own files (.DS_Store, ._IMG_0001.JPG).
 */

/** Lower case, without the dot. */
export const imageExtensions = ['jpg', 'jpeg', 'png', 'webp', 'bmp', 'tif', 'tiff', 'gif'] as const

const extensions: ReadonlySet<string> = new Set(imageExtensions)

export function isHiddenName(name: string): boolean {
  return name.startsWith('.')
}

/** Whether a file called `name` (no folder part) is one a batch job classifies. */
export function isImageName(name: string): boolean {
  if (isHiddenName(name)) return false
  const dot = name.lastIndexOf('.')
  return dot > 0 && extensions.has(name.slice(dot + 1).toLowerCase())
}
