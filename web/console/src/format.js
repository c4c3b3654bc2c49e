// Display helpers: local date-times and money in fen.
export function formatTime(value) {
  if (!value) return ''
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return String(value)
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

export function formatFen(fen) {
  if (fen === null || fen === undefined) return ''
  return '¥' + (Number(fen) / 100).toFixed(2)
}

export function shortJson(obj, max = 160) {
  if (obj === null || obj === undefined) return ''
  const s = typeof obj === 'string' ? obj : JSON.stringify(obj)
  return s.length > max ? s.slice(0, max) + '…' : s
}
