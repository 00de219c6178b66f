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

/**
 * The published platforms, and this machine: its figures come from the benchmark runs kept on
 * this computer (src/shared/bench/machineLatencies.ts), never from the catalog.
 */
export type PlatformId =
  | 'v100-trt-fp32'
  | 'sd855-arm-fp32'
  | 'xeon6148-paddle-fp32'
  | 'xeon6271c-openvino-fp32'
  | 'this-machine'

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
  survey: SurveyFigures | null
  /** Oddities in the sources worth telling the user (e.g. a link that points at another model). */
  notes: string[]
  /** Every table row this model appears in. */
  rows: SourceRef[]
  /**
   * Where the entry comes from: a model of today's zoo (it has the published figures), or a name
   * only an older model list or only the backbone survey has. Absent means 'zoo' (older bundles).
   */
  entryKind?: EntryKind
  /** The footnotes and notes of the source documents that speak about this model. */
  sourceNotes?: SourceNote[]
  /** Figures another document publishes differently (ImageNet_models.en.md), with their source. */
  secondSource?: SecondSource | null
}

export type EntryKind = 'zoo' | 'olderListOnly' | 'surveyOnly'

/**
 * A footnote or note of a source document, attached to the models it speaks about. `zh` is the
 * text as written (the sources are Chinese); `en` is our translation of it.
 */
export interface SourceNote {
  kind: 'accuracy' | 'preprocessing' | 'platform' | 'pretraining' | 'weights' | 'meaning' | 'status'
  en: string
  zh: string
  source: SourceRef
  /** Other documents that repeat the same note. */
  alsoIn?: SourceRef[]
}

/**
 * The backbone survey's figures: measured with PyTorch (`torch.randn(1, 3, 224, 224)`), so at
 * 224 px whatever the model's own input size, and with torch's counting conventions.
 */
export interface SurveyFigures {
  name: string
  paramsM: Figure | null
  flopsG: Figure | null
  /** The survey's own group column ("2017-ShuffleNet"), when it names one. */
  group?: string
  /** Input side the survey measured at (always 224) and the framework it counted with. */
  measuredAt?: { inputSize: 224; framework: 'torch' }
  /** Why the link from the survey's name to this model is in doubt, when it is. */
  doubt?: string
  /** Scores the survey gives on another dataset (its CIFAR-100 table), in percent as written. */
  otherScores?: { dataset: string; top1Percent: Figure; extraData: boolean }[]
}

/** One document's figures that differ from the catalog's, each beside the catalog's value. */
export interface SecondSource {
  document: string
  figures: {
    /** 'top1', 'top5', 'paramsM', 'flopsG', 'sizeMB' or a latency key 'platform|batch|threads'. */
    field: string
    value: number
    /** The catalog's value for the same field (from the model list). */
    catalogValue: number
    /** True when the two differ only by rounding (one written to fewer digits). */
    roundingOnly: boolean
    source: SourceRef
  }[]
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
  /** Models of the zoo (entries of other kinds not counted; see `outsideCount`). */
  modelCount: number
  /** Entries only an older list or the survey has. */
  outsideCount?: number
  seriesCount: number
  sources: { document: string; sha256: string }[]
}

export interface CatalogBundle {
  meta: CatalogMeta
  platforms: Platform[]
  series: Series[]
  /** The zoo's models (entryKind 'zoo'). */
  models: CatalogModel[]
  /**
   * Entries outside the zoo (older-list-only, survey-only) and the series that only they use;
   * absent in older bundles.
   */
  outside?: { series: Series[]; models: CatalogModel[] }
}
