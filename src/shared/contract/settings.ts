import { z } from 'zod'

export const locales = ['en', 'zh-CN'] as const
export type Locale = (typeof locales)[number]

export const themes = ['system', 'light', 'dark'] as const
export type Theme = (typeof themes)[number]

/** Views whose state (their URL query) is remembered across restarts. */
export const rememberedViews = ['models', 'explore'] as const
export type RememberedView = (typeof rememberedViews)[number]

/** Preferences the renderer owns; kept in the data folder so browser mode remembers them too. */
export interface UiSettings {
  /** `null` means "follow the system language". */
  locale: Locale | null
  theme: Theme
  /** The last query string of each view (columns, filters, chart axes…). */
  views: Partial<Record<RememberedView, string>>
}

export const defaultUiSettings: UiSettings = { locale: null, theme: 'system', views: {} }

export const uiSettingsPatch = z
  .object({
    locale: z.enum(locales).nullable().optional(),
    theme: z.enum(themes).optional(),
    /** Merged per view; an empty string forgets that view's state. */
    views: z.partialRecord(z.enum(rememberedViews), z.string().max(8000)).optional(),
  })
  .strict()

export type UiSettingsPatch = z.infer<typeof uiSettingsPatch>
