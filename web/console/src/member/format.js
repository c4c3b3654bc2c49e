// Money, times and the brand's calendar (Asia/Shanghai) for the member pages.
export const BRAND_TZ = 'Asia/Shanghai'

export function yuan(fen) {
  const n = Number(fen) || 0
  return (n / 100).toFixed(2)
}

// Yuan without trailing zeros, for a coupon's face: 10000 → "100", 1990 → "19.9".
export function yuanShort(fen) {
  return yuan(fen).replace(/\.?0+$/, '')
}

// A percent-off coupon as 折: percent_off is the share taken off, so 15 → "8.5", 10 → "9".
export function zhe(percentOff) {
  const tenths = 100 - (Number(percentOff) || 0)
  return tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1)
}

function parts(iso, withTime) {
  if (!iso) return null
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return null
  const opts = { timeZone: BRAND_TZ, year: 'numeric', month: '2-digit', day: '2-digit', hourCycle: 'h23' }
  if (withTime) Object.assign(opts, { hour: '2-digit', minute: '2-digit' })
  const out = {}
  for (const p of new Intl.DateTimeFormat('en-GB', opts).formatToParts(d)) out[p.type] = p.value
  return out
}

export function dateText(iso) {
  const p = parts(iso, false)
  return p ? `${p.year}-${p.month}-${p.day}` : ''
}

export function dateTimeText(iso) {
  const p = parts(iso, true)
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` : ''
}

export function timeText(iso) {
  const p = parts(iso, true)
  return p ? `${p.hour}:${p.minute}` : ''
}

// HH:mm for a time today, MM-DD HH:mm otherwise (brand calendar).
export function shortTimeText(iso) {
  const p = parts(iso, true)
  if (!p) return ''
  return dateText(iso) === dateText(new Date().toISOString()) ? `${p.hour}:${p.minute}` : `${p.month}-${p.day} ${p.hour}:${p.minute}`
}

// A calendar day "YYYY-MM-DD" as numbers, its weekday (0 Sunday) and the days of its month.
export function dayParts(day) {
  const [y, m, d] = day.split('-').map(Number)
  return { y, m, d }
}
export function weekday(y, m, d) {
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay()
}
export function daysInMonth(y, m) {
  return new Date(Date.UTC(y, m, 0)).getUTCDate()
}
export function dayKey(y, m, d) {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}
// Whole days from a to b ("YYYY-MM-DD"), b - a.
export function daysBetween(a, b) {
  const pa = dayParts(a), pb = dayParts(b)
  return Math.round((Date.UTC(pb.y, pb.m - 1, pb.d) - Date.UTC(pa.y, pa.m - 1, pa.d)) / 86400000)
}
export function shiftMonth(month, by) {
  const [y, m] = month.split('-').map(Number)
  const i = y * 12 + (m - 1) + by
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`
}

// A duration in ms as {days, hh, mm, ss} (two-digit strings for the clock part).
export function clockParts(ms) {
  const s = Math.max(0, Math.floor(ms / 1000))
  const two = (n) => String(n).padStart(2, '0')
  return { days: Math.floor(s / 86400), hh: two(Math.floor((s % 86400) / 3600)), mm: two(Math.floor((s % 3600) / 60)), ss: two(s % 60) }
}

// Yuan as typed ("12", "12.5", "12.50") to integer fen without floating point: 1250. null for anything else
// (a sign, a third decimal, letters, an empty string).
export function fenFromYuan(text) {
  const m = /^(\d{1,9})(?:\.(\d{0,2}))?$/.exec(String(text == null ? '' : text).trim())
  if (!m) return null
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'))
}

// A rate as a percentage for members: 10 percent → "10%", 55 per mille → "5.5%".
export function rateText(rate, unit) {
  const pct = unit === 'permille' ? (Number(rate) || 0) / 10 : Number(rate) || 0
  return `${Number.isInteger(pct) ? pct : pct.toFixed(1).replace(/\.0$/, '')}%`
}
