import type { ZooBridge } from '../shared/api/transport'

declare global {
  interface Window {
    /** Present only inside the Electron window; browser mode talks HTTP instead. */
    readonly zoo?: ZooBridge
  }
}

export {}
