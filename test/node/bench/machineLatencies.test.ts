import { describe, expect, it } from 'vitest'
import {
  THIS_MACHINE,
  machineFigureBeside,
  machineLatencies,
  withMachineLatencies,
  type MachineRun,
} from '@shared/bench/machineLatencies'
import type { LatencyChoice } from '@shared/charts/chartFields'
import { chartModel } from '@shared/charts/chartModel'
import { buildChartOption } from '@shared/charts/chartOption'
import { axis, chartState, decodeChartState, encodeChartState } from '@shared/charts/chartState'
import type { ModelRow, PlatformSummary } from '@shared/contract'
import { modelRow } from '../explore/exploreFixtures'

const fingerprint = { cpuModel: 'Test CPU', cores: 2, memoryBytes: 2 ** 34, onnxRuntime: '1.20.0' }

function run(
  id: string,
  catalogId: string | null,
  points: [batch: number, threads: number, medianMs: number, busy: boolean, at: string][],
  state = 'done',
): MachineRun {
  return {
    id,
    model: { catalogId },
    state,
    fingerprint,
    points: points.map(([batch, threads, medianMs, busy, finishedAt]) => ({
      batch,
      threads,
      medianMs,
      p90Ms: medianMs * 1.1,
      busy,
      finishedAt,
    })),
  }
}

describe('machineLatencies', () => {
  it('keeps the newest calm point per model and key; a busy one only where no calm one exists', () => {
    const figures = machineLatencies([
      run('a1', 'ResNet50', [
        [1, 2, 20, false, '2026-12-01T10:00:00Z'],
        [4, 2, 60, true, '2026-12-01T10:01:00Z'],
      ]),
      // Newer but busy: the calm older figure stays for batch 1.
      run('a2', 'ResNet50', [[1, 2, 35, true, '2026-12-02T10:00:00Z']]),
      // Newer and calm: replaces the older calm one for batch 1 thread 1.
      run('a3', 'ResNet50', [
        [1, 1, 30, false, '2026-12-01T09:00:00Z'],
        [1, 1, 31, false, '2026-12-03T09:00:00Z'],
      ]),
    ])
    expect(figures.map((f) => [f.batchSize, f.threads, f.medianMs, f.busy, f.runId])).toEqual([
      [1, 1, 31, false, 'a3'],
      [1, 2, 20, false, 'a1'],
      [4, 2, 60, true, 'a1'],
    ])
  })

  it('leaves out files and custom models, runs still going, and empty points', () => {
    expect(
      machineLatencies([
        run('b1', null, [[1, 1, 5, false, '2026-12-01T00:00:00Z']]),
        run('b2', 'ResNet50', [[1, 1, 5, false, '2026-12-01T00:00:00Z']], 'running'),
        run('b3', 'ResNet50', [[1, 1, 0, false, '2026-12-01T00:00:00Z']]),
      ]),
    ).toEqual([])
  })

  it('keeps the finished points of a cancelled run', () => {
    const figures = machineLatencies([
      run('c1', 'MobileNetV2', [[1, 1, 4, false, '2026-12-01T00:00:00Z']], 'cancelled'),
    ])
    expect(figures).toHaveLength(1)
  })
})

describe('withMachineLatencies', () => {
  const rows: ModelRow[] = [
    modelRow('ResNet50', {
      latencies: [{ platform: 'v100-trt-fp32', batchSize: 1, threads: null, ms: 2.5, line: 40 }],
    }),
    modelRow('MobileNetV2'),
  ]
  const platforms: PlatformSummary[] = []

  it('adds this machine to the rows it measured and as a platform with its keys', () => {
    const figures = machineLatencies([
      run('d1', 'ResNet50', [
        [1, 2, 20, false, '2026-12-01T00:00:00Z'],
        [4, 2, 60, false, '2026-12-01T00:00:00Z'],
      ]),
      run('d2', 'Elsewhere', [[1, 2, 1, false, '2026-12-01T00:00:00Z']]),
    ])
    const merged = withMachineLatencies(rows, platforms, figures)
    const resnet = merged.rows.find((r) => r.id === 'ResNet50')!
    expect(resnet.latencies.filter((l) => l.platform === THIS_MACHINE)).toEqual([
      { platform: THIS_MACHINE, batchSize: 1, threads: 2, ms: 20, line: 0 },
      { platform: THIS_MACHINE, batchSize: 4, threads: 2, ms: 60, line: 0 },
    ])
    // The published figures are still there, untouched.
    expect(resnet.latencies.filter((l) => l.platform !== THIS_MACHINE)).toEqual(rows[0]!.latencies)
    expect(merged.rows[1]).toBe(rows[1])
    // A model the catalog does not list gives the platform no key.
    expect(merged.platforms).toHaveLength(1)
    expect(merged.platforms[0]).toMatchObject({ id: THIS_MACHINE, kind: 'cpu' })
    expect(merged.platforms[0]!.keys).toEqual([
      { batchSize: 1, threads: 2, modelCount: 1 },
      { batchSize: 4, threads: 2, modelCount: 1 },
    ])
    expect(merged.platforms[0]!.hardware).toContain('Test CPU')
  })

  it('without local figures gives the rows and platforms back as they were', () => {
    const merged = withMachineLatencies(rows, platforms, [])
    expect(merged.rows).toEqual(rows)
    expect(merged.platforms).toEqual([])
  })

  it('beside a published batch size: the fastest thread count at that batch', () => {
    const figures = machineLatencies([
      run('e1', 'ResNet50', [
        [1, 1, 30, false, '2026-12-01T00:00:00Z'],
        [1, 2, 18, false, '2026-12-01T00:00:00Z'],
        [4, 2, 60, false, '2026-12-01T00:00:00Z'],
      ]),
    ])
    const row = withMachineLatencies(rows, platforms, figures).rows[0]!
    expect(machineFigureBeside(row, 1)).toMatchObject({ threads: 2, ms: 18 })
    expect(machineFigureBeside(row, 8)).toBeNull()
  })
})

