// Helpers of the mall and marketing pages: money between yuan (what staff type and read) and fen (what the API
// takes and answers), times for the API, the tag colours of states, the catalog's SKUs for pickers, and stopping
// an activity.
import { reactive } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { api, getAll } from './api.js'
import { formatFen } from './format.js'

// Stops an activity after a confirmation in red (texts under the i18n section ns: stop, stopConfirm, stopped):
// the activity as the API answers it, or null when staff cancelled or the API refused (its message shown).
export async function stopActivity(t, ns, name, path) {
  try {
    await ElMessageBox.confirm(t(ns + '.stopConfirm', { name }), t(ns + '.stop'), {
      type: 'warning', confirmButtonText: t(ns + '.stop'), cancelButtonText: t('common.cancel'), confirmButtonClass: 'el-button--danger'
    })
  } catch { return null }
  try {
    const stopped = await api.post(path, {})
    ElMessage.success(t(ns + '.stopped'))
    return stopped
  } catch { return null /* message already shown */ }
}

// Yuan typed with at most two decimals -> integer fen (rounded, so 19.99 is 1999, never 1998).
export function yuanToFen(yuan) {
  const n = Number(yuan)
  return Number.isFinite(n) ? Math.round(n * 100) : 0
}

// Integer fen -> yuan as a number for inputs and charts (exact enough for two decimals).
export function fenToYuan(fen) {
  const n = Number(fen)
  return Number.isFinite(n) ? n / 100 : 0
}

// A date from a picker (or a timestamp) -> RFC 3339 UTC for the API.
export function isoOf(value) {
  if (!value) return undefined
  const d = value instanceof Date ? value : new Date(value)
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString()
}

export const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'completed', 'released', 'cancelled', 'refunded']

const TAG_TYPES = {
  pending: 'warning', paid: 'success', shipped: 'primary', completed: 'success', released: 'info', cancelled: 'info',
  refunded: 'danger', running: 'success', upcoming: 'warning', over: 'info', stopped: 'danger', claimed: 'primary',
  active: 'success', open: 'warning', resolved: 'success', rejected: 'info', usable: 'success', used: 'info',
  expired: 'info', 'not-yet': 'warning', on: 'success', off: 'info', succeeded: 'success', failed: 'danger',
  formed: 'success', frozen: 'warning', reversed: 'info', disabled: 'danger', done: 'success', pending_payment: 'warning',
  settled_by_hand: 'success'
}

// Element Plus tag type for a state or status.
export function stateType(s) {
  return TAG_TYPES[s] || 'info'
}

const ORDER_KIND_TYPES = { flash: 'danger', points: 'warning', membership: 'success' }

// Element Plus tag type for an order's kind (normal, flash, group, points, membership).
export function orderKindType(kind) {
  return ORDER_KIND_TYPES[kind] || 'info'
}

// A conversion ratio (0..1) as a percentage with one decimal.
export function percent(ratio) {
  const n = Number(ratio)
  return Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : '—'
}

// The API path of each activity kind, whose GET {path}/{id}/stats answers its figures.
export const ACTIVITY_PATHS = { flash: 'flash-sales', coupon: 'coupons', lottery: 'lotteries', packet: 'red-packets' }

// Every product's SKUs (at most 1,000 products) for pickers and for naming a SKU by its id:
// {groups: [{id, label, options: [{value, label, price, stock}]}], byId: Map(sku id -> {product, sku})}.
export async function loadSkus() {
  const products = await getAll('/products', {}, 5)
  const byId = new Map()
  const groups = products.map((p) => ({
    id: p.id,
    label: p.name,
    options: p.skus.map((s) => {
      byId.set(s.id, { product: p, sku: s })
      return { value: s.id, label: `${p.name} · ${s.name}`, price: s.price, stock: s.stock }
    })
  }))
  return { groups, byId }
}

// A coupon's rule in words: 满100减10, 无门槛减5, 85折 (最多减20), 满200享9折.
export function couponRule(c, t) {
  if (!c) return ''
  if (c.kind === 'amount') {
    return c.threshold > 0 ? t('coupon.ruleAmount', { threshold: formatFen(c.threshold), off: formatFen(c.amount_off) })
      : t('coupon.ruleAmountFree', { off: formatFen(c.amount_off) })
  }
  const zhe = (100 - c.percent_off) / 10
  let s = c.threshold > 0 ? t('coupon.rulePercentAbove', { threshold: formatFen(c.threshold), zhe }) : t('coupon.rulePercent', { zhe })
  if (c.max_off > 0) s += t('coupon.ruleCap', { cap: formatFen(c.max_off) })
  return s
}

// Customers' names by id, for tables whose rows carry only ids (teams, commissions, withdrawals): each id is fetched
// once (GET /customers/{id}, a few at a time) and the names fill in as they come; an id that cannot be read stays "#id".
export const customerNames = reactive({})
const nameQueue = []
let nameWorkers = 0

export function wantNames(ids) {
  for (const id of ids) {
    if (!id || id in customerNames) continue
    customerNames[id] = null // asked for
    nameQueue.push(id)
  }
  while (nameWorkers < 4 && nameQueue.length) {
    nameWorkers++
    ;(async () => {
      try {
        for (let id = nameQueue.shift(); id; id = nameQueue.shift()) {
          try {
            const c = await api.get(`/customers/${id}`, null, { silent: true })
            customerNames[id] = (c && (c.name || c.nickname)) || ''
          } catch { /* shown by its id */ }
        }
      } finally {
        nameWorkers--
      }
    })()
  }
}

// A customer's name for a table cell: the name once known, "#id" until then.
export function customerName(id) {
  return customerNames[id] || `#${id}`
}

// A commission rate in its unit: 10%, 25‰.
export function rateText(rate, unit) {
  return `${rate}${unit === 'permille' ? '‰' : '%'}`
}
