/** The Downloads view's pure helpers: merging download reports, settings fields, imports, errors. */
import { describe, expect, it } from 'vitest'
import type { DownloadState } from '@shared/contract'
import {
  budgetFraction,
  contentsKey,
  downloadFraction,
  downloadPhase,
  splitDuration,
} from '../../src/renderer/src/downloads/downloadFormat'
import { mergeSnapshot, newerState } from '../../src/renderer/src/downloads/downloadMerge'
import { importKindOf, suggestImportEntry } from '../../src/renderer/src/downloads/importFile'
import { isNetworkUnreachable } from '../../src/renderer/src/downloads/networkFailure'
import {
  budgetGbText,
  parseBudgetGb,
  parseMirror,
} from '../../src/renderer/src/downloads/weightsSettingsInput'

const GB = 1024 ** 3

function state(patch: Partial<DownloadState>): DownloadState {
  return {
    id: 'MobileNetV2:inference',
    job: 'download',
    unit: 'bytes',
    modelId: 'MobileNetV2',
    kind: 'inference',
    url: 'http://mirror.local/dygraph/inference/MobileNetV2_infer.tar',
    state: 'downloading',
    done: 0,
    total: null,
    rate: 0,
    eta: null,
    resumedFrom: 0,
    error: null,
    startedAt: '2026-01-01T10:00:00.000Z',
    otherProcess: null,
    warning: null,
    runWarning: null,
    ...patch,
  }
}

describe('newerState: the newest word on a download wins', () => {
  const cases: [string, DownloadState | undefined, DownloadState, boolean][] = [
    ['first report', undefined, state({}), true],
    ['more bytes', state({ done: 10 }), state({ done: 20 }), true],
    ['fewer bytes (a late answer)', state({ done: 20 }), state({ done: 10 }), false],
    ['later phase', state({ done: 99 }), state({ state: 'verifying', done: 50 }), true],
    ['queued after downloading', state({ done: 5 }), state({ state: 'queued' }), false],
    ['done is final', state({ state: 'done' }), state({ done: 999 }), false],
    ['ending wins', state({ done: 5 }), state({ state: 'cancelled', done: 5 }), true],
    [
      'a new run replaces a finished one',
      state({ state: 'cancelled', done: 5 }),
      state({ state: 'queued', startedAt: '2026-01-01T10:01:00.000Z' }),
      true,
    ],
    [
      'an older run never replaces a newer one',
      state({ startedAt: '2026-01-01T10:01:00.000Z' }),
      state({ state: 'done' }),
      false,
    ],
  ]
  it.each(cases)('%s', (_name, current, incoming, expected) => {
    expect(newerState(current, incoming)).toBe(expected)
  })

  it('merges a snapshot keeping newer local reports and dropping what the app no longer has', () => {
    const finished = state({ state: 'done', done: 100, total: 100 })
    const other = state({ id: 'ResNet50:inference', modelId: 'ResNet50' })
    const merged = mergeSnapshot({ [finished.id]: finished, [other.id]: other }, [
      state({ done: 50 }),
    ])
    expect(merged).toEqual({ [finished.id]: finished })
  })
})

describe('download figures', () => {
  it('connects until the first byte, then downloads', () => {
    expect(downloadPhase(state({ state: 'queued' }))).toBe('connecting')
    expect(downloadPhase(state({}))).toBe('connecting')
    expect(downloadPhase(state({ done: 1, total: 10 }))).toBe('downloading')
    expect(downloadPhase(state({ state: 'failed' }))).toBe('failed')
  })

  it('has a fraction only when the size is known', () => {
    expect(downloadFraction(state({ done: 5 }))).toBeNull()
    expect(downloadFraction(state({ done: 25, total: 100 }))).toBe(0.25)
    expect(downloadFraction(state({ state: 'verifying', done: 100, total: 100 }))).toBe(1)
  })

  it('splits seconds left, rounding up', () => {
    expect(splitDuration(0.2)).toEqual({ hours: 0, minutes: 0, seconds: 1 })
    expect(splitDuration(125)).toEqual({ hours: 0, minutes: 2, seconds: 5 })
    expect(splitDuration(3 * 3600 + 61)).toEqual({ hours: 3, minutes: 1, seconds: 1 })
  })

  it('names contents and fills the budget', () => {
    expect(contentsKey({ kind: 'inference', contents: { format: 'paddle2', files: [] } })).toBe(
      'paddle2',
    )
    expect(contentsKey({ kind: 'pretrained', contents: null })).toBe('weights')
    expect(contentsKey({ kind: 'inference', contents: null })).toBe('unknown')
    expect(budgetFraction(5, 10)).toBe(0.5)
    expect(budgetFraction(0, 0)).toBe(0)
    expect(budgetFraction(1, 0)).toBe(Infinity)
  })
})

