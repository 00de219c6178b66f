/**
 * Electron entry: the thin shell around the app core. Everything here is wiring; decisions live
 * in the pure modules beside it (window options, navigation policy, window state).
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BrowserWindow, app, dialog, nativeTheme, screen, session, shell } from 'electron'
import { resolveDataDir } from '../app/dataDir'
import { openAppCore, type AppCore, type Desktop } from '../core/appCore'
import { contentSecurityPolicy } from '../security/contentSecurityPolicy'
import { registerAppScheme, serveRendererOverAppScheme, serveThumbnails } from './appProtocol'
import { notifyBatchEnds } from './jobNotifications'
import { connectIpc, forwardEvents } from './ipcBridge'
import { utilityHostLauncher } from './utilityHostLauncher'
import { APP_ORIGIN, externalUrlToOpen, isAppUrl, originOf } from './navigationPolicy'
import { isPermissionGranted } from './permissionPolicy'
import { createWindowOptions } from './windowOptions'
import { restoreWindowState, type SavedWindowState } from './windowState'

const here = dirname(fileURLToPath(import.meta.url))
const devRendererUrl = process.env.ELECTRON_RENDERER_URL
const appOrigin = devRendererUrl ? (originOf(devRendererUrl) ?? APP_ORIGIN) : APP_ORIGIN
const WINDOW_STATE_KEY = 'window'

function dataDirFlag(argv: readonly string[]): string | undefined {
  const index = argv.indexOf('--data-dir')
  if (index !== -1) return argv[index + 1]
  return argv.find((arg) => arg.startsWith('--data-dir='))?.slice('--data-dir='.length)
}

/** better-sqlite3 built against Electron's ABI (see `npm run electron:native`), if present. */
function electronSqliteBinding(): string | undefined {
  const file = join(here, '..', '..', 'native', 'electron', 'better_sqlite3.node')
  return existsSync(file) ? file : undefined
}

function hardenSessions(): void {
  // Both hooks, one policy (permissionPolicy.ts): web APIs check a permission before they request
  // it, and a check left to Electron's default would answer "granted" for everything.
  session.defaultSession.setPermissionCheckHandler(
    (_contents, permission, requestingOrigin, details) =>
      isPermissionGranted(
        {
          permission,
          requesting: requestingOrigin || details.requestingUrl,
          embeddingOrigin: details.embeddingOrigin,
        },
        appOrigin,
      ),
  )
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionGranted({ permission, requesting: details.requestingUrl }, appOrigin)),
  )
  if (devRendererUrl) {
    const csp = contentSecurityPolicy({
      dev: true,
      connectSrc: [devRendererUrl.replace(/^http/, 'ws')],
    })
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] },
      })
    })
  }
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      const external = externalUrlToOpen(url)
      if (external) void shell.openExternal(external)
      return { action: 'deny' }
    })
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url, appOrigin)) event.preventDefault()
    })
    contents.on('will-attach-webview', (event) => event.preventDefault())
  })
}

/** The native folder dialog and file manager, for the Batch view. */
function desktopFor(window: () => BrowserWindow | null): Desktop {
  return {
    async pickFolders(title) {
      const options: Electron.OpenDialogOptions = {
        properties: ['openDirectory', 'multiSelections', 'createDirectory'],
        ...(title ? { title } : {}),
      }
      const parent = window()
      const result = parent
        ? await dialog.showOpenDialog(parent, options)
        : await dialog.showOpenDialog(options)
      return result.canceled ? null : result.filePaths
    },
    async openPath(path) {
      // Electron answers with an error message, or '' when it worked.
      const problem = await shell.openPath(path)
      if (problem) throw new Error(problem)
    },
    revealPath(path) {
      shell.showItemInFolder(path)
    },
  }
}

function createMainWindow(core: AppCore): BrowserWindow {
  const workAreas = screen.getAllDisplays().map((display) => display.workArea)
  const state = restoreWindowState(core.settings.read(WINDOW_STATE_KEY), workAreas)
  const window = new BrowserWindow(
    createWindowOptions({
      preloadPath: join(here, '..', 'preload', 'index.cjs'),
      bounds: state,
      dark: nativeTheme.shouldUseDarkColors,
    }),
  )
  if (state.maximized) window.maximize()
  window.once('ready-to-show', () => window.show())

  const save = () => {
    if (window.isDestroyed()) return
    const saved: SavedWindowState = { ...window.getNormalBounds(), maximized: window.isMaximized() }
    core.settings.write(WINDOW_STATE_KEY, saved)
  }
  let timer: NodeJS.Timeout | undefined
  const saveSoon = () => {
    clearTimeout(timer)
    timer = setTimeout(save, 500)
  }
  window.on('resize', saveSoon)
  window.on('move', saveSoon)
  window.on('close', () => {
    clearTimeout(timer)
    save()
  })

  forwardEvents(core, window.webContents)
  void window.loadURL(devRendererUrl ?? `${APP_ORIGIN}/index.html`)
  return window
}

function start(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }
  registerAppScheme()
  const dataDir = resolveDataDir({ flag: dataDirFlag(process.argv) })
  app.setPath('userData', dataDir)

  let core: AppCore | null = null
  let window: BrowserWindow | null = null

  app.on('second-instance', () => {
    if (!window) return
    if (window.isMinimized()) window.restore()
    window.focus()
  })

  void app.whenReady().then(() => {
    const binding = electronSqliteBinding()
    core = openAppCore({
      dataDir,
      host: 'electron',
      ...(binding ? { nativeBinding: binding } : {}),
      hostLauncher: utilityHostLauncher,
      desktop: desktopFor(() => window),
    })
    hardenSessions()
    serveRendererOverAppScheme(join(here, '..', 'renderer'))
    serveThumbnails(core.thumbnails)
    notifyBatchEnds(core, () => window)
    connectIpc(core, appOrigin)
    window = createMainWindow(core)
    window.on('closed', () => (window = null))
  })

  app.on('window-all-closed', () => app.quit())
  app.on('will-quit', () => core?.close())
}

start()
