export interface FuseWire {
  /** Byte offset of the first state byte. */
  position: number
  version: number
  states: string
}
export interface FlipOptions {
  plan?: (current: string) => string
  chunkBytes?: number
}
export interface FlipResult {
  wires: number
  changed: boolean
  states: string
}
export function fuseFileOf(binary: string): string
export function readFuseWires(file: string, options?: { chunkBytes?: number }): Promise<FuseWire[]>
export function flipFuses(file: string, options?: FlipOptions): Promise<FlipResult>
export function hardenElectronBinary(binary: string): Promise<FlipResult>
export function describeFuses(states: string): string
