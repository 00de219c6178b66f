import { z } from 'zod'
import { compareChartKinds, compareChartModes } from '../compare/compareChartOption'
import { MAX_COMPARE, MIN_COMPARE } from '../compare/compareSelection'
import { chartFileFields } from './charts'

/** One of Compare's charts as a file, through the same engine as Explore's exports. */
export const compareChartExportInput = z
  .object({
    ids: z.array(z.string().min(1).max(200)).min(MIN_COMPARE).max(MAX_COMPARE),
    chart: z.enum(compareChartKinds),
    mode: z.enum(compareChartModes).default('raw'),
    baseline: z.string().min(1).max(200).nullable().default(null),
    ...chartFileFields,
  })
  .strict()
export type CompareChartExportInput = z.input<typeof compareChartExportInput>
export type CompareChartExportRequest = z.output<typeof compareChartExportInput>
