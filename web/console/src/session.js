// Signed-in user state: token, staff profile and permissions, kept in localStorage.
import { reactive } from 'vue'

const TOKEN_KEY = 'yt.token'
const USER_KEY = 'yt.user'

function readUser() {
  try { return JSON.parse(localStorage.getItem(USER_KEY) || 'null') } catch { return null }
}

export const session = reactive({
  token: localStorage.getItem(TOKEN_KEY) || '',
  user: readUser(),
  permissions: [],
  permissionsLoaded: false
})

export function setSession(token, user) {
  session.token = token
  session.user = user
  localStorage.setItem(TOKEN_KEY, token)
  localStorage.setItem(USER_KEY, JSON.stringify(user))
}

export function setPermissions(perms) {
  session.permissions = Array.isArray(perms) ? perms : []
  session.permissionsLoaded = Array.isArray(perms)
}

export function clearSession() {
  session.token = ''
  session.user = null
  session.permissions = []
  session.permissionsLoaded = false
  localStorage.removeItem(TOKEN_KEY)
  localStorage.removeItem(USER_KEY)
}

// True when the user holds perm; optimistic until /me has answered (the server enforces it anyway).
export function can(perm) {
  return !session.permissionsLoaded || session.permissions.includes(perm)
}
