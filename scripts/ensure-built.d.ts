export const root: string
export function isBuildCurrent(): boolean
export function ensureBuilt(options?: { quiet?: boolean }): void
