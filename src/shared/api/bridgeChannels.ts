/** The Electron IPC channel names the preload bridge and the main side agree on. */
export const IPC_INVOKE = 'zoo:invoke'
export const IPC_EVENT = 'zoo:event'
export const IPC_UPLOAD = 'zoo:upload'

/** The desktop app's scheme for batch thumbnails: `zoo-thumb://thumb/<job id>/<file id>?size=N`. */
export const THUMB_SCHEME = 'zoo-thumb'
