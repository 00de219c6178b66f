import { fileURLToPath } from 'node:url'

/** The project folder (this file is test/node/helpers/paths.ts). */
export const projectRoot = fileURLToPath(new URL('../../../', import.meta.url))
