/**
 * A program with operators the converter lacks fails once, naming every missing type (with how
 * often it occurs) and the model, before a model file is written: one conversion attempt tells
 * the whole story rather than one operator per try.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { convertPaddleModel } from '../../../src/main/convert/convertPaddle'
import { AppError } from '../../../src/shared/errors'
import { batched, tensor, writeCase } from './helpers/convertCase'
import { DataType, attr } from '../../support/paddle/paddleWriter'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('unsupported operators', () => {
  it('gives one CONVERSION_UNSUPPORTED naming every missing type, its count and the model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoo-convert-'))
    dirs.push(dir)
    const files = writeCase(dir, {
      ops: [
        { type: 'relu', inputs: { X: ['x'] }, outputs: { Out: ['a'] } },
        {
          type: 'unique',
          inputs: { X: ['a'] },
          outputs: { Out: ['b'] },
          attrs: { shifts: attr.longs([1n]), axis: attr.longs([2n]) },
        },
        {
          type: 'unique',
          inputs: { X: ['b'] },
          outputs: { Out: ['c'] },
          attrs: { shifts: attr.longs([-1n]), axis: attr.longs([3n]) },
        },
        {
          type: 'cast',
          inputs: { X: ['c'] },
          outputs: { Out: ['m'] },
          attrs: { in_dtype: attr.int(DataType.FP32), out_dtype: attr.int(DataType.BOOL) },
        },
        {
          type: 'where',
          inputs: { Condition: ['m'], X: ['c'], Y: ['x'] },
          outputs: { Out: ['y'] },
        },
      ],
      inputs: { x: batched(tensor([1, 3, 4, 4], 1)) },
      vars: {
        a: [-1, 3, 4, 4],
        b: [-1, 3, 4, 4],
        c: [-1, 3, 4, 4],
        m: { dims: [-1, 3, 4, 4], dataType: DataType.BOOL },
        y: [-1, 3, 4, 4],
      },
      fetch: ['y'],
    })
    const out = join(dir, 'model.onnx')
    const error: unknown = await convertPaddleModel({ ...files, out, name: 'PPLCNet_x1_0' }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AppError)
    const { code, message, details } = error as AppError
    expect(code).toBe('CONVERSION_UNSUPPORTED')
    expect(message).toContain('PPLCNet_x1_0')
    expect(message).toContain('unique (×2)')
    expect(message).toMatch(/\bwhere\b/)
    expect(message).toContain('2 of its operator types')
    expect(details).toEqual({ unsupported: { unique: 2, where: 1 } })
    expect(existsSync(out)).toBe(false)
  })
})