describe('settings fields', () => {
  it.each([
    ['', { ok: true, value: null }],
    ['  http://mirror.local/paddle/ ', { ok: true, value: 'http://mirror.local/paddle' }],
    ['https://127.0.0.1:8080', { ok: true, value: 'https://127.0.0.1:8080' }],
    ['mirror.local', { ok: false, problem: 'notUrl' }],
    ['ftp://mirror.local', { ok: false, problem: 'notHttp' }],
    ['http://user:pw@mirror.local', { ok: false, problem: 'credentials' }],
    ['http://mirror.local/?a=1', { ok: false, problem: 'queryOrHash' }],
    ['http://mirror.local/#x', { ok: false, problem: 'queryOrHash' }],
  ])('mirror %j', (text, expected) => {
    expect(parseMirror(text)).toEqual(expected)
  })

  it.each([
    ['20', { ok: true, value: 20 * GB }],
    ['2.5', { ok: true, value: 2.5 * GB }],
    ['0,5', { ok: true, value: 0.5 * GB }],
    ['0', { ok: true, value: 0 }],
    ['lots', { ok: false, problem: 'notNumber' }],
    ['', { ok: false, problem: 'notNumber' }],
    ['-1', { ok: false, problem: 'negative' }],
    ['99999999', { ok: false, problem: 'tooLarge' }],
  ])('budget %j', (text, expected) => {
    expect(parseBudgetGb(text)).toEqual(expected)
  })

  it('shows the budget back in GB, small budgets included', () => {
    expect(budgetGbText(20 * GB)).toBe('20')
    expect(budgetGbText(2.5 * GB)).toBe('2.5')
    expect(budgetGbText(Math.round(0.001 * GB))).toBe('0.001')
  })
})

describe('imports', () => {
  const ids = ['MobileNetV2', 'MobileNetV2_x0_5', 'ResNet50', 'ResNet50_vd']
  it.each([
    ['MobileNetV2_infer.tar', 'inference', 'MobileNetV2'],
    ['MobileNetV2_x0_5_infer.tar', 'inference', 'MobileNetV2_x0_5'],
    ['ResNet50_vd_pretrained.pdparams', 'pretrained', 'ResNet50_vd'],
    ['resnet50_vd-copy.tar', 'inference', 'ResNet50_vd'],
    ['notes.txt', null, null],
  ])('%s', (name, kind, model) => {
    expect(importKindOf(name)).toBe(kind)
    if (kind) expect(suggestImportEntry(name, ids)).toBe(model)
  })
})

describe('isNetworkUnreachable', () => {
  const unreachable = { reason: 'unreachable' }
  it.each([
    ['DOWNLOAD_FAILED', unreachable, true],
    ['UNAVAILABLE', undefined, true],
    ['DOWNLOAD_FAILED', undefined, false],
    ['DOWNLOAD_FAILED', { reason: 'other' }, false],
    ['DOWNLOAD_CORRUPT', unreachable, false],
    ['NOT_FOUND', undefined, false],
  ] as const)('%s %j', (code, details, expected) => {
    expect(isNetworkUnreachable({ code, message: 'm', details })).toBe(expected)
  })
})
