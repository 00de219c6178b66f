import { z } from 'zod'

export const locales = ['en', 'zh-CN'] as const
export type Locale = (typeof locales)[number]

export const themes = ['system', 'light', 'dark'] as const
export type Theme = (typeof themes)[number]

/** Preferences the renderer owns; kept in the data folder so browser mode remembers them too. */
export interface UiSettings {
  /** `null` means "follow the system language". */
  locale: Locale | null
  theme: Theme
}

export const defaultUiSettings: UiSettings = { locale: null, theme: 'system' }

export const uiSettingsPatch = z
  .object({
    locale: z.enum(locales).nullable().optional(),
    theme: z.enum(themes).optional(),
  })
  .strict()

export type UiSettingsPatch = z.infer<typeof uiSettingsPatch>
