/**
 * Imported first by main.ts, so that it runs before the app's own code is evaluated: a window that
 * opens on the Explore view (the home view) asks for the catalog now, while Vue, the router and
 * the view's code are still starting, instead of once the router enters the route.
 */
import { fetchCatalogSnapshot } from './stores/catalogSnapshot'

const opensOnExplore = /^#?\/?(explore([/?].*)?)?$/.test(window.location.hash)
if (opensOnExplore) void fetchCatalogSnapshot()
