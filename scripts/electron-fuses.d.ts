export const FUSE_SENTINEL: string
export const FUSE_WIRE_VERSION: number
export interface FuseSetting {
  name: string
  want: '0' | '1' | null
  why: string
}
export const fuses: readonly FuseSetting[]
export function plannedWire(current: string): string
