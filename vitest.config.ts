import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { alias: { '@shared': resolve('src/shared') } },
  test: {
    include: ['test/node/**/*.test.ts'],
    globalSetup: ['test/setup/buildOnce.ts'],
    // Native addons (better-sqlite3, onnxruntime, sharp) are safest in child processes.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    reporters: ['default'],
  },
})
