// Links members pass on (a team's, an invitation) and copying them. A link is this page's address with a route
// in the fragment and nothing else: the member's own token lives in sessionStorage (token.js), never in the
// address, so it cannot travel with a link; whoever opens the link uses their own.
export function shareLink(path) {
  return `${window.location.origin}${window.location.pathname}#${path}`
}

// Copies text; true when it went to the clipboard. The Clipboard API first (secure pages), else a selected
// textarea and execCommand, which older in-app browsers still honour.
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text)
      return true
    }
  } catch {
    // refused (no permission, not focused): try the old way
  }
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.top = '-1000px'
  document.body.appendChild(area)
  area.select()
  let ok = false
  try {
    ok = document.execCommand('copy')
  } catch {
    ok = false
  }
  area.remove()
  return ok
}
