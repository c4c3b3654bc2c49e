// A cursor-paged list ({items, next_cursor}) for the console's tables: the first page, more on demand, reloads when a filter changes.
import { reactive } from 'vue'
import { api } from './api.js'

// usePagedList(path, {query, limit}) -> reactive {items, nextCursor, loading, loadingMore, loaded, load(more), reload()}.
// path is a string or a function returning one; query a function returning the filters (empty values are left out).
// A reload drops any answer still on its way, so a quick change of filter never shows the previous filter's rows.
export function usePagedList(path, { query = () => ({}), limit = 50 } = {}) {
  let generation = 0
  const list = reactive({
    items: [],
    nextCursor: null,
    loading: false,
    loadingMore: false,
    loaded: false,
    async load(more = false) {
      if (more && !list.nextCursor) return
      const mine = ++generation
      if (more) list.loadingMore = true
      else list.loading = true
      try {
        const where = typeof path === 'function' ? path() : path
        const page = await api.get(where, { ...query(), limit, cursor: more ? list.nextCursor : undefined })
        if (mine !== generation) return
        list.items = more ? list.items.concat((page && page.items) || []) : (page && page.items) || []
        list.nextCursor = (page && page.next_cursor) || null
        list.loaded = true
      } catch {
        /* the API client has shown the message */
      } finally {
        if (mine === generation) {
          list.loading = false
          list.loadingMore = false
        }
      }
    },
    reload() {
      return list.load(false)
    }
  })
  return list
}
