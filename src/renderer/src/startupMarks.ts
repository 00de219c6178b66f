/**
 * Named moments of a window's start (`performance.mark`), each recorded the first time it happens:
 * the Explore benchmark reads them to say where the time to the first chart goes, and they show in
 * the browser's performance panel.
 */
export type StartupMark =
  'zoo:app-mounted' | 'zoo:catalog-ready' | 'zoo:echarts-ready' | 'zoo:chart-option-set'

const seen = new Set<StartupMark>()

export function markStartup(name: StartupMark): void {
  if (seen.has(name)) return
  seen.add(name)
  performance.mark(name)
}
