// Fetch wrapper for /api/v1: bearer token, problem+json errors shown as messages, 401 sends to login, file downloads.
import { ElMessage } from 'element-plus'
import i18n from './i18n/index.js'
import { session, clearSession } from './session.js'

const BASE = '/api/v1'
let unauthorizedHandler = () => {}

export function onUnauthorized(fn) {
  unauthorizedHandler = fn
}

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`)
    this.status = status
    this.problem = problem || {}
  }
}

function buildUrl(path, query) {
  let url = BASE + path
  if (query) {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue
      if (Array.isArray(v)) v.forEach((x) => params.append(k, x))
      else params.append(k, String(v))
    }
    const qs = params.toString()
    if (qs) url += '?' + qs
  }
  return url
}

// The problem's kind (its type slug) and the field it names, in the reader's language; the server's own
// sentence follows as the detail.
function problemKind(problem, status) {
  const t = i18n.global.t, te = i18n.global.te
  const slug = String(problem.type || '').split('/').pop()
  return te(`problem.${slug}`) ? t(`problem.${slug}`) : `${t('common.requestFailed')} (HTTP ${status})`
}

function fieldLabel(field) {
  const t = i18n.global.t, te = i18n.global.te
  const base = String(field || '').replace(/\[\d+\].*$/, '').replace(/\..*$/, '')
  return te(`field.${base}`) ? t(`field.${base}`) : field
}

function describe(status, problem, retryAfter) {
  const t = i18n.global.t
  if (status === 429) return t('common.tooManyRequests', { s: retryAfter || '60' })
  const kind = problemKind(problem, status)
  const errors = Array.isArray(problem.errors) ? problem.errors.filter((e) => e && e.message) : []
  if (errors.length) {
    return `${kind}：` + errors.map((e) => (e.field ? `${fieldLabel(e.field)}（${e.message}）` : e.message)).join('；')
  }
  return problem.detail ? `${kind}：${problem.detail}` : kind
}

// The message shown for an ApiError (the same words as its toast), for showing it again inside a dialog.
export function errorText(err) {
  if (!(err instanceof ApiError)) return String((err && err.message) || err || '')
  if (err.status === 0) return i18n.global.t('common.networkError')
  return describe(err.status, err.problem)
}

// Turns a failed response into an ApiError: 401 clears the session, others show a message unless silent.
function failure(res, path, problem, opts) {
  if (res.status === 401 && path !== '/auth/login') {
    const hadSession = !!session.token
    clearSession()
    if (hadSession && !opts.silent) ElMessage.warning(i18n.global.t('common.sessionExpired'))
    unauthorizedHandler()
    return new ApiError(401, problem)
  }
  if (!opts.silent) ElMessage.error({ message: describe(res.status, problem, res.headers.get('Retry-After')), duration: 5000 })
  return new ApiError(res.status, problem)
}

function parseBody(text) {
  if (!text) return null
  try { return JSON.parse(text) } catch { return { detail: text.slice(0, 200) } }
}

async function send(method, path, opts, headers, init) {
  if (session.token) headers.Authorization = 'Bearer ' + session.token
  try {
    return await fetch(buildUrl(path, opts.query), { ...init, method, headers })
  } catch (e) {
    if (!opts.silent) ElMessage.error(i18n.global.t('common.networkError'))
    throw new ApiError(0, { detail: String(e) })
  }
}

// request(method, path, {query, body, silent}) -> parsed JSON (null for 204)
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json, application/problem+json' }
  const init = {}
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(opts.body)
  }
  const res = await send(method, path, opts, headers, init)
  const data = parseBody(res.status === 204 ? '' : await res.text())
  if (res.ok) return data
  throw failure(res, path, data || {}, opts)
}

// Offers a Blob to the browser as a file download.
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

// GETs path with the bearer token and saves the body as filename (errors shown like any other request).
export async function download(path, query, filename, opts = {}) {
  const res = await send('GET', path, { ...opts, query }, { Accept: '*/*' }, {})
  if (!res.ok) throw failure(res, path, parseBody(await res.text()) || {}, opts)
  const blob = await res.blob()
  saveBlob(blob, filename)
  return blob
}

export const api = {
  get: (path, query, opts = {}) => request('GET', path, { ...opts, query }),
  post: (path, body, opts = {}) => request('POST', path, { ...opts, body: body ?? {} }),
  patch: (path, body, opts = {}) => request('PATCH', path, { ...opts, body }),
  put: (path, body, opts = {}) => request('PUT', path, { ...opts, body }),
  del: (path, opts = {}) => request('DELETE', path, opts)
}

// Fetches every page of a cursor-paginated list (bounded by maxPages).
export async function getAll(path, query = {}, maxPages = 20) {
  const items = []
  let cursor = null
  for (let i = 0; i < maxPages; i++) {
    const page = await api.get(path, { ...query, limit: 200, cursor })
    items.push(...((page && page.items) || []))
    cursor = page && page.next_cursor
    if (!cursor) break
  }
  return items
}

export default api
