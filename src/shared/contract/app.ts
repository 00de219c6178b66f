import { z } from 'zod'

export interface AppInfo {
  name: string
  version: string
  /** Which face answered: the Electron shell or browser mode's HTTP server (or the CLI). */
  host: 'electron' | 'browser' | 'cli'
  dataDir: string
  databasePath: string
  platform: string
  arch: string
  versions: {
    node: string
    electron: string | null
    chrome: string | null
    sqlite: string
    onnxruntime: string
    sharp: string
    libvips: string
  }
}

export const pingInput = z
  .object({
    message: z.string().max(500),
  })
  .strict()

export interface PingReply {
  message: string
  seq: number
  at: string
}

/** Broadcast to every subscriber when any face calls `app.ping`: proves the event path works. */
export type PingEvent = PingReply
