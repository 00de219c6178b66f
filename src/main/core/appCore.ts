/**
 * The services behind every face, opened once per process and disposed in one place. Electron,
 * browser mode, the CLI and tests all start here.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Database } from 'better-sqlite3'
import { APP_NAME, APP_VERSION, readAppInfo, type Host } from '../app/appInfo'
import { ensureDataDir } from '../app/dataDir'
import { resolveResourcesDir } from '../app/resourcesDir'
import { readCatalogBundle, readLabels } from '../catalog/catalogBundle'
import type { HostLauncher } from '../inference/host/hostLauncher'
import { InferenceService } from '../inference/inferenceService'
import { ModelStore } from '../inference/modelStore'
import { BlobStore } from '../store/blobStore'
import { blobUsers } from '../store/blobUsers'
import { ConversionTable } from '../store/conversionTable'
import { ConversionService } from '../convert/conversionService'
import { FactsService } from '../facts/factsService'
import { selfCheck } from '../inference/selfCheck'
import { moveLegacyModels } from '../store/legacyModels'
import { UploadStore } from '../uploads/uploadStore'
import { WeightsService, type WeightsServiceOptions } from '../weights/weightsService'
import { CatalogService } from '../catalog/catalogService'
import { loadedCatalogSources, syncCatalog, type SyncReport } from '../catalog/catalogSync'
import { ThumbnailService } from '../batch/thumbnails'
import { exportBatchChart } from '../export/batchChartExport'
import { completePath } from '../files/completePath'
import { exportChart, type ChartData } from '../export/chartExport'
import { exportCompareChart } from '../export/compareChartExport'
import { jobTitle } from '../../shared/batch/jobTitle'
import { openDatabase } from '../db/openDatabase'
import type { MigrationReport } from '../db/migrate'
import { BatchService } from '../batch/batchService'
import { machineLatencies, withMachineLatencies } from '../../shared/bench/machineLatencies'
import { BenchService } from '../bench/benchService'
import { EventBus } from '../events/eventBus'
import { Leases } from '../locks/leases'
import { SettingsStore } from '../settings/settingsStore'
import { createDispatch, type Dispatcher } from './dispatch'
import { canonicalChartIds, canonicalId, canonicalRef } from './canonicalIds'
import type { Handlers } from './handlers'
import { AppError } from '../../shared/errors'
import { catalogListInput } from '../../shared/contract'

export interface AppCoreOptions {
  dataDir: string
  host: Host
  nativeBinding?: string
  /** Shipped data (catalog, labels); defaults to the project's resources/ folder. */
  resourcesDir?: string
  /** Test seams for the downloader (retry delays, a failing disk). */
  download?: WeightsServiceOptions['download']
  env?: NodeJS.ProcessEnv
  log?: (message: string) => void
  /** How model host processes are started: fork (the default) or Electron's utility processes. */
  hostLauncher?: HostLauncher
  /** The desktop's own dialogs and file manager; only the Electron shell has them. */
  desktop?: Desktop
  /** The thumbnail cache's size bound, in bytes (tests make it small). */
  thumbnailCacheBytes?: number
  /** Weights past which a converted model keeps them in a data file beside it (tests: small). */
  convertInlineLimit?: number
}

/** What the desktop shell does for the app that a browser page or a terminal cannot. */
export interface Desktop {
  /** Null when the user closed the dialog. */
  pickFolders(title?: string): Promise<string[] | null>
  /** Opens the file in its default app; rejects with the reason when it cannot. */
  openPath(path: string): Promise<void>
  /** Shows the file selected in its folder in the file manager. */
  revealPath(path: string): void
}

export interface AppCore extends Dispatcher {
  readonly dataDir: string
  readonly db: Database
  readonly events: EventBus
  readonly settings: SettingsStore
  readonly catalog: CatalogService
  readonly inference: InferenceService
  readonly weights: WeightsService
  readonly batch: BatchService
  readonly bench: BenchService
  readonly thumbnails: ThumbnailService
  readonly uploads: UploadStore
  /** The one store of every file the app keeps (`<data>/cache`). */
  readonly blobs: BlobStore
  /** What the Paddle → ONNX converter made (its outputs are blobs). */
  readonly conversions: ConversionTable
  readonly resourcesDir: string
  /** How the shipped catalog was loaded, or why it could not be. */
  readonly catalogSync: SyncReport | { error: string }
  readonly migration: MigrationReport
  /** Everything a chart export needs from the catalog. */
  chartData(): ChartData
  close(): void
}

