/**
 * Facts of a local ONNX model beside the catalog's published figures: which file a reference
 * names (a catalog entry's attached or converted model, a custom model, a path), the input size
 * to measure at when the graph leaves it open (the catalog's crop, else 224), and the difference
 * between measured and published params and FLOPs. Results are kept per file content and size
 * asked, so reopening a model's panel costs nothing.
 */
import { basename } from 'node:path'
import type { FactsInput, ModelFactsReport, PublishedFigures } from '../../shared/contract/facts'
import { factsInput } from '../../shared/contract/facts'
import type { CatalogModel } from '../../shared/catalog/types'
import { AppError } from '../../shared/errors'
import type { CatalogService } from '../catalog/catalogService'
import type { ModelStore } from '../inference/modelStore'
import { DEFAULT_INPUT_SIZE, modelFacts } from './modelFacts'
import { readOnnxGraph } from './readOnnxGraph'

export interface FactsServiceOptions {
  catalog: CatalogService
  store: ModelStore
  /** Makes a catalog entry's cached Paddle archive into ONNX; false when it has none. */
  convert?: (catalogId: string) => Promise<boolean>
}

interface Target {
  path: string
  /** Content key for the cache; null for a path (its file may change). */
  key: string | null
  model: ModelFactsReport['model']
  entry: CatalogModel | null
  /** The input size the model's own preprocessing makes, when known. */
  inputSize: number | null
}

const MAX_CACHED = 64

function published(entry: CatalogModel): PublishedFigures {
  return {
    paramsM: entry.paramsM?.value ?? null,
    flopsG: entry.flopsG?.value ?? null,
    paramsRaw: entry.paramsM?.source.raw ?? null,
    flopsRaw: entry.flopsG?.source.raw ?? null,
    inputSize: entry.inputSize,
  }
}

const ratio = (measured: number, publishedValue: number | null) =>
  publishedValue ? measured / publishedValue - 1 : null

export class FactsService {
  private readonly cache = new Map<string, ModelFactsReport['facts']>()

  constructor(private readonly options: FactsServiceOptions) {}

  private async target(ref: FactsInput['model']): Promise<Target> {
    if ('path' in ref)
      return {
        path: ref.path,
        key: null,
        model: { id: ref.path, name: basename(ref.path), catalogId: null },
        entry: null,
        inputSize: null,
      }
    const id = 'catalogId' in ref ? ref.catalogId : ref.customId
    const entry = 'catalogId' in ref ? this.options.catalog.get(id).model : null
    let stored = this.options.store.get(id)
    if (!stored && entry && (await this.options.convert?.(id))) stored = this.options.store.get(id)
    if (!stored)
      throw new AppError(
        'MODEL_NOT_AVAILABLE',
        `${id} has no ONNX model on this computer to measure. Download its inference model (Models → Download, or \`zoo pull ${id}\`), or attach an .onnx file to it (\`zoo attach FILE --model ${id}\`).`,
      )
    return {
      path: stored.path,
      key: stored.sha256,
      model: { id: stored.id, name: stored.name, catalogId: entry ? entry.id : null },
      entry,
      inputSize: entry?.preprocess?.cropSize ?? entry?.inputSize ?? stored.plan?.inputSize ?? null,
    }
  }

  async facts(rawInput: FactsInput): Promise<ModelFactsReport> {
    const input = factsInput.parse(rawInput)
    const target = await this.target(input.model)
    const inputSize = input.inputSize ?? target.inputSize ?? DEFAULT_INPUT_SIZE
    const cacheKey = target.key ? `${target.key}:${inputSize}` : null
    let facts = cacheKey ? this.cache.get(cacheKey) : undefined
    if (!facts) {
      const graph = await readOnnxGraph(target.path)
      facts = modelFacts(graph, { inputSize, fileBytes: graph.fileBytes })
      if (cacheKey) {
        if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!)
        this.cache.set(cacheKey, facts)
      }
    }
    const figures = target.entry ? published(target.entry) : null
    return {
      model: target.model,
      facts,
      published: figures,
      difference: {
        params: figures ? ratio(facts.params, figures.paramsM && figures.paramsM * 1e6) : null,
        macs: figures ? ratio(facts.macs, figures.flopsG && figures.flopsG * 1e9) : null,
      },
    }
  }
}
