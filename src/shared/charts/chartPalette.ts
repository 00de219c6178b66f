/**
 * Colours and marker shapes per series: 10 colours × 6 shapes, so up to 60 series stay apart
 * (the official charts do the same with matplotlib markers). Both themes use the same hues.
 */
export const PALETTE = [
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
] as const

export const SYMBOLS = ['circle', 'triangle', 'diamond', 'rect', 'pin', 'roundRect'] as const

/** Line dashes per round of colours, so two series sharing a colour also differ in their lines. */
export const DASHES: ('solid' | number[])[] = [
  'solid',
  [7, 3],
  [2, 3],
  [9, 3, 2, 3],
  [4, 4],
  [1, 3],
]

export function seriesStyle(index: number): {
  color: string
  symbol: string
  dash: 'solid' | number[]
} {
  const round = Math.floor(index / PALETTE.length)
  return {
    color: PALETTE[index % PALETTE.length]!,
    symbol: SYMBOLS[round % SYMBOLS.length]!,
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
