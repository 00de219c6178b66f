import type { Database } from 'better-sqlite3'
import sharp from 'sharp'
import packageJson from '../../../package.json'
import type { AppInfo } from '../../shared/contract'

export type Host = AppInfo['host']

export interface AppInfoSources {
  host: Host
  dataDir: string
  databasePath: string
  db: Database
}

export const APP_NAME = 'Zoo Explorer'
export const APP_VERSION: string = packageJson.version

export async function readAppInfo(sources: AppInfoSources): Promise<AppInfo> {
  // Loaded on demand: the native ONNX runtime costs start-up time that only inference needs.
  const ort = await import('onnxruntime-node')
  const sqlite = sources.db.prepare<[], { v: string }>('SELECT sqlite_version() AS v').get()
  return {
    name: APP_NAME,
    version: APP_VERSION,
    host: sources.host,
    dataDir: sources.dataDir,
    databasePath: sources.databasePath,
    platform: process.platform,
    arch: process.arch,
    versions: {
      node: process.versions.node,
      electron: process.versions.electron ?? null,
      chrome: process.versions.chrome ?? null,
      sqlite: sqlite?.v ?? 'unknown',
      onnxruntime: ort.env.versions.node ?? ort.env.versions.common,
      sharp: sharp.versions.sharp,
      libvips: sharp.versions.vips,
    },
  }
}
