import { resolve } from 'node:path'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'
import { preloadHomeView } from './tools/vite/preloadHomeView'

const shared = { '@shared': resolve('src/shared') }

export default defineConfig({
  main: {
    resolve: { alias: shared },
    build: {
      rollupOptions: {
        // One bundle per process entry; chunks they share are split out by Rollup.
        input: {
          index: resolve('src/main/electron/main.ts'),
          cli: resolve('src/main/cli/main.ts'),
          // The model host runs as its own process (one per loaded model).
          inferenceHost: resolve('src/main/inference/host/inferenceHost.ts'),
        },
      },
    },
  },
  preload: {
    resolve: { alias: shared },
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // Sandboxed preloads cannot load ES modules: one CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    resolve: { alias: shared },
    // Explore is the home view: its code is fetched alongside the app's, not after it.
    plugins: [vue(), preloadHomeView([/views\/ExploreView\.vue$/, /charts\/echarts\.ts$/])],
    // Feature flags Vue and vue-i18n read at build time: only the Composition API is used.
    define: {
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
      __VUE_I18N_FULL_INSTALL__: 'false',
      __VUE_I18N_LEGACY_API__: 'false',
      __INTLIFY_PROD_DEVTOOLS__: 'false',
    },
    build: {
      // Parsing less JavaScript is most of a cold start: the page is about 2 MB unminified.
      minify: true,
      rollupOptions: { input: resolve('src/renderer/index.html') },
    },
  },
})
