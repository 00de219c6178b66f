/** Which models a comparison holds: 2 to 8, as `?ids=A,B,C` and `zoo compare A B C` give them. Pure. */

export const MIN_COMPARE = 2
/** Eight columns still fit beside the row names on a 1440 px window; a brush can catch 40. */
export const MAX_COMPARE = 8

/** `?ids=A,B,C` → the ids, without blanks or repeats, at most `max`. */
export function parseIds(value: string | null | undefined, max = 50): string[] {
  if (!value) return []
  return [
    ...new Set(
      value
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id.length > 0 && id.length <= 200),
    ),
  ].slice(0, max)
}

/** The first `MAX_COMPARE` ids, and how many did not fit (the view and the brush say so). */
export function limitSelection(ids: readonly string[]): { kept: string[]; dropped: number } {
  const unique = [...new Set(ids)]
  return { kept: unique.slice(0, MAX_COMPARE), dropped: Math.max(0, unique.length - MAX_COMPARE) }
}

/** Adds an id at the end unless it is there or the comparison is full. */
export function addToSelection(
  ids: readonly string[],
  id: string,
): { ids: string[]; added: boolean; full: boolean } {
  if (ids.includes(id)) return { ids: [...ids], added: false, full: ids.length >= MAX_COMPARE }
  if (ids.length >= MAX_COMPARE) return { ids: [...ids], added: false, full: true }
  const next = [...ids, id]
  return { ids: next, added: true, full: next.length >= MAX_COMPARE }
}
