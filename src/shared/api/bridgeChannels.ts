/** The Electron IPC channel names the preload bridge and the main side agree on. */
export const IPC_INVOKE = 'zoo:invoke'
export const IPC_EVENT = 'zoo:event'
export const IPC_UPLOAD = 'zoo:upload'
