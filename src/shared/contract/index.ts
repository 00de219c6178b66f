/**
 * The one table of request and event channels. Main handlers, preload, renderer client, HTTP
 * routes and the CLI all derive their types from it; inputs are validated against `input` at
 * runtime before any handler runs.
 */
import { z } from 'zod'
import { pingInput, type AppInfo, type PingEvent, type PingReply } from './app'
import {
  catalogGetInput,
  catalogListInput,
  catalogResolveInput,
  type ModelNameResolution,
  type CatalogListResult,
  type CatalogModelDetail,
  type PlatformSummary,
  type SeriesSummary,
} from './catalog'
import { chartExportInput, type ChartExportResult } from './charts'
import { compareChartExportInput } from './compare'
import { factsInput, type ModelFactsReport } from './facts'
import {
  attachInput,
  classifyInput,
  preprocessInput,
  type ModelInput,
  detachInput,
  type ClassifyResult,
  type LocalModel,
} from './inference'
import {
  batchExportInput,
  batchFileInput,
  batchIdInput,
  batchSortInput,
  batchSummaryInput,
  batchChartExportInput,
  batchUnsortInput,
  type BatchAccuracy,
  type BatchAgreement,
  type BatchSummary,
  type SortReport,
  type UnsortReport,
  batchResultsInput,
  batchStartInput,
  type BatchExportResult,
  type BatchJob,
  type BatchProgress,
  type BatchResultsPage,
} from './batch'
import {
  benchIdInput,
  benchListInput,
  benchStartInput,
  type BenchProgress,
  type BenchRun,
} from './bench'
import { fsCompleteInput, pickFoldersInput, type PathCompletion, type PickedFolders } from './files'
import { uiSettingsPatch } from './settings'
import type { UiSettings } from './values'
import {
  artifactIdInput,
  importArtifactInput,
  pullInput,
  verifyInput,
  weightsSettingsPatch,
  type Artifact,
  type DownloadState,
  type GcReport,
  type VerifyReport,
  type WeightsOverview,
  type WeightsSettings,
} from './weights'

/** Marks the type a channel returns; outputs are produced by our own code, so no runtime schema. */
function returns<T>(): T {
  return undefined as T
}

const noInput = z.object({}).strict()

