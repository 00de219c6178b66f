import type { BrowserWindowConstructorOptions } from 'electron'
import type { WindowBounds } from './windowState'

export interface WindowOptionsInput {
  preloadPath: string
  bounds: WindowBounds
  dark: boolean
}

export const MIN_WINDOW_SIZE = { width: 960, height: 640 } as const

/**
 * The one place window security is decided. Pure so that every flag is asserted by a unit test:
 * the page gets no Node, runs sandboxed in an isolated world, and cannot relax web security.
 */
export function createWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    ...input.bounds,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: 'Zoo Explorer',
    show: false,
    backgroundColor: input.dark ? '#15171c' : '#ffffff',
    autoHideMenuBar: true,
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  }
}
