import type { Database } from 'better-sqlite3'
import {
  defaultUiSettings,
  locales,
  rememberedViews,
  themes,
  type RememberedView,
  type UiSettings,
  type UiSettingsPatch,
} from '../../shared/contract'

const UI_KEY = 'ui'

/** Key/value JSON settings in SQLite. Values that fail to parse fall back to defaults, never throw. */
export class SettingsStore {
  private readonly select
  private readonly upsert

  constructor(db: Database) {
    this.select = db.prepare<[string], { value: string }>(
      'SELECT value FROM settings WHERE key = ?',
    )
    this.upsert = db.prepare<[string, string, string]>(
      `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    )
  }

  read(key: string): unknown {
    const row = this.select.get(key)
    if (!row) return undefined
    try {
      return JSON.parse(row.value) as unknown
    } catch {
      return undefined
    }
  }

  write(key: string, value: unknown): void {
    this.upsert.run(key, JSON.stringify(value), new Date().toISOString())
  }

  ui(): UiSettings {
    return sanitizeUiSettings(this.read(UI_KEY))
  }

  updateUi(patch: UiSettingsPatch): UiSettings {
    const current = this.ui()
    const views = { ...current.views, ...patch.views }
    for (const [view, query] of Object.entries(views))
      if (query === '') delete views[view as RememberedView]
    const next = sanitizeUiSettings({ ...current, ...patch, views })
    this.write(UI_KEY, next)
    return next
  }
}

export function sanitizeUiSettings(raw: unknown): UiSettings {
  const value = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>
  const locale = (locales as readonly unknown[]).includes(value.locale)
    ? (value.locale as UiSettings['locale'])
    : defaultUiSettings.locale
  const theme = (themes as readonly unknown[]).includes(value.theme)
    ? (value.theme as UiSettings['theme'])
    : defaultUiSettings.theme
  const views: UiSettings['views'] = {}
  if (typeof value.views === 'object' && value.views !== null) {
    for (const view of rememberedViews) {
      const query = (value.views as Record<string, unknown>)[view]
      if (typeof query === 'string' && query !== '') views[view] = query
    }
  }
  return { locale, theme, views, guideDismissed: value.guideDismissed === true }
}
