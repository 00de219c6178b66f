import { z } from 'zod'
import { chartStateSchema } from '../charts/chartState'
import { locales } from './settings'

export const chartFormats = ['svg', 'png', 'csv'] as const
export type ChartFormat = (typeof chartFormats)[number]

export const chartExportInput = z
  .object({
    state: chartStateSchema,
    format: z.enum(chartFormats),
    width: z.number().int().min(320).max(8000).default(1280),
    height: z.number().int().min(240).max(8000).default(800),
    theme: z.enum(['light', 'dark']).default('light'),
    locale: z.enum(locales).default('en'),
    /** PNG pixels per SVG pixel: 2 gives a sharp image on high-density screens and in print. */
    pixelRatio: z.number().min(1).max(4).default(2),
  })
  .strict()
export type ChartExportInput = z.input<typeof chartExportInput>
export type ChartExportRequest = z.output<typeof chartExportInput>

export interface ChartExportResult {
  fileName: string
  mime: string
  /** The file's bytes, base64-encoded (JSON- and IPC-safe). */
  base64: string
  points: number
  /** Models of the chosen set with no figure on an axis, so not drawn. */
  missing: number
}
