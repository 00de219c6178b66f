/**
 * The shape of the shipped model catalog (resources/catalog/*.json), shared by the importer that
 * writes it, the main-side service that loads it into SQLite, and the renderer that shows it.
 * Every published figure keeps where it came from.
 */

/** Where a figure, link or text was read: document, section (table heading), line, cell text. */
export interface SourceRef {
  document: string
  section: string
  line: number
  /** The column header as written, for table cells. */
  column?: string
  /** The text exactly as written in the source (before unit or percent normalisation). */
  raw: string
}

/** A normalised number with its source; `others` holds the same figure from other tables. */
export interface Figure {
  value: number
  source: SourceRef
  others?: { value: number; source: SourceRef }[]
}

export type PlatformId =
  'v100-trt-fp32' | 'sd855-arm-fp32' | 'xeon6148-paddle-fp32' | 'xeon6271c-openvino-fp32'

export interface Platform {
  id: PlatformId
  name: string
  hardware: string
  engine: string
  precision: 'FP32'
  kind: 'gpu' | 'cpu' | 'arm'
  /** How the platform's timings vary: by batch size (GPU) or by thread count (ARM). */
  varies: 'batchSize' | 'threads' | 'none'
  description: { en: string; zh: string }
  source: SourceRef
}

export interface Latency {
  platform: PlatformId
  batchSize: number
  /** Thread count where the source gives one (SD855 ARM); null otherwise. */
  threads: number | null
  ms: number
  source: SourceRef
}

/** A model's deploy-time preprocessing, read from its PaddleClas `Infer.transforms`. */
export interface Preprocess {
  colorOrder: 'RGB' | 'BGR'
  decoder: 'cv2' | 'pil'
  /** `library`: who resizes (OpenCV or PIL); their bicubic/bilinear differ when shrinking. */
  resize:
    | { mode: 'shortSide'; size: number; interpolation: Interpolation; library: 'cv2' | 'pil' }
    | { mode: 'exact'; size: number; interpolation: Interpolation; library: 'cv2' | 'pil' }
    | {
        mode: 'cropAtRatio'
        size: number
        pad: number
        interpolation: Interpolation
        library: 'cv2' | 'pil'
      }
  /** Centre crop side; null when the resize already produces the input size. */
  cropSize: number | null
  /** Pixel values are multiplied by `scale`, then `(x - mean) / std` per channel. */
  scale: number
  mean: [number, number, number]
  std: [number, number, number]
  layout: 'CHW'
  source: { config: string; inheritedFrom?: string; raw: string }
}

export type Interpolation = 'bilinear' | 'bicubic' | 'nearest' | 'area' | 'lanczos'

export type Pretraining = 'ImageNet-1k' | 'ImageNet-22k'
export type Distillation = 'ssld' | 'deit' | null

export type SectionId = 'cnn-server' | 'cnn-mobile' | 'transformer-server' | 'transformer-mobile'

export interface CatalogModel {
  /** PaddleClas's id, taken from the pretrained weights' file name. */
  id: string
  /** The name as the tables show it (without markup). */
  displayName: string
  series: string
  /** Models that differ only in size; charts join them with a line. */
  family: string
  section: SectionId
  pretraining: Pretraining
  distillation: Distillation
  /** Side of the square input image; null where no config says. */
  inputSize: number | null
  classes: number
  preprocess: Preprocess | null
  top1: Figure | null
  top5: Figure | null
  paramsM: Figure | null
  flopsG: Figure | null
  sizeMB: Figure | null
  /** SSLD tables: top-1 of the same architecture trained without distillation, and the gain. */
  ssldReferenceTop1: Figure | null
  ssldGain: Figure | null
  latencies: Latency[]
  downloads: {
    pretrained: string | null
    inference: string | null
    /** Older links from earlier model lists (static-graph `.tar` weights and the like). */
    legacy: { url: string; source: SourceRef }[]
    source: SourceRef
  }
  /** Other names for this model in older model lists or tables. */
  aliases: { name: string; source: SourceRef }[]
  /** Params/FLOPs from the backbone survey (seed 004), shown beside PaddleClas's own. */
  survey: { name: string; paramsM: Figure | null; flopsG: Figure | null } | null
  /** Oddities in the sources worth telling the user (e.g. a link that points at another model). */
  notes: string[]
  /** Every table row this model appears in. */
  rows: SourceRef[]
}

export interface Series {
  id: string
  name: string
  section: SectionId
  description: { en: string | null; zh: string | null }
  /** Paper reference numbers and texts from the sources' reference list. */
  references: { number: number; text: string; paper?: string }[]
  source: SourceRef
}

export interface CatalogMeta {
  formatVersion: 1
  /** Hash of the catalog's content: a change reloads it into the database. */
  catalogVersion: string
  modelCount: number
  seriesCount: number
  sources: { document: string; sha256: string }[]
}

export interface CatalogBundle {
  meta: CatalogMeta
  platforms: Platform[]
  series: Series[]
  models: CatalogModel[]
}
