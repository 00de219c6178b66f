/**
 * Local rows: a finished labelled batch job gives its catalog models a top-1/top-5 on that folder;
 * unfinished, unlabelled or partly failed evaluations give none; rows say folder and file count,
 * are marked local, best and deltas work with missing values, and the CSV carries them in percent.
 */
import { describe, expect, it } from 'vitest'
import type { AccuracyReport, Job, ModelAccuracy } from '@shared/contract/batch'
import { comparisonDocument } from '@shared/compare/comparisonDocument'
import { comparisonCsv } from '@shared/compare/comparisonText'
import { localAccuracySource, sourcesFor } from '@shared/compare/localAccuracy'
import { parseCsv } from './tableParsers'
import { realCatalog } from '../explore/exploreFixtures'

type JobModel = Job['spec']['models'][number]
const model = (ref: JobModel['ref'], id: string): JobModel => ({
  ref,
  id,
  name: id,
  sha256: '0'.repeat(64),
  plan: null,
  classes: 1000,
})
// Only the parts of a job these functions read; the rest of a spec plays no part here.
const job = (state: Job['state'], models: JobModel[]): Pick<Job, 'id' | 'spec' | 'state'> => ({
  id: 'job-1',
  state,
  spec: { folders: ['/photos/pets/'], models } as unknown as Job['spec'],
})
const accuracy = (top1: number | null, extra: Partial<ModelAccuracy> = {}): ModelAccuracy => ({
  model: 'm',
  evaluated: 40,
  failed: 0,
  pending: 0,
  top1,
  top5: top1 === null ? null : Math.min(1, top1 + 0.1),
  perClass: [],
  confused: [],
  ...extra,
})
const report = (models: ModelAccuracy[], labelled = 40): AccuracyReport => ({
  labelled,
  unlabelled: 0,
  models,
})

describe('localAccuracySource', () => {
  const models = [model({ catalogId: 'ResNet50' }, 'ResNet50'), model({ customId: 'c1' }, 'c1')]

  it('takes the catalog models of a finished labelled job', () => {
    const source = localAccuracySource(job('done', models), report([accuracy(0.8), accuracy(0.5)]))
    expect(source).not.toBeNull()
    expect([...source!.models.keys()]).toEqual(['ResNet50'])
    expect(source!.models.get('ResNet50')!.top1).toBe(0.8)
    expect(source!.files).toBe(40)
  })

  const refusals: [string, Job['state'], AccuracyReport | null][] = [
    ['a job still running', 'running', report([accuracy(0.8)])],
    ['a job without labels', 'done', null],
    ['no labelled files', 'done', report([accuracy(0.8)], 0)],
    ['a model with files pending', 'done', report([accuracy(0.8, { pending: 3 })])],
  ]
  it.each(refusals)('gives nothing for %s', (_name, state, r) => {
    expect(localAccuracySource(job(state, models.slice(0, 1)), r)).toBeNull()
  })

  it('keeps only sources that give a compared model a figure', () => {
    const source = localAccuracySource(job('done', models), report([accuracy(0.8), accuracy(0.5)]))
    expect(sourcesFor(['ResNet50_vd'], [source, null])).toEqual([])
    expect(sourcesFor(['ResNet50', 'ResNet50_vd'], [source, null])).toEqual([source])
  })
})

describe('local rows in the comparison', () => {
  it('are rows of their own, marked local, with folder and files, best and deltas', () => {
    const { models } = realCatalog()
    const compared = ['ResNet50', 'ResNet50_vd', 'PPLCNet_x1_0'].map((id) => models.get(id)!)
    const source = localAccuracySource(
      job('done', [
        model({ catalogId: 'ResNet50' }, 'ResNet50'),
        model({ catalogId: 'PPLCNet_x1_0' }, 'PPLCNet_x1_0'),
      ]),
      report([accuracy(0.75), accuracy(0.6)]),
    )!
    const doc = comparisonDocument(compared, [], { baseline: 'PPLCNet_x1_0', local: [source] })
    const top1 = doc.rows.find((r) => r.id === 'local/job-1/top1')!
    expect(top1.kind).toBe('local')
    expect(top1.label).toBe('Top-1 accuracy on pets (40 files) · local')
    expect(top1.cells.map((c) => c.text)).toEqual(['75 %', '—', '60 %'])
    expect(top1.cells.map((c) => c.best)).toEqual([true, false, false])
    expect(top1.cells[0]!.deltaText).toBe('+15.00 pp, +25 %')
    expect(top1.cells[1]!.delta).toBeNull()
    // The published row is untouched beside it.
    expect(doc.rows.find((r) => r.id === 'top1')!.cells[0]!.value).toBe(
      models.get('ResNet50')!.top1!.value,
    )
    const csv = parseCsv(comparisonCsv(doc))
    const line = csv.rows.find((r) => r[1] === 'local/job-1/top1')!
    expect(line.slice(2, 7)).toEqual(['%', 'higher', '75', '', '60'])
  })
})
