/** Remembering where the window was, and putting it back only where a screen still shows it. */
export interface WindowBounds {
  x?: number
  y?: number
  width: number
  height: number
}

export interface SavedWindowState extends WindowBounds {
  maximized: boolean
}

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export const DEFAULT_WINDOW_STATE: SavedWindowState = { width: 1280, height: 820, maximized: false }

/** Must stay visible to count as on-screen: a title-bar-sized strip. */
const MIN_VISIBLE = { width: 120, height: 48 }

export function restoreWindowState(saved: unknown, workAreas: readonly Rect[]): SavedWindowState {
  const state = parseSavedState(saved)
  if (!state) return DEFAULT_WINDOW_STATE
  const largest = workAreas.reduce<Rect | null>(
    (best, area) => (!best || area.width * area.height > best.width * best.height ? area : best),
    null,
  )
  const width = largest ? Math.min(state.width, largest.width) : state.width
  const height = largest ? Math.min(state.height, largest.height) : state.height
  if (state.x === undefined || state.y === undefined)
    return { width, height, maximized: state.maximized }
  const rect = { x: state.x, y: state.y, width, height }
  const visible = workAreas.some((area) => overlap(rect, area))
  return visible
    ? { ...rect, maximized: state.maximized }
    : { width, height, maximized: state.maximized }
}

function overlap(window: Rect, area: Rect): boolean {
  const w = Math.min(window.x + window.width, area.x + area.width) - Math.max(window.x, area.x)
  const h = Math.min(window.y + window.height, area.y + area.height) - Math.max(window.y, area.y)
  return w >= MIN_VISIBLE.width && h >= MIN_VISIBLE.height
}

function parseSavedState(raw: unknown): SavedWindowState | null {
  if (typeof raw !== 'object' || raw === null) return null
  const r = raw as Record<string, unknown>
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
  if (!finite(r.width) || !finite(r.height) || r.width < 200 || r.height < 200) return null
  const state: SavedWindowState = {
    width: Math.round(r.width),
    height: Math.round(r.height),
    maximized: r.maximized === true,
  }
  if (finite(r.x) && finite(r.y)) {
    state.x = Math.round(r.x)
    state.y = Math.round(r.y)
  }
  return state
}
