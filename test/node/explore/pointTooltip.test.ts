import { describe, expect, it } from 'vitest'
import type { PlatformId } from '@shared/catalog/types'
import { axis, type ChartAxis } from '@shared/charts/chartState'
import type { ModelRow } from '@shared/contract'
import type { Locale } from '@shared/contract/values'
import { escapeHtml } from '@shared/format/escapeHtml'
import {
  MODEL_LIST_FILE,
  pointTooltipHtml,
  tooltipFields,
  type TooltipText,
} from '../../../src/renderer/src/catalog/pointTooltip'
import { modelRow, plottedPoint, realCatalog } from './exploreFixtures'

// --- the words, in both languages ---------------------------------------------------------------

/**
 * The messages ExploreView.vue builds its tooltip words from, as src/renderer/src/i18n has them
 * (copied: tsconfig.node.json does not include the i18n folder, so Node tests cannot import it).
 */
const messages = {
  en: {
    names: {
      top1: 'Top-1 accuracy',
      top5: 'Top-5 accuracy',
      paramsM: 'Parameters',
      flopsG: 'FLOPs',
      sizeMB: 'Model size',
      inputSize: 'Input size',
    },
    latency: {
      batch: 'batch {n}',
      threads: '{n} thread | {n} threads',
      caption: '{platform} · {key}',
    },
    platforms: {
      'v100-trt-fp32': 'V100',
      'sd855-arm-fp32': 'SD855',
      'xeon6148-paddle-fp32': 'Xeon 6148',
      'xeon6271c-openvino-fp32': 'Xeon 6271C',
      'this-machine': 'This machine',
    },
    tooltip: {
      latency: 'Latency',
      notPublished: '—',
      tables: 'Tables',
      onFrontier: 'On the Pareto frontier',
      overBudget: 'Over the budget',
      selected: 'Selected',
      open: 'Click for every figure with its source',
      measuredHere: 'benchmarked here',
      compareAdd: 'Shift+click (or C): add to Compare',
      compareRemove: 'Shift+click (or C): remove from Compare',
    },
  },
  'zh-CN': {
    names: {
      top1: 'Top-1 精度',
      top5: 'Top-5 精度',
      paramsM: '参数量',
      flopsG: 'FLOPs',
      sizeMB: '模型大小',
      inputSize: '输入尺寸',
    },
    latency: { batch: 'batch {n}', threads: '{n} 线程', caption: '{platform} · {key}' },
    platforms: {
      'v100-trt-fp32': 'V100',
      'sd855-arm-fp32': '骁龙 855',
      'xeon6148-paddle-fp32': 'Xeon 6148',
      'xeon6271c-openvino-fp32': 'Xeon 6271C',
      'this-machine': '本机',
    },
    tooltip: {
      latency: '耗时',
      notPublished: '—',
      tables: '所在表格',
      onFrontier: '位于帕累托前沿',
      overBudget: '超出预算',
      selected: '已选',
      open: '点击查看全部数据及其来源',
      measuredHere: '本机实测',
      compareAdd: 'Shift+点击（或 C）：加入对比',
      compareRemove: 'Shift+点击（或 C）：移出对比',
    },
  },
} satisfies Record<Locale, unknown>
const en = messages.en

/** `{n}` placeholders and "one | many" plurals, as vue-i18n fills them. */
function fill(message: string, values: Record<string, string | number>, count?: number): string {
  const forms = message.split(' | ')
  const form = count === undefined || forms.length === 1 ? forms[0]! : forms[count === 1 ? 0 : 1]!
  return form.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key]))
}

