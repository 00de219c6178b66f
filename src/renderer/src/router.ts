import { fetchCatalogSnapshot } from './stores/catalogSnapshot'
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'

/** Sidebar entries, in order, with their icon paths (24×24 strokes). */
export const navItems = [
  { name: 'explore', icon: 'M4 20V4 M4 20h16 M8 15l3-4 3 2 5-6' },
  { name: 'models', icon: 'M4 5h16 M4 10h16 M4 15h16 M4 20h10' },
  { name: 'compare', icon: 'M6 4v16 M18 4v16 M6 8h5 M13 14h5 M6 12h3 M15 10h3' },
  {
    name: 'classify',
    icon: 'M4 6a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2z M4 16l5-5 4 4 3-3 4 4',
  },
  { name: 'batch', icon: 'M3 7h7l2 2h9v10H3z M8 14h8' },
  { name: 'downloads', icon: 'M12 4v11 M7 10l5 5 5-5 M5 20h14' },
  {
    name: 'settings',
    icon: 'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6z M12 2v3 M12 19v3 M2 12h3 M19 12h3 M5 5l2 2 M17 17l2 2 M5 19l2-2 M17 7l2-2',
  },
] as const

export type NavName = (typeof navItems)[number]['name']

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/explore' },
  {
    path: '/explore',
    name: 'explore',
    // ECharts is a chunk of its own (ScatterChart loads it on mount): fetch it alongside the view,
    // and the catalog alongside both.
    beforeEnter: () => {
      void fetchCatalogSnapshot()
    },
    component: () => {
      void import('./charts/echarts')
      return import('./views/ExploreView.vue')
    },
  },
  { path: '/models', name: 'models', component: () => import('./views/ModelsView.vue') },
  { path: '/compare', name: 'compare', component: () => import('./views/CompareView.vue') },
  { path: '/classify', name: 'classify', component: () => import('./views/ClassifyView.vue') },
  { path: '/batch', name: 'batch', component: () => import('./views/BatchView.vue') },
  { path: '/downloads', name: 'downloads', component: () => import('./views/DownloadsView.vue') },
  { path: '/settings', name: 'settings', component: () => import('./views/SettingsView.vue') },
  { path: '/:unknown(.*)*', redirect: '/explore' },
]

export const router = createRouter({ history: createWebHashHistory(), routes })
