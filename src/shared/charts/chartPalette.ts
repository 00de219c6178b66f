/**
 * Colours and markers of the legend entries (one per model family). The official PaddleClas charts
 * give each family a colour and a matplotlib marker; with 20–35 families on one chart ten colours
 * repeat, so here 36 colours stay unique up to 36 entries and a marker of 11 shapes (11 and 36
 * share no factor: no colour-and-marker pair repeats below 396 entries) tells
 * neighbours apart even where colours are close. SSLD-distilled families keep one marker (a star)
 * so "this is the distilled one" reads at a glance, as the official mobile chart marks them apart.
 * Both themes use the same hues.
 */
export const PALETTE = [
  // Tableau 10, then its lighter and darker variants, then a last round of distinct hues.
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#9c755f',
  '#ff9da7',
  '#6b6ecf',
  '#1f4e79',
  '#b35806',
  '#9e1b32',
  '#2e6b30',
  '#6a3d9a',
  '#2a8c82',
  '#a68a00',
  '#5b3a29',
  '#d6336c',
  '#393b79',
  '#a0cbe8',
  '#ffbe7d',
  '#ff8f8f',
  '#8cd17d',
  '#d4a6c8',
  '#86bcb6',
  '#f1ce63',
  '#d7b5a6',
  '#17becf',
  '#bcbd22',
  '#7f7f7f',
  '#e377c2',
  '#006d2c',
  '#fd8d3c',
  '#54278f',
  '#c51b8a',
] as const

/** ECharts' own shapes and SVG paths (in a 0–10 box) for the matplotlib markers it lacks. */
const PATH = {
  star: 'path://M5,0L6.2,3.6L10,3.6L6.9,5.8L8.1,9.5L5,7.2L1.9,9.5L3.1,5.8L0,3.6L3.8,3.6Z',
  triangleDown: 'path://M0,0L10,0L5,9Z',
  cross: 'path://M1.5,0L5,3.5L8.5,0L10,1.5L6.5,5L10,8.5L8.5,10L5,6.5L1.5,10L0,8.5L3.5,5L0,1.5Z',
  plus: 'path://M3.5,0H6.5V3.5H10V6.5H6.5V10H3.5V6.5H0V3.5H3.5Z',
  pentagon: 'path://M5,0L10,3.8L8.1,10L1.9,10L0,3.8Z',
  hexagon: 'path://M2.5,0H7.5L10,5L7.5,10H2.5L0,5Z',
  triangleRight: 'path://M0,0L9,5L0,10Z',
  triangleLeft: 'path://M9,0L0,5L9,10Z',
} as const

export const SYMBOLS = [
  'circle',
  'triangle',
  'diamond',
  'rect',
  PATH.triangleDown,
  PATH.pentagon,
  PATH.cross,
  PATH.hexagon,
  PATH.triangleRight,
  PATH.plus,
  PATH.triangleLeft,
] as const

export const SSLD_SYMBOL = PATH.star

/** The marker as an SVG path in a 0–10 box, for the legend swatches beside the chart. */
export function markerPath(symbol: string): string {
  if (symbol.startsWith('path://')) return symbol.slice('path://'.length)
  switch (symbol) {
    case 'triangle':
      return 'M5,0L10,9L0,9Z'
    case 'diamond':
      return 'M5,0L10,5L5,10L0,5Z'
    case 'rect':
      return 'M1,1H9V9H1Z'
    default:
      return 'M5,0A5,5,0,1,1,5,10A5,5,0,1,1,5,0Z'
  }
}

/** Line dashes per round of colours, so two series sharing a colour also differ in their lines. */
export const DASHES: ('solid' | number[])[] = ['solid', [7, 3], [2, 3], [9, 3, 2, 3]]

export interface SeriesStyle {
  color: string
  symbol: string
  dash: 'solid' | number[]
}

/** The style of the index-th legend entry; `name` marks SSLD families with the star. */
export function seriesStyle(index: number, name = ''): SeriesStyle {
  const round = Math.floor(index / PALETTE.length)
  return {
    color: PALETTE[index % PALETTE.length]!,
    symbol: /_ssld$/i.test(name) ? SSLD_SYMBOL : SYMBOLS[index % SYMBOLS.length]!,
    dash: DASHES[round % DASHES.length]!,
  }
}

export interface ChartTheme {
  background: string
  text: string
  muted: string
  axis: string
  grid: string
  greyed: string
  frontier: string
}

export const chartThemes: Record<'light' | 'dark', ChartTheme> = {
  light: {
    background: '#ffffff',
    text: '#1d2129',
    muted: '#5c6370',
    axis: '#8a919e',
    grid: '#e6e8ec',
    greyed: '#c4c8cf',
    frontier: '#1d2129',
  },
  dark: {
    background: '#15171c',
    text: '#e4e7ec',
    muted: '#9aa2b1',
    axis: '#6b7280',
    grid: '#2a2e36',
    greyed: '#4a4f59',
    frontier: '#e4e7ec',
  },
}
