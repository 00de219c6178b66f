/**
 * Which catalog entry an ONNX file is probably for, from its file name: the entry whose id, with
 * case and punctuation ignored, is the longest prefix of the file's name. "mobilenetv2-12-int8.onnx"
 * → MobileNetV2, "ResNet50_vd_infer.onnx" → ResNet50_vd (not ResNet50).
 */
const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '')

export function suggestCatalogEntry(fileName: string, ids: readonly string[]): string | null {
  const name = squash(fileName.replace(/\.onnx$/i, ''))
  if (!name) return null
  let best: string | null = null
  let bestLength = 0
  for (const id of ids) {
    const key = squash(id)
    if (key.length > bestLength && name.startsWith(key)) {
      best = id
      bestLength = key.length
    }
  }
  return best
}
