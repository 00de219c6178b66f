import { z } from 'zod'
import { locales, rememberedViews, themes } from './values'

/** A change to the renderer's preferences (UiSettings in values.ts). */
export const uiSettingsPatch = z
  .object({
    locale: z.enum(locales).nullable().optional(),
    theme: z.enum(themes).optional(),
    /** Merged per view; an empty string forgets that view's state. */
    views: z.partialRecord(z.enum(rememberedViews), z.string().max(8000)).optional(),
    guideDismissed: z.boolean().optional(),
  })
  .strict()

export type UiSettingsPatch = z.infer<typeof uiSettingsPatch>
