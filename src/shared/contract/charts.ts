import { z } from 'zod'
import { chartFieldIds } from '../charts/chartFields'
import {
  axisScales,
  chartStateLimits as limits,
  labelModes,
  normalizeTitle,
  type ChartState,
} from '../charts/chartState'
import { chartFormats, chartPlatformIds, locales } from './values'

const latencyChoice = z
  .object({
    platform: z.enum(chartPlatformIds),
    batchSize: z.number().int().min(1).max(limits.latencyRun),
    threads: z.number().int().min(1).max(limits.latencyRun).nullable(),
  })
  .strict()

const chartAxis = z
  .object({
    field: z.enum(chartFieldIds),
    scale: z.enum(axisScales),
    latency: latencyChoice.nullable().default(null),
    min: z.number().finite().nullable().default(null),
    max: z.number().finite().nullable().default(null),
  })
  .strict()

const name = z.string().min(1).max(limits.name)

/** A chart state sent to the API (the CLI and the export request), with the defaults applied. */
export const chartStateSchema = z
  .object({
    x: chartAxis,
    y: chartAxis,
    series: z.array(name).max(limits.series).default([]),
    hidden: z.array(name).max(limits.series).default([]),
    ids: z.array(name).max(limits.models).default([]),
    budget: z.number().positive().finite().nullable().default(null),
    frontier: z.boolean().default(true),
    families: z.boolean().default(true),
    machine: z.boolean().default(true),
    labels: z.enum(labelModes).default('frontier'),
    selection: z.array(name).max(limits.models).default([]),
    preset: z.string().max(limits.preset).nullable().default(null),
    title: z.string().max(limits.title).nullable().default(null).transform(normalizeTitle),
  })
  .strict()
export type ChartStateInput = z.input<typeof chartStateSchema>

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Holds<T extends true> = T
/** Fails to compile when the schema and the state's own type (charts/chartState.ts) drift apart. */
export type ChartStateSchemaMatchesType = Holds<Same<z.output<typeof chartStateSchema>, ChartState>>

/** What any exported chart file is asked for, whatever the chart (Explore's, a batch job's). */
export const chartFileFields = {
  format: z.enum(chartFormats),
  width: z.number().int().min(320).max(8000).default(1280),
  height: z.number().int().min(240).max(8000).default(800),
  theme: z.enum(['light', 'dark']).default('light'),
  locale: z.enum(locales).default('en'),
  /** PNG pixels per SVG pixel: 2 gives a sharp image on high-density screens and in print. */
  pixelRatio: z.number().min(1).max(4).default(2),
}
export type ChartFileRequest = z.output<z.ZodObject<typeof chartFileFields>>

export const chartExportInput = z.object({ state: chartStateSchema, ...chartFileFields }).strict()
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