/** What ExploreView.vue passes, built from the same messages; `inCompare` models say "remove". */
function tooltipText(locale: Locale, inCompare: readonly string[] = []): TooltipText {
  const m = messages[locale]
  return {
    figures: m.names,
    latency: m.tooltip.latency,
    latencyKey: (key) =>
      fill(m.latency.caption, {
        platform: m.platforms[key.platform],
        key:
          key.threads !== null
            ? fill(m.latency.threads, { n: key.threads }, key.threads)
            : fill(m.latency.batch, { n: key.batchSize }),
      }),
    notPublished: m.tooltip.notPublished,
    tables: m.tooltip.tables,
    onFrontier: m.tooltip.onFrontier,
    overBudget: m.tooltip.overBudget,
    selected: m.tooltip.selected,
    open: m.tooltip.open,
    measuredHere: m.tooltip.measuredHere,
    compare: (id) => (inCompare.includes(id) ? m.tooltip.compareRemove : m.tooltip.compareAdd),
  }
}

// --- reading the HTML back ----------------------------------------------------------------------

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#8239;': '\u202f',
}
const unescape = (html: string) => html.replace(/&[#a-z0-9]+;/g, (e) => ENTITIES[e] ?? e)

/** Every tag of the tooltip must be one of its own: anything else came from the data. */
const OWN_TAG = /^<\/?(div|b|span|table|tr|th|td|br)( class="zt(-[a-z]+)?")?>$/

function foreignMarkup(html: string): string[] {
  const tags = html.match(/<[^>]*>?/g) ?? []
  const stray = tags.filter((tag) => !OWN_TAG.test(tag))
  // A lone ">" or an "&" that starts no entity is unescaped text.
  const text = html.replace(/<[^>]*>/g, '')
  for (const bare of ['>', '"', "'"]) if (text.includes(bare)) stray.push(bare)
  for (const m of text.matchAll(/&[^;\s]*;?/g)) if (!ENTITIES[m[0]]) stray.push(m[0])
  return stray
}

interface FigureLine {
  label: string
  value: string | null
  unit: string | null
  source: string
  plotted: boolean
}

interface Tooltip {
  id: string
  displayName: string | null
  seriesLine: string
  flags: string[]
  lines: FigureLine[]
  tablesHeading: string | null
  tables: { section: string; source: string }[]
  hint: string
  compareHint: string
}

function readTooltip(html: string): Tooltip {
  expect(foreignMarkup(html)).toEqual([])
  const one = (re: RegExp) => {
    const m = re.exec(html)
    return m ? m[1]! : null
  }
  const nullable = (found: string | null) => (found === null ? null : unescape(found))
  const lines = [
    ...html.matchAll(
      /<tr( class="zt-on")?><th>(.*?)<\/th><td( class="zt-none")?>(.*?)<\/td><td class="zt-src">(.*?)<\/td><\/tr>/g,
    ),
  ].map((m): FigureLine => {
    const none = m[3] !== undefined
    const [value, unit] = unescape(m[4]!).split('\u202f')
    return {
      label: unescape(m[2]!),
      value: none ? null : value!,
      unit: none ? null : (unit ?? ''),
      source: unescape(m[5]!),
      plotted: m[1] !== undefined,
    }
  })
  expect(html.match(/<tr/g)?.length ?? 0).toBe(lines.length)
  const tablesBlock = one(/<div class="zt-tables">(.*?)<\/div>/)
  return {
    id: unescape(one(/<div class="zt-head"><b>(.*?)<\/b>/) ?? ''),
    displayName: nullable(one(/<\/b> <span class="zt-muted">(.*?)<\/span><\/div>/)),
    seriesLine: unescape(one(/<\/div><div class="zt-muted">(.*?)<\/div>/) ?? ''),
    flags: (one(/<div class="zt-flags">(.*?)<\/div>/) ?? '')
      .split(' · ')
      .filter(Boolean)
      .map(unescape),
    lines,
    tablesHeading:
      tablesBlock === null ? null : unescape(one(/<span class="zt-muted">([^<]*)<\/span><br>/)!),
    tables: [
      ...(tablesBlock ?? '').matchAll(/(?:<br>)([^<]*) <span class="zt-src">(.*?)<\/span>/g),
    ].map((m) => ({ section: unescape(m[1]!), source: unescape(m[2]!) })),
    hint: unescape(one(/<div class="zt-hint">(.*?)<br>/) ?? ''),
    compareHint: unescape(one(/<div class="zt-hint">.*?<br>(.*?)<\/div>/) ?? ''),
  }
}

if (tooltipFields.length !== 6) throw new Error('tooltipFields changed: update these tests')

// --- hand-made data -----------------------------------------------------------------------------

const latency = (
  platform: PlatformId,
  batchSize: number,
  threads: number | null,
  ms: number,
  line: number,
) => ({ platform, batchSize, threads, ms, line })

const resnet = modelRow('ResNet50_vd', {
  displayName: 'ResNet50 vd',
  series: 'ResNet',
  family: 'ResNet_vd',
  top1: 0.7912,
  top5: 0.9444,
  paramsM: 25.58,
  flopsG: 4.35,
  sizeMB: null,
  inputSize: 224,
  sourceLines: { top1: 101, top5: 101, paramsM: 102, flopsG: 103 },
  // Deliberately out of order.
  latencies: [
    latency('xeon6271c-openvino-fp32', 1, 6, 12.5, 401),
    latency('sd855-arm-fp32', 1, 4, 88.25, 301),
    latency('v100-trt-fp32', 4, null, 3.3, 202),
    latency('sd855-arm-fp32', 1, 1, 250, 300),
    latency('v100-trt-fp32', 1, null, 1.234567, 201),
    latency('xeon6148-paddle-fp32', 1, null, 1234.5, 350),
  ],
  tables: [
    { section: 'ResNet 系列', line: 100 },
    { section: '2.1 服务器端知识蒸馏模型', line: 20 },
  ],
})
const resnetPoint = plottedPoint('ResNet50_vd', 'ResNet', 4.35, 0.7912, { row: resnet })
const flopsTop1 = { x: axis('flopsG'), y: axis('top1') }

describe('pointTooltipHtml: figures and sources', () => {
  const text = tooltipText('en')
  const tooltip = readTooltip(pointTooltipHtml(resnetPoint, flopsTop1, text))

  it('names the model, its display name, series and family', () => {
    expect(tooltip.id).toBe('ResNet50_vd')
    expect(tooltip.displayName).toBe('ResNet50 vd')
    expect(tooltip.seriesLine).toBe('ResNet · ResNet_vd')
    expect(tooltip.hint).toBe(en.tooltip.open)
    expect(tooltip.compareHint).toBe(en.tooltip.compareAdd)
  })

  it('says how to take a model already chosen for Compare out again', () => {
    const chosen = readTooltip(
      pointTooltipHtml(resnetPoint, flopsTop1, tooltipText('en', ['ResNet50_vd'])),
    )
    expect(chosen.compareHint).toBe(en.tooltip.compareRemove)
  })

  it('lists every figure, in order, with its unit and model-list line', () => {
    expect(tooltip.lines.slice(0, 6)).toEqual(
      [
        { label: 'Top-1 accuracy', value: '79.12', unit: '%', source: `${MODEL_LIST_FILE}:101` },
        { label: 'Top-5 accuracy', value: '94.44', unit: '%', source: `${MODEL_LIST_FILE}:101` },
        { label: 'Parameters', value: '25.58', unit: 'M', source: `${MODEL_LIST_FILE}:102` },
        { label: 'FLOPs', value: '4.35', unit: 'G', source: `${MODEL_LIST_FILE}:103` },
        { label: 'Model size', value: null, unit: null, source: '' },
        { label: 'Input size', value: '224', unit: 'px', source: '' },
      ].map((line, i) => ({ ...line, plotted: i === 0 || i === 3 })),
    )
  })

  it('says a figure is not published in its own style', () => {
    const html = pointTooltipHtml(resnetPoint, flopsTop1, text)
    expect(html).toContain(`<td class="zt-none">${en.tooltip.notPublished}</td>`)
  })

  it('lists every latency, by platform, batch size and threads, with its line', () => {
    expect(tooltip.lines.slice(6)).toEqual(
      [
        ['V100 · batch 1', '1.234567', 201],
        ['V100 · batch 4', '3.3', 202],
        ['SD855 · 1 thread', '250', 300],
        ['SD855 · 4 threads', '88.25', 301],
        ['Xeon 6148 · batch 1', '1,234.5', 350],
        ['Xeon 6271C · 6 threads', '12.5', 401],
      ].map(([key, value, line]) => ({
        label: `Latency · ${key}`,
        value,
        unit: 'ms',
        source: `${MODEL_LIST_FILE}:${line}`,
        plotted: false,
      })),
    )
  })

  it('lists the tables the model is in, with their lines', () => {
    expect(tooltip.tablesHeading).toBe('Tables')
    expect(tooltip.tables).toEqual([
      { section: 'ResNet 系列', source: `${MODEL_LIST_FILE}:100` },
      { section: '2.1 服务器端知识蒸馏模型', source: `${MODEL_LIST_FILE}:20` },
    ])
  })

  it('leaves out the display name when it is the id, and the tables when there are none', () => {
    const bare = modelRow('Bare', { series: 'S', family: 'F' })
    const html = pointTooltipHtml(plottedPoint('Bare', 'S', 1, 1, { row: bare }), flopsTop1, text)
    const read = readTooltip(html)
    expect(read.displayName).toBeNull()
    expect(read.tablesHeading).toBeNull()
    expect(html).not.toContain('zt-tables')
    // Every figure still has its line, each saying it is not published (input size too).
    expect(read.lines.map((l) => l.value)).toEqual(tooltipFields.map(() => null))
  })
})

describe('pointTooltipHtml: the plotted figures are marked', () => {
  const v100 = (batchSize: number) =>
    axis('latency', { latency: { platform: 'v100-trt-fp32', batchSize, threads: null } })
  const sd855 = (threads: number) =>
    axis('latency', { latency: { platform: 'sd855-arm-fp32', batchSize: 1, threads } })

  const cases: [string, ChartAxis, ChartAxis, string[]][] = [
    ['FLOPs and top-1', axis('flopsG'), axis('top1'), ['FLOPs', 'Top-1 accuracy']],
    ['size and input size', axis('sizeMB'), axis('inputSize'), ['Model size', 'Input size']],
    [
      'V100 batch 4 and top-5',
      v100(4),
      axis('top5'),
      ['Latency · V100 · batch 4', 'Top-5 accuracy'],
    ],
    [
      'SD855 4 threads, not 1',
      sd855(4),
      axis('paramsM'),
      ['Parameters', 'Latency · SD855 · 4 threads'],
    ],
    ['a latency the model lacks', sd855(2), axis('top1'), ['Top-1 accuracy']],
    ['one field on both axes', axis('top1'), axis('top1'), ['Top-1 accuracy']],
  ]
  it.each(cases)('%s', (_label, x, y, plotted) => {
    const html = pointTooltipHtml(resnetPoint, { x, y }, tooltipText('en'))
    const marked = readTooltip(html)
      .lines.filter((l) => l.plotted)
      .map((l) => l.label)
    expect(marked.sort()).toEqual([...plotted].sort())
  })
})

describe('pointTooltipHtml: flags', () => {
  const cases: [
    string,
    Partial<{ onFrontier: boolean; withinBudget: boolean; selected: boolean }>,
    string[],
  ][] = [
    ['none', {}, []],
    ['on the frontier', { onFrontier: true }, ['On the Pareto frontier']],
    ['over the budget', { withinBudget: false }, ['Over the budget']],
    ['selected', { selected: true }, ['Selected']],
    [
      'all three, in order',
      { selected: true, withinBudget: false, onFrontier: true },
      ['On the Pareto frontier', 'Over the budget', 'Selected'],
    ],
  ]
  it.each(cases)('%s', (_label, flags, expected) => {
    const point = { ...resnetPoint, ...flags }
    const html = pointTooltipHtml(point, flopsTop1, tooltipText('en'))
    expect(readTooltip(html).flags).toEqual(expected)
    expect(html.includes('zt-flags')).toBe(expected.length > 0)
  })
})

describe('pointTooltipHtml: escaping', () => {
  const nasty = [
    '<img src=x onerror="alert(1)">',
    'A & B',
    'x > y < z',
    '"quoted"',
    "it's",
    '&amp;',
  ]

  it.each(nasty.map((s) => [s]))('escapes %s wherever catalog text goes', (bad) => {
    const row = modelRow(`id ${bad}`, {
      displayName: `name ${bad}`,
      series: `series ${bad}`,
      family: `family ${bad}`,
      top1: 0.5,
      sourceLines: { top1: 7 },
      tables: [{ section: `table ${bad}`, line: 9 }],
      latencies: [latency('v100-trt-fp32', 1, null, 2, 11)],
    })
    const point = plottedPoint(row.id, row.series, 2, 0.5, { row, selected: true })
    const html = pointTooltipHtml(point, flopsTop1, tooltipText('en'))
    const read = readTooltip(html)
    expect(read.id).toBe(`id ${bad}`)
    expect(read.displayName).toBe(`name ${bad}`)
    expect(read.seriesLine).toBe(`series ${bad} · family ${bad}`)
    expect(read.tables).toEqual([{ section: `table ${bad}`, source: `${MODEL_LIST_FILE}:9` }])
  })

  it('escapes the words it is given too', () => {
    const text = tooltipText('en')
    const words: TooltipText = {
      ...text,
      figures: { ...text.figures, top1: 'Top-1 <b>' },
      latency: 'Lat & cy',
      latencyKey: () => '<key>',
      notPublished: '<none>',
      tables: 'Tables & "lists"',
      selected: '<sel>',
      open: 'Click <here>',
      compare: () => 'Shift & <click>',
    }
    const point = { ...resnetPoint, selected: true }
    const read = readTooltip(pointTooltipHtml(point, flopsTop1, words))
    expect(read.lines[0]).toMatchObject({ label: 'Top-1 <b>', unit: '%' })
    expect(read.lines[4]).toMatchObject({ value: null })
    expect(read.lines[6]!.label).toBe('Lat & cy · <key>')
    expect(read.flags).toEqual(['<sel>'])
    expect(read.tablesHeading).toBe('Tables & "lists"')
    expect(read.hint).toBe('Click <here>')
    expect(read.compareHint).toBe('Shift & <click>')
  })

  it.each([
    ['<', '&lt;'],
    ['>', '&gt;'],
    ['&', '&amp;'],
    ['"', '&quot;'],
    ["'", '&#39;'],
    ['&lt;', '&amp;lt;'],
    ['a<b>&"c\'', 'a&lt;b&gt;&amp;&quot;c&#39;'],
    ['plain text 中文', 'plain text 中文'],
  ])('escapeHtml(%j) is %j', (input, output) => {
    expect(escapeHtml(input)).toBe(output)
  })
})

describe('pointTooltipHtml: both languages', () => {
  it.each(['en', 'zh-CN'] as const)('in %s, every word is the one given', (locale) => {
    const m = messages[locale]
    const point = { ...resnetPoint, onFrontier: true, selected: true, withinBudget: false }
    const read = readTooltip(pointTooltipHtml(point, flopsTop1, tooltipText(locale)))
    expect(read.lines.slice(0, 6).map((l) => l.label)).toEqual(tooltipFields.map((f) => m.names[f]))
    expect(read.lines.slice(6).every((l) => l.label.startsWith(`${m.tooltip.latency} · `))).toBe(
      true,
    )
    expect(read.flags).toEqual([m.tooltip.onFrontier, m.tooltip.overBudget, m.tooltip.selected])
    expect(read.tablesHeading).toBe(m.tooltip.tables)
    expect(read.hint).toBe(m.tooltip.open)
    expect(read.compareHint).toBe(m.tooltip.compareAdd)
  })

  it('says the ARM latency keys in Chinese', () => {
    const read = readTooltip(pointTooltipHtml(resnetPoint, flopsTop1, tooltipText('zh-CN')))
    expect(read.lines.map((l) => l.label)).toContain('耗时 · 骁龙 855 · 4 线程')
  })

  it('names a latency of this machine as benchmarked here, not as a model-list line', () => {
    const mine = {
      ...resnetPoint,
      row: {
        ...resnetPoint.row,
        latencies: [
          { platform: 'this-machine' as const, batchSize: 1, threads: 2, ms: 3.5, line: 0 },
        ],
      },
    }
    const read = readTooltip(pointTooltipHtml(mine, flopsTop1, tooltipText('en')))
    expect(read.lines[6]).toMatchObject({ value: '3.5', unit: 'ms', source: 'benchmarked here' })
  })

  it('writes FLOPs below 1 G in M, every published digit kept, as the rest of the app does', () => {
    const small = { ...resnetPoint, row: { ...resnetPoint.row, flopsG: 0.579017 } }
    const read = readTooltip(pointTooltipHtml(small, flopsTop1, tooltipText('en')))
    expect(read.lines[3]).toMatchObject({ value: '579.017', unit: 'M' })
  })

  it('writes numbers grouped by thousands, as both languages do', () => {
    const read = readTooltip(pointTooltipHtml(resnetPoint, flopsTop1, tooltipText('en')))
    expect(read.lines.find((l) => l.label.includes('Xeon 6148'))?.value).toBe('1,234.5')
  })
})

describe('pointTooltipHtml on the real catalog', () => {
  /** A number as the tooltip writes it in English, read back. */
  const number = (text: string) => Number(text.replace(/,/g, ''))
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b))

  function check(row: ModelRow, locale: Locale): void {
    const point = plottedPoint(row.id, row.series, 1, 1, { row, family: row.family })
    const read = readTooltip(pointTooltipHtml(point, flopsTop1, tooltipText(locale)))
    expect(read.id).toBe(row.id)
    expect(read.lines).toHaveLength(tooltipFields.length + row.latencies.length)
    tooltipFields.forEach((field, i) => {
      const line = read.lines[i]!
      const value = row[field]
      if (value === null) {
        expect(line.value).toBeNull()
        return
      }
      const percent = field === 'top1' || field === 'top5'
      // FLOPs print in M under 1 G, as everywhere else in the app.
      const scale = percent ? 100 : field === 'flopsG' && line.unit === 'M' ? 1000 : 1
      expect(close(number(line.value!), value * scale), `${row.id} ${field}`).toBe(true)
      if (field === 'inputSize') expect(line.source).toBe('')
      else {
        // Every published figure of the list comes from a line of the model list.
        expect(row.sourceLines[field]).toBeTypeOf('number')
        expect(line.source).toBe(`${MODEL_LIST_FILE}:${row.sourceLines[field]}`)
      }
    })
    const shown = read.lines
      .slice(tooltipFields.length)
      .map((l) => `${number(l.value!)}@${l.source}`)
    const expected = row.latencies.map((l) => `${l.ms}@${MODEL_LIST_FILE}:${l.line}`)
    expect(shown.sort()).toEqual(expected.sort())
    expect(read.tables).toEqual(
      row.tables.map((t) => ({ section: t.section, source: `${MODEL_LIST_FILE}:${t.line}` })),
    )
  }

  it('shows every figure of every model with its model-list line, in both languages', () => {
    const { rows } = realCatalog()
    expect(rows.length).toBeGreaterThan(200)
    for (const row of rows) {
      check(row, 'en')
      check(row, 'zh-CN')
    }
  })

  it('has models with displayName, tables and latencies to show', () => {
    const { rows } = realCatalog()
    expect(rows.some((r) => r.displayName !== r.id)).toBe(true)
    expect(rows.some((r) => r.tables.length > 1)).toBe(true)
    expect(rows.some((r) => r.latencies.length > 2)).toBe(true)
  })
})
