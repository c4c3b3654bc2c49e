// Display helpers: date-times in the brand's zone (Asia/Shanghai; the server stores UTC) and money in fen.
export const BRAND_TIME_ZONE = 'Asia/Shanghai'

const timeFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: BRAND_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
})

export function formatTime(value) {
  if (!value) return ''
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return String(value)
  const parts = Object.fromEntries(timeFormat.formatToParts(d).map((x) => [x.type, x.value]))
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`
}

// Money is integer fen: yuan and fen are split with integer arithmetic, never through a float.
export function formatFen(fen) {
  if (fen === null || fen === undefined || fen === '') return ''
  const v = BigInt(Math.trunc(Number(fen)))
  const neg = v < 0n
  const a = neg ? -v : v
  const yuan = (a / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const cents = (a % 100n).toString().padStart(2, '0')
  return `${neg ? '-' : ''}¥${yuan}.${cents}`
}

export function shortJson(obj, max = 160) {
  if (obj === null || obj === undefined) return ''
  const s = typeof obj === 'string' ? obj : JSON.stringify(obj)
  return s.length > max ? s.slice(0, max) + '…' : s
}
