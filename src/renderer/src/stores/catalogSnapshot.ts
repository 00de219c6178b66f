/**
 * The whole catalog as the charts use it (rows, series, platforms), fetched once. Started by the
 * router as soon as the Explore route is entered, so the requests run while the view's code and
 * ECharts are still downloading, instead of after.
 */
import { api } from '../api'

type Snapshot = Promise<
  [
    Awaited<ReturnType<typeof api.invoke<'catalog.list'>>>,
    Awaited<ReturnType<typeof api.invoke<'catalog.series'>>>,
    Awaited<ReturnType<typeof api.invoke<'catalog.platforms'>>>,
  ]
>

let pending: Snapshot | null = null

export function fetchCatalogSnapshot(fresh = false): Snapshot {
  if (!pending || fresh) {
    pending = Promise.all([
      api.invoke('catalog.list', {}),
      api.invoke('catalog.series', {}),
      api.invoke('catalog.platforms', {}),
    ])
    // A failed fetch is not kept: the next caller (a retry) asks again.
    void pending.then((results) => {
      if (results.some((result) => !result.ok)) pending = null
    })
  }
  return pending
}