export const requestChannels = {
  'app.info': { input: noInput, output: returns<AppInfo>() },
  'app.ping': { input: pingInput, output: returns<PingReply>() },
  'settings.get': { input: noInput, output: returns<UiSettings>() },
  'settings.update': { input: uiSettingsPatch, output: returns<UiSettings>() },
  'catalog.list': { input: catalogListInput, output: returns<CatalogListResult>() },
  'catalog.get': { input: catalogGetInput, output: returns<CatalogModelDetail>() },
  'catalog.resolve': { input: catalogResolveInput, output: returns<ModelNameResolution>() },
  'catalog.series': { input: noInput, output: returns<SeriesSummary[]>() },
  'catalog.platforms': { input: noInput, output: returns<PlatformSummary[]>() },
  'chart.export': { input: chartExportInput, output: returns<ChartExportResult>() },
  'compare.chartExport': {
    input: compareChartExportInput,
    output: returns<ChartExportResult>(),
  },
  'inference.models': { input: noInput, output: returns<LocalModel[]>() },
  'inference.attach': { input: attachInput, output: returns<LocalModel>() },
  'inference.detach': { input: detachInput, output: returns<{ removed: boolean }>() },
  'inference.classify': { input: classifyInput, output: returns<ClassifyResult>() },
  'inference.preprocess': { input: preprocessInput, output: returns<ModelInput>() },
  /** Params, MACs and FLOPs measured from the model's ONNX graph, beside the published ones. */
  'inference.facts': { input: factsInput, output: returns<ModelFactsReport>() },
  'weights.list': { input: noInput, output: returns<WeightsOverview>() },
  'weights.pull': { input: pullInput, output: returns<DownloadState>() },
  'weights.cancel': { input: artifactIdInput, output: returns<{ cancelled: boolean }>() },
  'weights.remove': { input: artifactIdInput, output: returns<{ removed: boolean }>() },
  'weights.verify': { input: verifyInput, output: returns<VerifyReport>() },
  'weights.gc': { input: noInput, output: returns<GcReport>() },
  'weights.import': { input: importArtifactInput, output: returns<Artifact>() },
  'weights.configure': { input: weightsSettingsPatch, output: returns<WeightsSettings>() },
  'batch.start': {
    input: batchStartInput,
    output: returns<{ job: BatchJob; resumed: boolean }>(),
  },
  'batch.list': { input: noInput, output: returns<BatchJob[]>() },
  'batch.get': { input: batchIdInput, output: returns<BatchJob>() },
  'batch.pause': { input: batchIdInput, output: returns<BatchJob>() },
  'batch.resume': { input: batchIdInput, output: returns<BatchJob>() },
  'batch.cancel': { input: batchIdInput, output: returns<BatchJob>() },
  'batch.retryFailed': { input: batchIdInput, output: returns<BatchJob>() },
  'batch.results': { input: batchResultsInput, output: returns<BatchResultsPage>() },
  'batch.export': { input: batchExportInput, output: returns<BatchExportResult>() },
  'batch.summary': { input: batchSummaryInput, output: returns<BatchSummary>() },
  'batch.chartExport': { input: batchChartExportInput, output: returns<ChartExportResult>() },
  'batch.agreement': { input: batchIdInput, output: returns<BatchAgreement>() },
  'batch.accuracy': { input: batchIdInput, output: returns<BatchAccuracy>() },
  'batch.sort': { input: batchSortInput, output: returns<SortReport>() },
  'batch.unsort': { input: batchUnsortInput, output: returns<UnsortReport>() },
  /** Desktop only: opens the file (or shows it in its folder) with the system's file manager. */
  'batch.openFile': { input: batchFileInput, output: returns<{ opened: true }>() },
  'bench.start': { input: benchStartInput, output: returns<BenchRun>() },
  'bench.cancel': { input: benchIdInput, output: returns<BenchRun>() },
  /** Newest first, every point with the run's fingerprint and load (no per-run timings). */
  'bench.list': { input: benchListInput, output: returns<BenchRun[]>() },
  /** One run, its points with every timed run's ms. */
  'bench.get': { input: benchIdInput, output: returns<BenchRun>() },
  'fs.completePath': { input: fsCompleteInput, output: returns<PathCompletion>() },
  /** Desktop only: the system's folder dialog. */
  'desktop.pickFolders': { input: pickFoldersInput, output: returns<PickedFolders>() },
} satisfies Record<string, { input: z.ZodType; output: unknown }>

export const eventChannels = {
  'app.ping': returns<PingEvent>(),
  'settings.changed': returns<UiSettings>(),
  /** A long job (a download…) started, progressed, finished, failed or was cancelled. */
  'jobs.progress': returns<AnyJobProgress>(),
} satisfies Record<string, unknown>

/** Every kind of long job's progress, told apart by `job`. */
export type AnyJobProgress = DownloadState | BatchProgress | BenchProgress

export type RequestChannel = keyof typeof requestChannels
export type EventChannel = keyof typeof eventChannels

/** What a caller passes (before defaults are applied). */
export type RequestInput<C extends RequestChannel> = z.input<(typeof requestChannels)[C]['input']>
/** What a handler receives (validated, defaults applied). */
export type HandlerInput<C extends RequestChannel> = z.output<(typeof requestChannels)[C]['input']>
export type RequestOutput<C extends RequestChannel> = (typeof requestChannels)[C]['output']
export type EventPayload<E extends EventChannel> = (typeof eventChannels)[E]

export function isRequestChannel(name: string): name is RequestChannel {
  return Object.hasOwn(requestChannels, name)
}

export function isEventChannel(name: string): name is EventChannel {
  return Object.hasOwn(eventChannels, name)
}

export * from './app'
export * from './catalog'
export * from './charts'
export * from './inference'
export * from './facts'
export * from './weights'
export * from './progress'
export * from './batch'
export * from './bench'
export * from './files'
export * from './settings'
export * from './values'
