/**
 * Running one request's images on a model host so that one bad input never costs the others
 * their results. The images go to the host in chunks (a chunk is one batch), a few at a time so
 * that the host decodes the next while the model runs the current one (see WINDOW), and each
 * chunk's results are kept as they come. When the host dies:
 *   - the chunks it had are rerun on a fresh host one image at a time, to find the culprit;
 *   - an image that kills a fresh host while it runs there alone gets MODEL_CRASHED saying so,
 *     and the rest go on (in batches again once the suspect chunks are done);
 *   - after MAX_CRASHES_IN_A_ROW deaths with no image finishing in between, the images not yet
 *     run get MODEL_CRASHED saying the model keeps crashing: no endless restarts, no hang.
 */
import type { ApiError } from '../../shared/errors'
import { AppError } from '../../shared/errors'
import type { HostImage, HostImageResult } from './host/hostProtocol'
import { HostExitedError, type ModelHost } from './host/modelHost'
import type { PreprocessPlan } from './preprocess/preprocessPlan'

/** Host deaths in a row, with no image finished in between, before the request gives up. */
export const MAX_CRASHES_IN_A_ROW = 3

/**
 * Chunks a host is given before the first is answered: one running, one being decoded, and one
 * waiting to be decoded. The third matters when inference is slower than decoding: the run
 * holds the host's thread, so a chunk sent during it would only start decoding after it.
 */
const WINDOW = 3

export interface RunImagesOptions {
  images: HostImage[]
  plan: PreprocessPlan
  batchSize: number
  /** A live host: called first, then again after each crash (which must give a fresh one). */
  host: () => Promise<ModelHost>
  /** Each chunk's results as they come (a journal writes them at once). */
  onResults?: (results: HostImageResult[]) => void
  /** Stops the request: chunks not yet run are dropped and it ends with CANCELLED. */
  signal?: AbortSignal
}

interface Chunk {
  images: HostImage[]
  /** A suspect being rerun on its own: nothing else is sent to the host meanwhile. */
  alone: boolean
}

interface Crash {
  error: HostExitedError
  /** The chunks the host had been given and not answered, oldest first. */
  chunks: Chunk[]
}

const nameOf = (image: HostImage) => image.label ?? image.path

function failed(image: HostImage, error: ApiError): HostImageResult {
  return { key: image.key, ok: false, error }
}

function culprit(image: HostImage, crash: HostExitedError): HostImageResult {
  return failed(image, {
    code: 'MODEL_CRASHED',
    message: `"${nameOf(image)}" crashed the model process when run on its own. ${crash.message} The other images were run without it; this file may be damaged in a way the decoder or the model does not survive.`,
  })
}

function keepsCrashing(image: HostImage, crashes: number, last: string): HostImageResult {
  return failed(image, {
    code: 'MODEL_CRASHED',
    message: `The model process keeps crashing: it died ${crashes} times in a row without finishing an image, so "${nameOf(image)}" was not run. ${last} Try again, or try another model.`,
  })
}

/** Sends chunks from `queue` to `host` until the queue is empty or the host dies. */
async function drain(
  host: ModelHost,
  queue: Chunk[],
  plan: PreprocessPlan,
  keep: (results: HostImageResult[]) => void,
  signal: AbortSignal | undefined,
): Promise<Crash | null> {
  type Outcome = { results: HostImageResult[] } | { error: unknown }
  const inFlight: { chunk: Chunk; outcome: Promise<Outcome> }[] = []
  const canSend = () => {
    const next = queue[0]
    if (!next) return false
    if (inFlight.length === 0) return true
    return !next.alone && inFlight.length < WINDOW && inFlight.every((f) => !f.chunk.alone)
  }
  for (;;) {
    while (canSend()) {
      const chunk = queue.shift()!
      const outcome = host.run(chunk.images, plan, signal).then(
        (results): Outcome => ({ results }),
        (error: unknown): Outcome => ({ error }),
      )
      inFlight.push({ chunk, outcome })
    }
    const head = inFlight.shift()
    if (!head) return null
    const outcome = await head.outcome
    if ('results' in outcome) {
      keep(outcome.results)
      continue
    }
    if (outcome.error instanceof HostExitedError)
      return { error: outcome.error, chunks: [head.chunk, ...inFlight.map((f) => f.chunk)] }
    // Cancelled (the model was unloaded) or a bug: the request fails as a whole.
    throw outcome.error
  }
}

/** Every image's result, by key. */
export async function runImages(options: RunImagesOptions): Promise<Map<string, HostImageResult>> {
  const results = new Map<string, HostImageResult>()
  const queue: Chunk[] = []
  const size = Math.max(1, options.batchSize)
  for (let i = 0; i < options.images.length; i += size)
    queue.push({ images: options.images.slice(i, i + size), alone: false })

  let crashes = 0
  /** Every result goes through here, so a streaming caller sees each exactly once. */
  const settle = (settled: HostImageResult[]) => {
    for (const result of settled) results.set(result.key, result)
    if (settled.length > 0) options.onResults?.(settled)
  }
  const keep = (chunkResults: HostImageResult[]) => {
    settle(chunkResults)
    if (chunkResults.length > 0) crashes = 0
  }
  const failAll = (why: (image: HostImage) => HostImageResult) =>
    settle(queue.splice(0).flatMap((chunk) => chunk.images.map(why)))
  const giveUp = (last: string) => failAll((image) => keepsCrashing(image, crashes, last))

  while (queue.length > 0) {
    if (options.signal?.aborted) throw new AppError('CANCELLED', 'The request was cancelled.')
    let host: ModelHost
    try {
      host = await options.host()
    } catch (error) {
      if (error instanceof HostExitedError) {
        // It died while loading the model.
        if (++crashes >= MAX_CRASHES_IN_A_ROW) giveUp(error.message)
        continue
      }
      if (error instanceof AppError && error.code === 'CANCELLED') throw error
      // The model cannot be loaded any more (its file went away, say): say so for each image.
      const reason =
        error instanceof AppError
          ? { code: error.code, message: error.message }
          : { code: 'INTERNAL' as const, message: String(error) }
      failAll((image) => failed(image, reason))
      break
    }
    const crash = await drain(host, queue, options.plan, keep, options.signal)
    if (!crash) break
    crashes++
    const [first, ...rest] = crash.chunks
    const suspects = [...(first ? [first] : []), ...rest]
    if (first?.alone && crash.error.runsInFlight === 1) {
      // It ran alone on its host, and the host died: this image is why.
      settle([culprit(first.images[0]!, crash.error)])
      suspects.shift()
    }
    queue.unshift(
      ...suspects.flatMap((chunk) =>
        chunk.images.map((image) => ({ images: [image], alone: true })),
      ),
    )
    if (crashes >= MAX_CRASHES_IN_A_ROW) giveUp(crash.error.message)
  }
  return results
}
