// The member's link token. A link is /member.html#/<page>?t=ytm_...: the token rides in the fragment, which
// browsers never send to a server (no access log, no Referer). At start it is moved into sessionStorage (this
// tab only, gone when the tab closes) and removed from the address bar. Only a member link token is kept: a
// staff token, or anything else, is dropped and never sent.
const KEY = 'yt.member.token'
const SHAPE = /^ytm_[1-9][0-9]{0,17}_[1-9][0-9]{0,17}_[A-Za-z0-9_-]{43}$/

export function isMemberToken(t) {
  return typeof t === 'string' && SHAPE.test(t)
}

// Takes ?t= out of the fragment's query and the address bar; returns what the address carried: 'none' (no
// t), 'member' (a member token, now kept) or 'other' (something else in t: dropped, and any kept token too).
export function captureToken() {
  const hash = window.location.hash || ''
  const q = hash.indexOf('?')
  if (q < 0) return 'none'
  const params = new URLSearchParams(hash.slice(q + 1))
  if (!params.has('t')) return 'none'
  const t = params.get('t')
  params.delete('t')
  const rest = params.toString()
  const clean = hash.slice(0, q) + (rest ? '?' + rest : '')
  window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search + (clean || '#/'))
  if (isMemberToken(t)) {
    sessionStorage.setItem(KEY, t)
    return 'member'
  }
  clearToken()
  return 'other'
}

export function memberToken() {
  const t = sessionStorage.getItem(KEY)
  return isMemberToken(t) ? t : ''
}

export function clearToken() {
  sessionStorage.removeItem(KEY)
}
