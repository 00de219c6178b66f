/**
 * How large a file the app reads for each purpose, and how long a read may take: one place, so
 * every face and every service refuses the same things. A file over its cap is refused before a
 * byte of it is read (`/dev/zero` would otherwise grow a process until the machine gives up).
 */
const MiB = 1024 ** 2
const GiB = 1024 ** 3

export const inputLimits = {
  /** The largest real photos (a 100 MP TIFF) stay well under this. */
  image: { maxBytes: 256 * MiB, noun: 'image' },
  /** ONNX files; protobuf itself stops at 2 GB, external-data models are not supported. */
  model: { maxBytes: 4 * GiB, noun: 'model' },
  /** A label file of 1,000 or 21,841 class names is a few hundred kB. */
  labels: { maxBytes: 16 * MiB, noun: 'label file' },
  /** A `path,label` CSV of a batch job's true classes: a million photos make 30–80 MB. */
  labelCsv: { maxBytes: 256 * MiB, noun: 'label CSV' },
  /** Archives and weights to import: PaddleClas's largest archive is about 1.2 GB. */
  archive: { maxBytes: 32 * GiB, noun: 'archive' },
} as const

export type InputKind = keyof typeof inputLimits

/**
 * Files the page uploads (browser mode, drag and drop) wait in <data>/uploads until used. One
 * upload is at most the largest input it can be (a model); all of them together at most
 * `folderMaxBytes`: a batch of 1,000 12 MP photos is 3–5 GB, and the cap leaves room for one
 * maximal model beside it, while a page that uploads in a loop cannot fill the disk.
 */
export const uploadLimits = {
  fileMaxBytes: inputLimits.model.maxBytes,
  folderMaxBytes: 8 * GiB,
} as const

/** A read that makes no progress for this long (a stalled network share) is given up. */
export const READ_TIMEOUT_MS = 60_000
