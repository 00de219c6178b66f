/** Sorting the files a user drops or picks: images to classify, ONNX models, and the rest. */

const IMAGE_EXTENSIONS = /\.(jpe?g|jfif|png|webp|gif|bmp|tiff?|avif|heic|heif)$/i

export function isOnnxFile(file: { name: string }): boolean {
  return /\.onnx$/i.test(file.name)
}

export function isImageFile(file: { name: string; type: string }): boolean {
  return file.type.startsWith('image/') || IMAGE_EXTENSIONS.test(file.name)
}

export interface SortedFiles<F> {
  images: F[]
  models: F[]
  other: F[]
}

export function sortDroppedFiles<F extends { name: string; type: string }>(
  files: Iterable<F>,
): SortedFiles<F> {
  const sorted: SortedFiles<F> = { images: [], models: [], other: [] }
  for (const file of files) {
    if (isOnnxFile(file)) sorted.models.push(file)
    else if (isImageFile(file)) sorted.images.push(file)
    else sorted.other.push(file)
  }
  return sorted
}

/** What `<input type="file" accept>` offers for images. */
export const imageAccept = 'image/*,.jpg,.jpeg,.jfif,.png,.webp,.gif,.bmp,.tif,.tiff,.avif'
