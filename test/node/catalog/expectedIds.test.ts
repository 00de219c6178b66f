/**
 * The count bar: which models the catalog must hold, derived from model_list.zh_CN.md by a plain
 * line scan that shares no code with the importer, then compared with what the importer built.
 */
import { describe, expect, it } from 'vitest'
import { hasShared, modelListText, realCatalog } from './sharedFixtures'

interface ListedRow {
  line: number
  id: string
  nameCell: string
}

/** Every Markdown table row that is not a delimiter or a header, with the id its link names. */
function scanRows(text: string): { rows: ListedRow[]; withoutLink: number[] } {
  const rows: ListedRow[] = []
  const withoutLink: number[] = []
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim()
    if (!line.startsWith('|')) return
    if (/^\|\s*:?-/.test(line)) return
    const cells = line.split('|').map((cell) => cell.trim())
    const nameCell = cells[1] ?? ''
    if (nameCell === '模型') return
    const id =
      /\/([^/()\s]+)_pretrained\.pdparams\)/.exec(line)?.[1] ??
      /\/([^/()\s]+)_infer\.tar\)/.exec(line)?.[1]
    if (id) rows.push({ line: index + 1, id, nameCell })
    else withoutLink.push(index + 1)
  })
  return { rows, withoutLink }
}

describe.skipIf(!hasShared)('the model ids the model list names', () => {
  const listed = hasShared ? scanRows(modelListText()) : { rows: [], withoutLink: [] }
  const expectedIds = new Set(listed.rows.map((row) => row.id))

  it('come from every data row (each has a download link); SSLD models repeat in two tables', () => {
    console.info(
      `model_list.zh_CN.md: ${listed.rows.length} data rows, ${expectedIds.size} distinct model ids`,
    )
    expect(listed.withoutLink).toEqual([])
    expect(listed.rows.length).toBeGreaterThan(expectedIds.size)
  })

  it('number about 250 and are exactly the ids of the built catalog', () => {
    const catalogIds = realCatalog().bundle.models.map((model) => model.id)
    expect(expectedIds.size).toBeGreaterThanOrEqual(240)
    expect(expectedIds.size).toBeLessThanOrEqual(270)
    expect(catalogIds).toHaveLength(expectedIds.size)
    expect(new Set(catalogIds)).toEqual(expectedIds)
    expect(realCatalog().bundle.meta.modelCount).toBe(expectedIds.size)
  })

  it('account for every data row: each row is recorded on the model its link names', () => {
    const modelOfRow = new Map<number, string>()
    for (const model of realCatalog().bundle.models) {
      for (const source of model.rows) modelOfRow.set(source.line, model.id)
    }
    const recorded = realCatalog().bundle.models.reduce((sum, model) => sum + model.rows.length, 0)
    expect(recorded).toBe(listed.rows.length)
    const mismatched = listed.rows.filter((row) => modelOfRow.get(row.line) !== row.id)
    expect(mismatched).toEqual([])
  })

  it('of rows marked <sup>[1]</sup> are 22kto1k ids of ImageNet-22k-pretrained models', () => {
    const marked = listed.rows.filter((row) => row.nameCell.includes('<sup>[1]</sup>'))
    expect(marked.length).toBeGreaterThan(0)
    for (const row of marked) {
      expect(row.id).toContain('22kto1k')
      const model = realCatalog().bundle.models.find((m) => m.id === row.id)
      expect(model?.pretraining, row.id).toBe('ImageNet-22k')
    }
  })

  it('of unmarked rows are ImageNet-1k models unless their link says 22k', () => {
    const unmarked = listed.rows.filter((row) => !row.nameCell.includes('<sup>[1]</sup>'))
    const wrong = unmarked.filter((row) => {
      const model = realCatalog().bundle.models.find((m) => m.id === row.id)
      return !row.id.includes('22k') && model?.pretraining !== 'ImageNet-1k'
    })
    expect(wrong).toEqual([])
  })
})
