import { z } from 'zod'
import { modelRef } from './inference'

/** Facts measured from a model's ONNX graph: `zoo facts` and the model panel's "Measured" block. */
export const factsInput = z
  .object({
    model: modelRef,
    /** Side of the square input where the graph leaves height and width open. */
    inputSize: z.number().int().min(8).max(4096).optional(),
  })
  .strict()
export type FactsInput = z.input<typeof factsInput>

/** Constant tensors of the graph that are not counted as parameters, and why. */
export type ExcludedKind = 'quantization' | 'shape' | 'scalar' | 'unused'

export interface ModelFacts {
  /** Elements of the weight tensors: the zoo's (paddle.flops's) params convention. */
  params: number
  /** Of `params`, the batch-norm running means and variances (torch's tools leave them out). */
  paramsBnStatistics: number
  paramsExcluded: { kind: ExcludedKind; tensors: number; elements: number }[]
  /** Multiply-accumulates as paddle.flops counts them: what the zoo publishes as "FLOPs". */
  macs: number
  /** Products of two activations (attention's MatMuls), which paddle.flops does not count. */
  activationMatmulMacs: number
  /** Products with the weights alone (conv, linear; no bias, BN or pooling): papers' multiply-adds. */
  weightMacs: number
  /** 2 × (macs + activationMatmulMacs). */
  flops: number
  /** `macs` and `activationMatmulMacs` per op type, largest first. */
  macsByOp: { type: string; macs: number }[]
  inputName: string
  /** The shape the graph was measured at (batch 1). */
  inputShape: number[]
  /** The dims that were open in the graph and what was taken for them. */
  inputChosen: { axis: number; name: string; value: number; why: 'batch' | 'channels' | 'size' }[]
  /** Version of the default ONNX domain. */
  opset: number | null
  opsets: { domain: string; version: number }[]
  producer: { name: string; version: string } | null
  irVersion: number | null
  ops: { type: string; count: number }[]
  /** Nodes whose shapes could not be worked out, by op type: not in `macs`, never guessed. */
  notCounted: { type: string; count: number; reason: string }[]
  /** The weights are in an external data file beside the model (counted from their dims). */
  externalData: boolean
  fileBytes: number
  /** How params, MACs and FLOPs were counted, in words. */
  conventions: string
}

export interface PublishedFigures {
  paramsM: number | null
  /** The zoo's "FLOPs" column: paddle.flops's count, compared with `macs`. */
  flopsG: number | null
  /** The text as the source wrote it ("3.54", "327.84"), for the published precision. */
  paramsRaw: string | null
  flopsRaw: string | null
  inputSize: number | null
}

export interface ModelFactsReport {
  model: { id: string; name: string; catalogId: string | null }
  facts: ModelFacts
  /** The catalog's figures for a catalog model; null for a file or a custom model. */
  published: PublishedFigures | null
  /** (measured − published) / published; null where either is missing. */
  difference: { params: number | null; macs: number | null }
}
