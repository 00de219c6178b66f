import { z } from 'zod'
import type {
  CatalogModel,
  Distillation,
  EntryKind,
  Platform,
  PlatformId,
  Pretraining,
  SectionId,
  Series,
} from '../catalog/types'
import { numericFields, platformIds, sortFields } from './values'

export const entryKinds = [
  'zoo',
  'olderListOnly',
  'surveyOnly',
] as const satisfies readonly EntryKind[]

/**
 * Which latency figure "latency" refers to: a platform and its batch size / thread count. The
 * catalog is asked about published platforms only; charts and labels also name this machine.
 */
export const latencyKey = z
  .object({
    platform: z.enum(platformIds),
    batchSize: z.number().int().min(1).max(64).default(1),
    threads: z.number().int().min(1).max(64).nullable().default(null),
  })
  .strict()
/** A latency key of a published platform: what the catalog can list, sort and filter by. */
export type CatalogLatencyKey = z.infer<typeof latencyKey>
export type LatencyKey = Omit<CatalogLatencyKey, 'platform'> & { platform: PlatformId }

const finite = z.number().finite()

export const catalogListInput = z
  .object({
    search: z.string().trim().max(200).optional(),
    series: z.array(z.string().min(1).max(100)).max(100).optional(),
    families: z.array(z.string().min(1).max(100)).max(200).optional(),
    ids: z.array(z.string().min(1).max(200)).max(5000).optional(),
    ranges: z
      .array(
        z
          .object({ field: z.enum(numericFields), min: finite.optional(), max: finite.optional() })
          .strict(),
      )
      .max(numericFields.length)
      .optional(),
    latency: latencyKey.optional(),
    pretraining: z.enum(['ImageNet-1k', 'ImageNet-22k']).optional(),
    distilled: z.boolean().optional(),
    hasDownload: z.boolean().optional(),
    hasLocalWeights: z.boolean().optional(),
    /**
     * Which kinds of entry to list; default the zoo's models only, so that counts, charts and
     * comparisons of the zoo are not changed by names only an older list or the survey has.
     */
    entryKinds: z.array(z.enum(entryKinds)).min(1).max(entryKinds.length).default(['zoo']),
    sort: z
      .object({
        field: z.enum(sortFields),
        direction: z.enum(['asc', 'desc']).default('asc'),
        /**
         * With field 'latency': sort by this latency key instead of `latency`'s, so a table can
         * show one key in `latencyMs` and order by another (its other figures are in `latencies`).
         */
        latency: latencyKey.optional(),
      })
      .strict()
      .refine((sort) => !sort.latency || sort.field === 'latency', {
        message: 'A sort latency key applies only to sorting by latency.',
        path: ['latency'],
      })
      .optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
    offset: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((input) => !input.ranges?.some((r) => r.field === 'latency') || input.latency, {
    message: 'A latency range needs `latency` to say which platform and batch size.',
    path: ['latency'],
  })
  .refine((input) => input.sort?.field !== 'latency' || input.latency || input.sort.latency, {
    message: 'Sorting by latency needs `latency` to say which platform and batch size.',
    path: ['latency'],
  })
export type CatalogListInput = z.input<typeof catalogListInput>

/** One row of the models table: the numbers, without their sources. */
export interface ModelRow {
  id: string
  displayName: string
  series: string
  family: string
  section: SectionId
  pretraining: Pretraining
  distillation: Distillation
  inputSize: number | null
  top1: number | null
  top5: number | null
  paramsM: number | null
  flopsG: number | null
  sizeMB: number | null
  /** The figure for the requested latency key, or null. */
  latencyMs: number | null
  /** Every latency figure, with the model-list line it was read from. */
  latencies: {
    platform: PlatformId
    batchSize: number
    threads: number | null
    ms: number
    line: number
  }[]
  /** The model-list line each figure was read from (full sources: `catalog.get`). */
  sourceLines: Partial<Record<'top1' | 'top5' | 'paramsM' | 'flopsG' | 'sizeMB', number>>
  /** The tables this model appears in. */
  tables: { section: string; line: number }[]
  downloads: { pretrained: string | null; inference: string | null }
  hasLocalWeights: boolean
  /** 'zoo', or an entry only an older list / the backbone survey has (no figures of the zoo). */
  entryKind: EntryKind
}

export interface CatalogListResult {
  total: number
  rows: ModelRow[]
  catalogVersion: string
}

/** `id` may be any name the model is known by (display name, older name); see `resolved`. */
export const catalogGetInput = z.object({ id: z.string().min(1).max(200) }).strict()

export const catalogResolveInput = z.object({ name: z.string().trim().min(1).max(200) }).strict()

/** Which catalog id a typed name stands for, and how it was recognised. */
export interface ModelNameResolution {
  name: string
  id: string
  via: 'id' | 'displayName' | 'alias'
  /** `document:line` of the older list that gives an alias. */
  source: string | null
}

export interface CatalogModelDetail {
  model: CatalogModel
  series: Series
  platforms: Platform[]
  hasLocalWeights: boolean
  /** How the requested name became `model.id` (via 'id' when it was the id itself). */
  resolved: ModelNameResolution
}

export interface SeriesSummary extends Series {
  modelCount: number
}

export interface PlatformSummary extends Platform {
  /** The (batch size, threads) pairs that have at least one figure, with how many models. */
  keys: { batchSize: number; threads: number | null; modelCount: number }[]
}
