/** Turns table-cell and heading Markdown/HTML into plain text. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/<br\s*\/?>/gi, '')
    .replace(/<sup>.*?<\/sup>/gi, '')
    .replace(/<\/?span[^>]*>/gi, '')
    .replace(/&emsp;|&nbsp;/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim()
}

/** Header cells keep their `<sup>` markers (they name footnotes) but lose line breaks. */
export function headerText(markdown: string): string {
  return markdown
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<\/?span[^>]*>/gi, '')
    .replace(/\s+/g, ' ')
    .trim()
}

/** `[1]`-style markers written as `<sup>[1]</sup>` after a model name. */
export function supMarkers(markdown: string): string[] {
  return [...markdown.matchAll(/<sup>(.*?)<\/sup>/gi)].map((m) => (m[1] ?? '').trim())
}

export function links(markdown: string): string[] {
  return [...markdown.matchAll(/\]\((https?:\/\/[^)\s]+)\)/g)].map((m) => m[1] ?? '')
}

/** A column header as a label: line breaks become spaces, `<sup>*</sup>` markers stay as `*`. */
export function columnLabel(markdown: string): string {
  return markdown
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<sup>(.*?)<\/sup>/gi, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim()
}
