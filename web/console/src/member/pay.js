// WeChat Pay (JSAPI) for the member pages: the server's pay parameters for an order, handed to WeixinJSBridge
// (waited for inside WeChat until WeixinJSBridgeReady), and the order read again until WeChat Pay's notification
// to the server has recorded the payment. The page never records a payment itself: "ok" from the bridge only
// means the member finished in WeChat's own sheet. One payment at a time, its state in `payFlow`, shown by the
// one PayDialog in the app's frame (so a page may drop its 去支付 button the moment the order is paid).
import { reactive } from 'vue'
import { showToast } from 'vant'
import { post, get, MemberApiError } from './api.js'
import i18n from './i18n.js'

const READY_WAIT_MS = 5000 // inside WeChat, how long to wait for the bridge to come up
export const POLL_MS = 1500
export const POLL_FOR_MS = 60000 // then 暂未查询到支付结果, with a way to look again
export const PAID_STATES = ['paid', 'shipped', 'completed']

export const inWechat = () => /MicroMessenger/i.test(navigator.userAgent || '')

function bridgeNow() {
  const b = window.WeixinJSBridge
  return b && typeof b.invoke === 'function' ? b : null
}

// The bridge: at once when it is there, after WeixinJSBridgeReady when the page is in WeChat and it is not up
// yet, null outside WeChat (or when it never comes).
export function wechatBridge(waitMs = READY_WAIT_MS) {
  const b = bridgeNow()
  if (b || !inWechat()) return Promise.resolve(b)
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      document.removeEventListener('WeixinJSBridgeReady', done)
      resolve(bridgeNow())
    }
    const timer = setTimeout(done, waitMs)
    document.addEventListener('WeixinJSBridgeReady', done, false)
  })
}

// Opens WeChat's pay sheet with the server's parameters, as they are; resolves with 'ok', 'cancel' or 'fail'
// and what WeChat said.
export function invokePay(bridge, params) {
  return new Promise((resolve) => {
    try {
      bridge.invoke('getBrandWCPayRequest', params, (res) => {
        const msg = String((res && (res.err_msg || res.errMsg)) || '')
        const outcome = /:ok$/i.test(msg) ? 'ok' : /:cancel$/i.test(msg) ? 'cancel' : 'fail'
        resolve({ outcome, msg, desc: String((res && res.err_desc) || '') })
      })
    } catch (e) {
      resolve({ outcome: 'fail', msg: String(e), desc: '' })
    }
  })
}

export const prepay = (orderId) => post(`/member/orders/${orderId}/wechatpay`)
export const readOrder = (orderId) => get(`/member/orders/${orderId}`)

// What a refused prepay means for the member: the key of the text (pay.error.<key>) and whether the server's
// detail says more (shown under it, small).
export function prepayRefusal(err) {
  if (!(err instanceof MemberApiError)) return { key: 'generic', detail: '' }
  const detail = String((err.problem && err.problem.detail) || '')
  switch (err.status) {
    case 0:
      return { key: 'network', detail: '' }
    case 404: // no merchant settings (the problem's type ends in payments-off), or the order is not the member's
      return /payments-off$/.test(String((err.problem && err.problem.type) || '')) ? { key: 'notSetUp', detail: '' } : { key: 'missing', detail: '' }
    case 422:
      return err.field === 'openid' ? { key: 'openid', detail } : { key: 'generic', detail }
    case 409:
      return { key: /passed/i.test(detail) ? 'expired' : 'status', detail }
    case 429:
      return { key: 'busy', detail: '' }
    case 502:
      return { key: 'upstream', detail }
    default:
      return { key: 'generic', detail }
  }
}

// The payment under way: the dialog's phase (idle, confirming, paid, timeout, notice), the order, what it
// cost, the notice's key and the server's detail, and the order whose button waits (busy).
export const payFlow = reactive({ open: false, phase: 'idle', orderId: null, total: 0, key: '', detail: '', busy: null })
let hooks = {}
let timer = 0
let until = 0

function notice(key, detail = '') {
  Object.assign(payFlow, { key, detail, phase: 'notice', open: true })
}

// 去支付 for an order: onPaid(order) once the server has the payment, onChanged() when the order should be read
// again (no longer payable, or the member stopped waiting).
export async function startPay(orderId, { total = 0, onPaid, onChanged } = {}) {
  if (payFlow.busy !== null || payFlow.open) return
  stopFollowing()
  hooks = { onPaid, onChanged }
  Object.assign(payFlow, { orderId, total, key: '', detail: '', phase: 'idle', busy: orderId })
  try {
    let answer
    try {
      answer = await prepay(orderId)
    } catch (e) {
      const r = prepayRefusal(e)
      notice(r.key, r.detail)
      if (['status', 'expired', 'missing'].includes(r.key)) call('onChanged')
      return
    }
    const bridge = await wechatBridge()
    if (!bridge) {
      notice('outside')
      return
    }
    const res = await invokePay(bridge, answer.pay_params)
    if (res.outcome === 'ok') follow(answer.total || total)
    else if (res.outcome === 'cancel') showToast({ message: i18n.global.t('pay.cancelled'), className: 'pay-cancelled' })
    else notice('failed', res.desc || res.msg)
  } finally {
    payFlow.busy = null
  }
}

function call(name, ...args) {
  const fn = hooks[name]
  if (typeof fn === 'function') {
    try {
      fn(...args)
    } catch {
      // the page that asked may be gone
    }
  }
}

// WeChat's sheet said ok: the payment is the server's to record, so read the order until it has
function follow(total) {
  Object.assign(payFlow, { total, phase: 'confirming', open: true })
  until = Date.now() + POLL_FOR_MS
  check()
}
async function check() {
  clearTimeout(timer)
  if (payFlow.phase !== 'confirming') return
  const id = payFlow.orderId
  try {
    const o = await readOrder(id)
    if (payFlow.phase !== 'confirming' || payFlow.orderId !== id) return
    if (PAID_STATES.includes(o.status)) {
      Object.assign(payFlow, { total: o.total, phase: 'paid' })
      call('onPaid', o)
      return
    }
    if (o.status !== 'pending') {
      notice('closed')
      call('onChanged')
      return
    }
  } catch {
    // a read that failed: the next one may not
  }
  if (payFlow.phase !== 'confirming') return
  if (Date.now() >= until) {
    payFlow.phase = 'timeout'
    return
  }
  timer = setTimeout(check, POLL_MS)
}

export function lookAgain() {
  payFlow.phase = 'confirming'
  until = Date.now() + POLL_FOR_MS
  check()
}

function stopFollowing() {
  clearTimeout(timer)
  timer = 0
}

// the dialog closed (or the member left the page): stop reading; a page left waiting reads its order again
export function closePay() {
  stopFollowing()
  if (payFlow.phase === 'confirming' || payFlow.phase === 'timeout') call('onChanged')
  hooks = {}
  Object.assign(payFlow, { open: false, phase: 'idle' })
}
