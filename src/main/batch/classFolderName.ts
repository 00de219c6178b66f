/**
 * Folder names for sorting into folders: a class's label made into a name every common file
 * system accepts (Windows, macOS, Linux, FAT on a USB stick), so a sorted folder copied to
 * another machine keeps its names; and the `name (2).jpg` names that keep a clash from
 * overwriting anything. Pure: no file system here.
 */

/** Where files whose top-1 score is below the threshold go. */
export const UNCERTAIN_FOLDER = '_uncertain'

/** Bytes of UTF-8: well below the 255 every file system allows, leaving room for the path. */
export const FOLDER_NAME_MAX_BYTES = 120

// Forbidden on Windows (and `/` everywhere); control characters too (C0, DEL, C1).
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f\u007f-\u009f]/g
// Windows refuses these as a name or before any extension ("con.txt"), whatever the case.
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i

function cutToBytes(text: string, max: number): string {
  let bytes = 0
  let out = ''
  for (const char of text) {
    bytes += Buffer.byteLength(char, 'utf8')
    if (bytes > max) break
    out += char
  }
  return out
}

/**
 * A label as a folder name, or null when nothing usable is left of it. Forbidden characters
 * become `_`; trailing dots and spaces (Windows drops them) go; a leading dot (hidden on Unix,
 * and `.`/`..`) becomes `_`; a reserved Windows device name gets a `_`; the length is capped.
 */
export function safeFolderName(label: string): string | null {
  let name = label.normalize('NFC').replace(FORBIDDEN, '_').trim()
  name = cutToBytes(name, FOLDER_NAME_MAX_BYTES).replace(/[. ]+$/, '')
  name = name.replace(/^\.+/, (dots) => '_'.repeat(dots.length))
  if (!name) return null
  const dot = name.indexOf('.')
  const stem = (dot < 0 ? name : name.slice(0, dot)).trimEnd()
  if (RESERVED.test(stem)) name = `${stem}_${dot < 0 ? '' : name.slice(dot)}`
  return name
}

/**
 * The folder of each class of one model. Two classes whose safe names are equal (ImageNet has
 * two "crane"s) or equal but for case (one folder on Windows and macOS) each get their index
 * added, `crane (134)`, so no folder mixes two classes; a class without a label is `class 123`.
 */
export class ClassFolders {
  private readonly byIndex = new Map<number, string>()
  /** Lower-cased names in use, so case-insensitive file systems keep them apart too. */
  private readonly taken = new Set<string>([UNCERTAIN_FOLDER])

  /** `labels`: every class name the job stored for the model, by class index. */
  constructor(labels: ReadonlyMap<number, string>) {
    const byName = new Map<string, number[]>()
    for (const [index, label] of [...labels].sort((a, b) => a[0] - b[0])) {
      const name = safeFolderName(label) ?? fallbackName(index)
      const key = name.toLowerCase()
      byName.set(key, [...(byName.get(key) ?? []), index])
      this.byIndex.set(index, name)
    }
    for (const [key, indices] of byName) {
      if (indices.length > 1 || key === UNCERTAIN_FOLDER) {
        for (const index of indices)
          this.byIndex.set(index, withIndex(this.byIndex.get(index)!, index))
      }
    }
    for (const name of this.byIndex.values()) this.taken.add(name.toLowerCase())
  }

  /**
   * The folder for a class: a class first met here (classified after the sort began) by its
   * `label`, one without a label `class N`, each kept apart from the names in use likewise.
   */
  of(index: number, label: string | null = null): string {
    let name = this.byIndex.get(index)
    if (name === undefined) {
      name = (label === null ? null : safeFolderName(label)) ?? fallbackName(index)
      if (this.taken.has(name.toLowerCase())) name = withIndex(name, index)
      this.taken.add(name.toLowerCase())
      this.byIndex.set(index, name)
    }
    return name
  }
}

function fallbackName(index: number): string {
  return `class ${index}`
}

function withIndex(name: string, index: number): string {
  const tag = ` (${index})`
  return cutToBytes(name, FOLDER_NAME_MAX_BYTES - tag.length).replace(/[. ]+$/, '') + tag
}

/** `photo.jpg` for n = 1, `photo (2).jpg`, `photo (3).jpg`… after; a leading dot is no extension. */
export function suffixedName(name: string, n: number): string {
  if (n <= 1) return name
  const dot = name.lastIndexOf('.')
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`
}
