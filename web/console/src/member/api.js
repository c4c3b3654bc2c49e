// Fetch wrapper for the member pages: the member's own link token as the bearer, problem+json turned into
// Chinese messages, and a refused token (401, or 403 on a member route) ends the visit on the expired-link page.
import { memberToken, clearToken } from './token.js'
import i18n from './i18n.js'

const BASE = '/api/v1'
let expiredHandler = () => {}

export function onExpired(fn) {
  expiredHandler = fn
}

export class MemberApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`)
    this.status = status
    this.problem = problem || {}
    this.slug = String(this.problem.type || '').split('/').pop()
    this.field = Array.isArray(this.problem.errors) && this.problem.errors[0] ? this.problem.errors[0].field : null
  }
}

function expired(status, problem) {
  clearToken()
  expiredHandler()
  return new MemberApiError(status, problem)
}

async function call(method, path, { query, body } = {}) {
  const token = memberToken()
  if (!token) throw expired(401, null) // never call without a member's token
  let url = BASE + path
  if (query) {
    const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString()
    if (qs) url += '?' + qs
  }
  const headers = { Accept: 'application/json, application/problem+json', Authorization: 'Bearer ' + token }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  let res
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' })
  } catch (e) {
    throw new MemberApiError(0, { detail: String(e) })
  }
  const text = await res.text()
  let json = null
  try { json = text ? JSON.parse(text) : null } catch { json = null }
  if (res.status === 401 || res.status === 403) throw expired(res.status, json)
  if (!res.ok) throw new MemberApiError(res.status, json)
  return json
}

export const get = (path, query) => call('GET', path, { query })
export const post = (path, body = {}) => call('POST', path, { body })

// What went wrong, in the member's words: by the problem's kind (its type slug), or the kind with the field
// it names when that says more (a check-in conflict on "day" or on "points"). A page may name its own texts
// (scope: `<scope>.error.<kind>_<field>`, then `<scope>.error.<kind>`), which come first: a coupon's
// limit-reached is not a flash sale's.
export function errorText(err, scope) {
  const t = i18n.global.t, te = i18n.global.te
  if (!(err instanceof MemberApiError)) return t('error.generic')
  if (err.status === 0) return t('error.network')
  const keys = []
  if (scope) {
    if (err.field) keys.push(`${scope}.error.${err.slug}_${err.field}`)
    keys.push(`${scope}.error.${err.slug}`)
  }
  if (err.field) keys.push(`error.field.${err.slug}_${err.field}`)
  keys.push(`error.kind.${err.slug}`)
  const key = keys.find((k) => te(k))
  return key ? t(key) : t('error.generic')
}
