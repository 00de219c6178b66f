/**
 * Imported first by main.ts, so that it runs before the rest of the app's code (router, stores,
 * views) is evaluated: a window that opens on the Explore view (the home view) asks for the catalog
 * now, while the app is still starting, instead of once the router enters the route.
 */
import { fetchCatalogSnapshot } from './stores/catalogSnapshot'

const opensOnExplore = /^#?\/?(explore([/?].*)?)?$/.test(window.location.hash)
if (opensOnExplore) void fetchCatalogSnapshot()
