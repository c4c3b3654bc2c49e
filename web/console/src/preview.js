// Live segment previews: a debounced POST /segments/preview whose answer (count, canonical text, unknown names,
// sample) or 422 problem is kept in a reactive state; answers to queries since replaced are dropped.
import { onBeforeUnmount, reactive } from 'vue'
import { api, errorText } from './api.js'

export const PREVIEW_DELAY_MS = 300

export function useSegmentPreview({ sample = 0, delay = PREVIEW_DELAY_MS } = {}) {
  const state = reactive({
    loading: false, count: null, canonical: '', unknown: [], sample: [], problem: null, failed: '', key: ''
  })
  let timer = null
  let seq = 0

  function reset() {
    clearTimeout(timer)
    seq++
    Object.assign(state, { loading: false, count: null, canonical: '', unknown: [], sample: [], problem: null, failed: '', key: '' })
  }

  async function run(query) {
    const mine = ++seq
    const key = typeof query === 'string' ? query : JSON.stringify(query)
    state.loading = true
    try {
      const r = await api.post('/segments/preview', { query, sample }, { silent: true })
      if (mine !== seq) return
      Object.assign(state, {
        count: r.count, canonical: r.query || '', unknown: r.unknown || [], sample: r.sample || [], problem: null, failed: '', key
      })
    } catch (e) {
      if (mine !== seq) return
      Object.assign(state, { count: null, unknown: [], sample: [], key })
      if (e.status === 422) { state.problem = e.problem || {}; state.failed = '' }
      else { state.problem = null; state.failed = errorText(e) }
    } finally {
      if (mine === seq) state.loading = false
    }
  }

  // Previews query after the delay (an empty query clears the state at once).
  function schedule(query) {
    clearTimeout(timer)
    if (query === null || query === undefined || (typeof query === 'string' && !query.trim())) { reset(); return }
    seq++
    state.loading = true
    timer = setTimeout(() => run(query), delay)
  }

  // Previews query now and resolves when the answer is in.
  async function now(query) {
    clearTimeout(timer)
    await run(query)
    return state
  }

  onBeforeUnmount(() => clearTimeout(timer))
  return { state, schedule, now, reset }
}
