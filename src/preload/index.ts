/**
 * Runs sandboxed before the page: exposes `window.zoo` with `invoke`, `on`, `upload`, the path of
 * a dropped file and version strings, and nothing else of Electron or Node.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import { IPC_EVENT, IPC_INVOKE, IPC_UPLOAD } from '../shared/api/bridgeChannels'
import type { Result } from '../shared/errors'
import type { ZooBridge } from '../shared/api/transport'

const bridge: ZooBridge = {
  invoke: (channel, input) =>
    ipcRenderer.invoke(IPC_INVOKE, channel, input) as Promise<Result<unknown>>,
  on(event, listener) {
    const handler = (_event: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload)
    }
    ipcRenderer.on(IPC_EVENT, handler)
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler)
    }
  },
  upload: (bytes) =>
    ipcRenderer.invoke(IPC_UPLOAD, new Uint8Array(bytes)) as ReturnType<ZooBridge['upload']>,
  pathForFile: (file) => webUtils.getPathForFile(file),
  versions: {
    electron: process.versions.electron ?? '',
    chrome: process.versions.chrome ?? '',
    node: process.versions.node,
  },
}

contextBridge.exposeInMainWorld('zoo', bridge)
