// A page that follows the server while it is open: `now` runs on the server's clock (each answer's server_time
// sets the offset, whatever the phone's clock says) and ticks four times a second; `load` runs at once, then
// every `everyMs` while the page is visible and `active()` holds, and again the moment the page comes back
// into view.
import { onBeforeUnmount, onMounted, ref } from 'vue'

export function useLive({ load, everyMs = 3000, active = () => true }) {
  const now = ref(Date.now())
  let offset = 0, ticker = 0, poller = 0, inFlight = null, alive = true

  function sync(serverTime) {
    const at = Date.parse(serverTime)
    if (Number.isNaN(at)) return
    offset = at - Date.now()
    now.value = Date.now() + offset
  }

  // one read at a time; a caller during a read waits for that one
  function refresh() {
    if (!inFlight) inFlight = Promise.resolve(load()).catch(() => {}).finally(() => { inFlight = null })
    return inFlight
  }

  function schedule() {
    clearTimeout(poller)
    if (!alive || document.visibilityState !== 'visible' || !active()) return
    poller = setTimeout(async () => {
      await refresh()
      schedule()
    }, everyMs)
  }

  async function onVisibility() {
    if (document.visibilityState !== 'visible') {
      clearTimeout(poller)
      return
    }
    await refresh()
    schedule()
  }

  // read now and go on polling (after an action, or when what `active` looks at has changed)
  async function again() {
    await refresh()
    schedule()
  }

  onMounted(() => {
    ticker = setInterval(() => { now.value = Date.now() + offset }, 250)
    document.addEventListener('visibilitychange', onVisibility)
    again()
  })
  onBeforeUnmount(() => {
    alive = false
    clearInterval(ticker)
    clearTimeout(poller)
    document.removeEventListener('visibilitychange', onVisibility)
  })

  return { now, sync, again }
}