export const DATABASE_FILE = 'zoo.sqlite'

function desktopOnly(what: string): never {
  throw new AppError(
    'UNAVAILABLE',
    `${what} needs the desktop app; in browser mode type the folder's path instead.`,
  )
}

export function openAppCore(options: AppCoreOptions): AppCore {
  const dataDir = ensureDataDir(options.dataDir)
  const databasePath = join(dataDir, DATABASE_FILE)
  const { db, migration } = openDatabase(
    databasePath,
    options.nativeBinding ? { nativeBinding: options.nativeBinding } : {},
  )
  const events = new EventBus()
  const settings = new SettingsStore(db)
  const log = options.log ?? ((message: string) => console.error(message))
  const resourcesDir = options.resourcesDir ?? resolveResourcesDir()
  const catalog = new CatalogService(db)
  let catalogSync: AppCore['catalogSync']
  try {
    catalogSync = syncCatalog(db, readCatalogBundle(resourcesDir))
  } catch (error) {
    // The app still opens (settings, About) and says why its catalog views are empty.
    catalogSync = { error: error instanceof Error ? error.message : String(error) }
    log(`${APP_NAME}: ${catalogSync.error}`)
  }
  const uploads = new UploadStore(dataDir)
  const catalogEntry = (id: string) => {
    try {
      const { model } = catalog.get(id)
      return { name: model.displayName, inputSize: model.inputSize, classes: model.classes }
    } catch {
      return null
    }
  }
  const leases = new Leases(db)
  const blobs = new BlobStore({ root: join(dataDir, 'cache'), leases, inUse: blobUsers(db) })
  // Before any model is looked up: their rows already point into the blob store (migration 8).
  moveLegacyModels(dataDir, blobs)
  let imagenetLabels: string[] | null = null
  // Set once the weights cache exists; the two need each other (first-use conversion, self-check).
  let conversionService: ConversionService | null = null
  const inference = new InferenceService({
    dataDir,
    catalog,
    uploads,
    store: new ModelStore(blobs, db, catalogEntry),
    imagenetLabels: () => (imagenetLabels ??= readLabels(resourcesDir)),
    ...(options.hostLauncher ? { launcher: options.hostLauncher } : {}),
    convert: async (catalogId) => (await conversionService?.ensure(catalogId)) != null,
  })
  const weights = new WeightsService({
    blobs,
    db,
    leases,
    catalog,
    events,
    settings,
    uploads,
    ...(options.env ? { env: options.env } : {}),
    ...(options.download ? { download: options.download } : {}),
    prepare: (artifact, signal) => makeRunnable(artifact.modelId, signal),
    forget: (artifact) => conversionService!.forget(artifact.modelId, artifact.sha256),
  })
  const conversions = new ConversionTable(db)
  conversionService = new ConversionService({
    blobs,
    table: conversions,
    models: inference.modelStore,
    weights,
    leases,
    ...(options.convertInlineLimit !== undefined
      ? { inlineLimit: options.convertInlineLimit }
      : {}),
  })
  /**
   * Converts a downloaded Paddle archive and runs the result once on the sample images; returns
   * what the user should be warned of (the self-check's warnings), or null.
   */
  const makeRunnable = async (catalogId: string, signal?: AbortSignal): Promise<string | null> => {
    const converted = await conversionService!.ensure(catalogId, signal ? { signal } : {})
    if (!converted) return null
    const earlier = converted.model.selfCheck
    if (!converted.conversion && earlier)
      return earlier.warnings.length > 0 ? earlier.warnings.join(' ') : null
    const width = converted.conversion?.outputs[0]?.shape.at(-1)
    const check = await selfCheck({
      resourcesDir,
      modelName: catalogId,
      catalogClasses: catalogEntry(catalogId)?.classes ?? null,
      outputWidth: typeof width === 'number' ? width : null,
      classify: (paths) =>
        inference.classify(
          {
            model: { catalogId },
            images: paths.map((path) => ({ path })),
            topk: 1,
          },
          signal,
        ),
    })
    conversionService!.recordSelfCheck(catalogId, check)
    return check.warnings.length > 0 ? check.warnings.join(' ') : null
  }
  const batch = new BatchService({ db, inference, leases, events })
  const facts = new FactsService({
    catalog,
    store: inference.modelStore,
    convert: async (catalogId) => (await conversionService?.ensure(catalogId)) != null,
  })
  const bench = new BenchService({ db, inference, leases, events, resourcesDir })
  const thumbnails = new ThumbnailService({
    dir: join(dataDir, 'thumbs'),
    journal: batch.journal,
    ...(options.thumbnailCacheBytes ? { maxBytes: options.thumbnailCacheBytes } : {}),
  })
  const desktop = options.desktop
  let pingSeq = 0
  // Exported charts show this machine's benchmarked latencies as Explore does; the catalog's rows
  // themselves never hold them.
  const chartData = (): ChartData => ({
    rows: withMachineLatencies(
      catalog.list(catalogListInput.parse({})).rows,
      [],
      machineLatencies(bench.list({ limit: 500 })),
    ).rows,
    seriesOrder: catalog.series().map((series) => series.id),
    catalogVersion: catalog.version(),
    appVersion: APP_VERSION,
    sources: loadedCatalogSources(db),
  })

  const resolve = (name: string) => catalog.resolve(name)
  const handlers: Handlers = {
    'app.info': () => readAppInfo({ host: options.host, dataDir, databasePath, db }),
    'app.ping': ({ message }) => {
      const reply = { message, seq: ++pingSeq, at: new Date().toISOString() }
      events.emit('app.ping', reply)
      return reply
    },
    'settings.get': () => settings.ui(),
    'settings.update': (patch) => {
      const next = settings.updateUi(patch)
      events.emit('settings.changed', next)
      return next
    },
    'catalog.list': (query) => catalog.list(query),
    'catalog.get': ({ id }) => catalog.find(id),
    'catalog.resolve': ({ name }) => catalog.resolve(name),
    'catalog.series': () => catalog.series(),
    'catalog.platforms': () => catalog.platforms(),
    'compare.chartExport': (request) => {
      // Names resolve as everywhere; each detail carries its own platforms, the chart needs all.
      const details = request.ids.map((id) => catalog.find(id))
      const platforms = new Map(details.flatMap((d) => d.platforms.map((p) => [p.id, p])))
      const baseline = request.baseline ? canonicalId(request.baseline, resolve) : null
      return exportCompareChart(
        details.map((d) => d.model),
        [...platforms.values()],
        { ...request, baseline },
        APP_VERSION,
      )
    },
    'chart.export': (request) =>
      exportChart(chartData(), {
        ...request,
        state: {
          ...request.state,
          ids: canonicalChartIds(request.state.ids, resolve),
          selection: canonicalChartIds(request.state.selection, resolve),
        },
      }),
    'inference.models': () => inference.models(),
    'inference.attach': (request) =>
      inference.attach(
        request.catalogId
          ? { ...request, catalogId: canonicalId(request.catalogId, resolve) }
          : request,
      ),
    'inference.detach': ({ model }) => ({
      removed: inference.detach(canonicalRef(model, resolve)),
    }),
    'inference.classify': (request, context) =>
      inference.classify(
        { ...request, model: canonicalRef(request.model, resolve) },
        context.signal,
      ),
    'inference.preprocess': async (request) =>
      (await inference.preprocess({ ...request, model: canonicalRef(request.model, resolve) }))
        .view,
    'inference.facts': (request) =>
      facts.facts({ ...request, model: canonicalRef(request.model, resolve) }),
    'weights.list': () => weights.list(),
    'weights.pull': async (input) => {
      const request = { ...input, modelId: canonicalId(input.modelId, resolve) }
      const { state, done } = weights.pull(request)
      if (!request.wait) return { ...state }
      await done
      return weights.list().downloads.find((d) => d.id === state.id) ?? state
    },
    'weights.cancel': ({ id }) => ({ cancelled: weights.cancel(id) }),
    'weights.remove': async ({ id }) => ({ removed: await weights.remove(id) }),
    'weights.verify': ({ id }) => weights.verify(id),
    'weights.gc': () => weights.gc(),
    'weights.import': (request) =>
      weights.import({ ...request, modelId: canonicalId(request.modelId, resolve) }),
    'weights.configure': (patch) => weights.configure(patch),
    'batch.start': (request) =>
      batch.start({ ...request, models: request.models.map((ref) => canonicalRef(ref, resolve)) }),
    'batch.list': () => batch.list(),
    'batch.get': ({ id }) => batch.get(id),
    'batch.pause': ({ id }) => batch.pause(id),
    'batch.resume': ({ id }) => batch.resume(id),
    'batch.cancel': ({ id }) => batch.cancel(id),
    'batch.retryFailed': ({ id }) => batch.retryFailed(id),
    'batch.results': (query) => batch.results(query),
    'batch.export': (request) => batch.export(request),
    'batch.summary': (request) => batch.summary(request),
    'batch.chartExport': (request) => {
      const job = batch.get(request.id)
      const model = job.spec.models[request.model]
      if (!model)
        throw new AppError(
          'INVALID_INPUT',
          `Job ${job.id} has ${job.spec.models.length} model(s); model ${request.model} is not one of them.`,
        )
      const summary = batch.summary({ id: job.id, model: request.model, bins: 20 })
      return exportBatchChart(
        {
          summary,
          jobId: job.id,
          jobLabel: jobTitle(job),
          modelId: model.id,
          modelName: model.name,
          appVersion: APP_VERSION,
        },
        request,
      )
    },
    'batch.agreement': ({ id }) => batch.agreement(id),
    'batch.accuracy': ({ id }) => batch.accuracy(id),
    'batch.sort': (request, context) =>
      batch.sort(request, context.signal ? { signal: context.signal } : {}),
    'batch.unsort': (request) => batch.unsort(request),
    'batch.openFile': async ({ id, fileId, reveal }) => {
      if (!desktop) desktopOnly(reveal ? 'Showing a file in its folder' : 'Opening a file')
      const file = batch.journal.file(id, fileId)
      if (!file) throw new AppError('NOT_FOUND', `Batch job ${id} has no file ${fileId}.`)
      if (!existsSync(file.absPath))
        throw new AppError(
          'NOT_FOUND',
          `${file.absPath} is no longer there: it was moved or deleted since the job ran.`,
        )
      if (reveal) desktop.revealPath(file.absPath)
      else
        await desktop.openPath(file.absPath).catch((error: unknown) => {
          throw new AppError(
            'UNAVAILABLE',
            `No app opened ${file.absPath}: ${error instanceof Error ? error.message : String(error)}`,
          )
        })
      return { opened: true as const }
    },
    'bench.start': (request) =>
      bench.start({ ...request, model: canonicalRef(request.model, resolve) }),
    'bench.cancel': ({ id }) => bench.cancel(id),
    'bench.list': (query) =>
      bench.list(
        query.catalogId === undefined
          ? query
          : { ...query, catalogId: canonicalId(query.catalogId, resolve) },
      ),
    'bench.get': ({ id }) => bench.get(id),
    'fs.completePath': (request) => completePath(request),
    'desktop.pickFolders': async ({ title }) => {
      if (!desktop) desktopOnly('The folder dialog')
      const paths = await desktop.pickFolders(title)
      return paths && paths.length ? { paths } : null
    },
  }

  const { dispatch, dispatchUntyped } = createDispatch(handlers, (channel, error) => {
    log(
      `${APP_NAME}: ${channel} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    )
  })

  let closed = false
  return {
    dataDir,
    db,
    events,
    settings,
    catalog,
    inference,
    weights,
    batch,
    bench,
    thumbnails,
    uploads,
    blobs,
    conversions,
    resourcesDir,
    catalogSync,
    migration,
    dispatch,
    dispatchUntyped,
    chartData,
    close() {
      if (closed) return
      closed = true
      batch.dispose()
      bench.dispose()
      inference.dispose()
      weights.dispose()
      leases.dispose()
      db.close()
    },
  }
}