describe('this machine on the chart', () => {
  const published = (platform: 'v100-trt-fp32' | 'sd855-arm-fp32', threads: number | null) => ({
    platform,
    batchSize: 1,
    threads,
    ms: platform === 'v100-trt-fp32' ? 2 : 80,
    line: 10,
  })
  const rows = withMachineLatencies(
    [
      modelRow('ResNet50', {
        family: 'ResNet',
        top1: 0.76,
        latencies: [published('v100-trt-fp32', null), published('sd855-arm-fp32', 1)],
      }),
      modelRow('MobileNetV2', {
        family: 'MobileNet',
        top1: 0.72,
        latencies: [published('v100-trt-fp32', null)],
      }),
    ],
    [],
    machineLatencies([
      run('f1', 'ResNet50', [
        [1, 1, 40, false, '2026-12-01T00:00:00Z'],
        [1, 2, 25, false, '2026-12-01T00:00:00Z'],
        [4, 2, 70, false, '2026-12-01T00:00:00Z'],
      ]),
    ]),
  ).rows
  const latencyAxis = (latency: LatencyChoice) => ({ ...axis('latency'), latency })

  it('beside a published latency: the measured models, at the same y, tied to their point', () => {
    const state = chartState({
      x: latencyAxis({ platform: 'v100-trt-fp32', batchSize: 1, threads: null }),
      y: axis('top1'),
    })
    const model = chartModel(rows, state, [])
    expect(model.machine).toHaveLength(1)
    expect(model.machine[0]).toMatchObject({ id: 'ResNet50', x: 25, y: 0.76, threads: 2 })
    expect(model.machine[0]!.from).toMatchObject({ id: 'ResNet50', x: 2 })

    const option = buildChartOption({
      model,
      state,
      locale: 'en',
      theme: 'light',
      title: 't',
      interactive: false,
    })
    const series = (
      option.series as { name?: string; data?: unknown[]; markLine?: { data: unknown[] } }[]
    ).find((s) => s.name === 'This machine')!
    expect(series.data).toEqual([{ name: 'ResNet50', value: [25, 0.76] }])
    expect(series.markLine!.data).toEqual([[{ coord: [2, 0.76] }, { coord: [25, 0.76] }]])
    expect((option.legend as { data: string[] }).data).toContain('This machine')
  })

  it('beside a platform timed per thread count, batch 1', () => {
    const state = chartState({
      x: latencyAxis({ platform: 'sd855-arm-fp32', batchSize: 1, threads: 1 }),
      y: axis('top1'),
    })
    expect(chartModel(rows, state, []).machine.map((p) => p.x)).toEqual([25])
  })

  it('none when switched off, when x is this machine itself, or when x is no latency', () => {
    const v100 = latencyAxis({ platform: 'v100-trt-fp32', batchSize: 1, threads: null })
    expect(
      chartModel(rows, chartState({ x: v100, y: axis('top1'), machine: false }), []).machine,
    ).toEqual([])
    const mine = latencyAxis({ platform: THIS_MACHINE, batchSize: 4, threads: 2 })
    const own = chartModel(rows, chartState({ x: mine, y: axis('top1') }), [])
    expect(own.machine).toEqual([])
    expect(own.points.map((p) => [p.id, p.x])).toEqual([['ResNet50', 70]])
    expect(
      chartModel(rows, chartState({ x: axis('flopsG'), y: axis('top1') }), []).machine,
    ).toEqual([])
  })

  it('the state says so in its URL only when switched off', () => {
    const v100 = latencyAxis({ platform: 'v100-trt-fp32', batchSize: 1, threads: null })
    const off = encodeChartState(chartState({ x: v100, y: axis('top1'), machine: false }))
    expect(off.get('machine')).toBe('0')
    expect(decodeChartState(off).machine).toBe(false)
    expect(encodeChartState(chartState({ x: v100, y: axis('top1') })).has('machine')).toBe(false)
  })
})
