// The segment language on the console side: the attributes a segment may name and the value each takes, the
// builder's tree written as the JSON form, a reader of the text form back into that tree (so saved segments open
// in the visual builder), code-point offsets of the server's 422 problems mapped onto the text, and the server's
// messages said in the reader's language.
import { CONSENTS, GENDERS, STAGES } from './domain.js'

// The eight RFM groups as the server names them, with the key of their translation.
export const RFM_GROUPS = [
  { name: '重要价值客户', key: 'champions' },
  { name: '重要发展客户', key: 'promising' },
  { name: '重要保持客户', key: 'needAttention' },
  { name: '重要挽留客户', key: 'cannotLose' },
  { name: '一般价值客户', key: 'loyal' },
  { name: '一般发展客户', key: 'newcomers' },
  { name: '一般保持客户', key: 'aboutToSleep' },
  { name: '一般挽留客户', key: 'lost' }
]
export function rfmGroupKey(name) {
  const g = RFM_GROUPS.find((x) => x.name === name)
  return g ? g.key : null
}

// The event types the server records (segment_entered and segment_exited it writes itself).
export const EVENT_TYPES = ['order_paid', 'order_refunded', 'page_viewed', 'message_sent', 'contact_added',
  'contact_removed', 'group_joined', 'group_left', 'form_submitted', 'coupon_redeemed', 'checkin',
  'segment_entered', 'segment_exited']

// kind: what a value is. tag | store | owner | text | enum | int | money (fen, typed in yuan) | percent (0..1,
// typed as %) | decimal | score (1..5) | day | rfm_group | count
export const ATTRIBUTES = [
  { name: 'tag', kind: 'tag', group: 'profile' },
  { name: 'store', kind: 'store', group: 'profile' },
  { name: 'owner', kind: 'owner', group: 'profile' },
  { name: 'city', kind: 'text', group: 'profile' },
  { name: 'gender', kind: 'enum', group: 'profile', values: GENDERS, label: 'gender' },
  { name: 'consent', kind: 'enum', group: 'profile', values: CONSENTS, label: 'consentState' },
  { name: 'lifecycle', kind: 'enum', group: 'profile', values: STAGES, label: 'stage' },
  { name: 'member_level', kind: 'int', group: 'profile' },
  { name: 'points', kind: 'int', group: 'profile' },
  { name: 'paid_level', kind: 'int', group: 'profile' },
  { name: 'paid_until', kind: 'day', group: 'profile' },
  { name: 'created', kind: 'day', group: 'profile' },
  { name: 'spend', kind: 'money', group: 'orders' },
  { name: 'spend_30d', kind: 'money', group: 'orders' },
  { name: 'spend_90d', kind: 'money', group: 'orders' },
  { name: 'spend_365d', kind: 'money', group: 'orders' },
  { name: 'orders', kind: 'int', group: 'orders' },
  { name: 'orders_30d', kind: 'int', group: 'orders' },
  { name: 'orders_90d', kind: 'int', group: 'orders' },
  { name: 'orders_365d', kind: 'int', group: 'orders' },
  { name: 'first_order', kind: 'day', group: 'orders' },
  { name: 'last_order', kind: 'day', group: 'orders' },
  { name: 'last_seen', kind: 'day', group: 'activity' },
  { name: 'count', kind: 'count', group: 'activity' },
  { name: 'rfm_group', kind: 'rfm_group', group: 'model' },
  { name: 'rfm_r', kind: 'score', group: 'model' },
  { name: 'rfm_f', kind: 'score', group: 'model' },
  { name: 'rfm_m', kind: 'score', group: 'model' },
  { name: 'p_alive', kind: 'percent', group: 'model' },
  { name: 'expected_orders_90d', kind: 'decimal', group: 'model' },
  { name: 'value_90d', kind: 'money', group: 'model' }
]
export const ATTRIBUTE_GROUPS = ['profile', 'orders', 'activity', 'model']
const BY_NAME = Object.fromEntries(ATTRIBUTES.map((a) => [a.name, a]))
export function attribute(name) {
  return BY_NAME[name] || null
}

const NUMERIC_OPS = ['=', '!=', '>', '>=', '<', '<=', 'between']
const CATEGORY_OPS = ['=', '!=', 'in']
export function operatorsFor(kind) {
  switch (kind) {
    case 'tag': return ['has', 'has_not', 'any', 'all']
    case 'store': case 'owner': case 'text': case 'enum': case 'rfm_group': return CATEGORY_OPS
    case 'day': return ['within', 'before', 'after', 'between', '=']
    case 'count': return ['>=', '>', '=', '<', '<=', '!=']
    default: return NUMERIC_OPS
  }
}
// Operators whose value is a list.
export function isListOp(op) {
  return op === 'in' || op === 'any' || op === 'all'
}

let uidSeq = 0
const uid = () => `n${++uidSeq}`

export function newCondition(attr = '') {
  const a = attribute(attr)
  const op = a ? operatorsFor(a.kind)[0] : ''
  return {
    uid: uid(), type: 'cond', attr, op, negate: false, value: '', value2: '', values: [],
    within: '30', unit: 'd', event: 'page_viewed'
  }
}
export function newGroup(op = 'and', items) {
  return { uid: uid(), type: 'group', op, negate: false, items: items || [newCondition()] }
}

// Money typed in yuan ("300", "12.5", "¥1,000.00") to integer fen, exactly (no float); null when not money.
export function yuanToFen(s) {
  const m = String(s ?? '').trim().replace(/^¥/, '').replace(/,/g, '').match(/^(-?)(\d+)(?:\.(\d{0,2}))?$/)
  if (!m) return null
  const fen = Number(m[2]) * 100 + Number((m[3] || '').padEnd(2, '0') || 0)
  if (!Number.isSafeInteger(fen)) return null
  return m[1] ? -fen : fen
}
// Fen to a yuan string without grouping, as typed into the builder ("300", "12.50").
export function fenToYuan(fen) {
  const v = Math.trunc(Number(fen))
  const a = Math.abs(v)
  const cents = a % 100
  return `${v < 0 ? '-' : ''}${Math.floor(a / 100)}${cents ? '.' + String(cents).padStart(2, '0') : ''}`
}

function plainNumber(s, { integer = false, min = -Infinity, max = Infinity } = {}) {
  const t = String(s ?? '').trim()
  if (!(integer ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/).test(t)) return null
  const v = Number(t)
  return Number.isFinite(v) && v >= min && v <= max ? v : null
}

// The number a typed value stands for in the JSON form, or null while it is incomplete or wrong.
export function valueNumber(kind, s) {
  switch (kind) {
    case 'money': return yuanToFen(s)
    case 'int': return plainNumber(s, { integer: true })
    case 'score': return plainNumber(s, { integer: true, min: 1, max: 5 })
    case 'percent': {
      const v = plainNumber(s, { min: 0, max: 100 })
      return v === null ? null : Math.round(v * 100) / 10000
    }
    default: return plainNumber(s)
  }
}
// The typed form of a number from the JSON form (the reverse of valueNumber).
function typedNumber(kind, v) {
  if (typeof v !== 'number') return null
  if (kind === 'money') return Number.isInteger(v) ? fenToYuan(v) : null
  if (kind === 'percent') return String(Math.round(v * 1000000) / 10000)
  if ((kind === 'int' || kind === 'score') && !Number.isInteger(v)) return null
  return String(v)
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/

// One condition row as a JSON node, or null while incomplete. Problems a row can name itself are in .problem.
export function conditionNode(c) {
  const a = attribute(c.attr)
  if (!a || !c.op) return null
  let node = null
  const list = (c.values || []).map((v) => String(v).trim()).filter(Boolean)
  switch (a.kind) {
    case 'tag': {
      if (c.op === 'any' || c.op === 'all') {
        if (list.length) node = { [c.op === 'any' ? 'any_tag' : 'all_tags']: list }
      } else if (String(c.value).trim()) {
        node = { tag: String(c.value).trim() }
        if (c.op === 'has_not') node = { not: node }
      }
      break
    }
    case 'store': case 'owner': case 'text': case 'enum': case 'rfm_group': {
      if (c.op === 'in') { if (list.length) node = { attr: a.name, in: list } }
      else if (String(c.value).trim()) node = { attr: a.name, op: c.op, value: String(c.value).trim() }
      break
    }
    case 'day': {
      if (c.op === 'within') {
        const n = plainNumber(c.within, { integer: true, min: 1 })
        if (n !== null) node = { attr: a.name, within: `${n}${c.unit === 'w' ? 'w' : 'd'}` }
      } else if (c.op === 'before' || c.op === 'after') {
        if (DATE_RE.test(c.value || '')) node = { attr: a.name, [c.op]: c.value }
      } else if (c.op === 'between') {
        if (DATE_RE.test(c.value || '') && DATE_RE.test(c.value2 || '')) {
          node = { attr: a.name, between: [{ date: c.value }, { date: c.value2 }] }
        }
      } else if (DATE_RE.test(c.value || '')) node = { attr: a.name, op: c.op, value: { date: c.value } }
      break
    }
    case 'count': {
      const n = plainNumber(c.value, { integer: true, min: 0 })
      const w = plainNumber(c.within, { integer: true, min: 1 })
      const ev = String(c.event || '').trim()
      if (n !== null && w !== null && ev) {
        node = { count: { event: ev, window: `${w}${c.unit === 'w' ? 'w' : 'd'}` }, op: c.op, value: n }
      }
      break
    }
    default: {
      if (c.op === 'between') {
        const lo = valueNumber(a.kind, c.value), hi = valueNumber(a.kind, c.value2)
        if (lo !== null && hi !== null) node = { attr: a.name, between: [lo, hi] }
      } else {
        const v = valueNumber(a.kind, c.value)
        if (v !== null) node = { attr: a.name, op: c.op, value: v }
      }
    }
  }
  if (node && c.negate) node = { not: node }
  return node
}

// True when a row has something typed that is not a valid value (shown on the row, not sent).
export function conditionInvalid(c) {
  const a = attribute(c.attr)
  if (!a || conditionNode(c)) return false
  const typed = [c.value, c.value2].map((v) => String(v ?? '').trim()).filter(Boolean)
  if (['int', 'money', 'percent', 'decimal', 'score'].includes(a.kind)) {
    return typed.some((v) => valueNumber(a.kind, v) === null)
  }
  if (a.kind === 'count') return typed.some((v) => plainNumber(v, { integer: true, min: 0 }) === null)
  return false
}

// The builder's tree as the JSON form: groups of one collapse, incomplete rows are left out. paths maps each
// row's and group's uid to its place in the JSON (such as "and[1].not"), for the server's 422 "path".
export function treeToJson(group) {
  const join = (a, b) => (a && b ? `${a}.${b}` : a || b)
  function walk(n) {
    if (n.type === 'cond') {
      const node = conditionNode(n)
      return node ? { node, entries: [[n.uid, '']] } : null
    }
    const built = n.items.map(walk).filter(Boolean)
    if (!built.length) return null
    let node, entries
    if (built.length === 1) {
      node = built[0].node
      entries = built[0].entries
    } else {
      node = { [n.op]: built.map((b) => b.node) }
      entries = built.flatMap((b, i) => b.entries.map(([u, p]) => [u, join(`${n.op}[${i}]`, p)]))
    }
    if (n.negate) {
      node = { not: node }
      entries = entries.map(([u, p]) => [u, join('not', p)])
    }
    return { node, entries: [[n.uid, ''], ...entries] }
  }
  const r = walk(group)
  return { json: r ? r.node : null, paths: r ? r.entries : [] }
}

// The row or group a JSON-form problem path points into: the longest path that leads to it (rows before
// the groups around them).
export function uidForPath(paths, problemPath) {
  let best = null, bestLen = -1
  for (const [uid, p] of paths) {
    const hit = p === '' || problemPath === p || problemPath.startsWith(p + '.') || problemPath.startsWith(p + '[')
    if (hit && p.length >= bestLen) { best = uid; bestLen = p.length }
  }
  return best
}

// ---- The text form read back into the JSON form (only so the visual builder can show it; the server judges).

function tokenize(text) {
  const out = []
  let i = 0
  while (i < text.length) {
    const ch = text[i]
    if (/\s/.test(ch)) { i++; continue }
    if (ch === '"') {
      let s = '', j = i + 1, closed = false
      while (j < text.length) {
        const c = text[j]
        if (c === '"') { closed = true; j++; break }
        if (c === '\\') {
          const e = text[j + 1]
          if (e === 'n') s += '\n'
          else if (e === 't') s += '\t'
          else if (e === 'u') {
            const hex = text.slice(j + 2, j + 6)
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) return null
            s += String.fromCharCode(parseInt(hex, 16))
            j += 6
            continue
          } else if (e === '"' || e === '\\' || e === '/') s += e
          else return null
          j += 2
          continue
        }
        s += c
        j++
      }
      if (!closed) return null
      out.push({ k: 'str', v: s })
      i = j
      continue
    }
    let m = text.slice(i).match(/^(\d{4}-\d{2}-\d{2})(?![\w.-])/)
    if (m) { out.push({ k: 'date', v: m[1] }); i += m[0].length; continue }
    m = text.slice(i).match(/^(\d+)([dw])(?![\w.])/)
    if (m) { out.push({ k: 'win', v: m[0] }); i += m[0].length; continue }
    m = text.slice(i).match(/^-?\d+(\.\d+)?(?![\w.])/)
    if (m) { out.push({ k: 'num', v: Number(m[0]) }); i += m[0].length; continue }
    m = text.slice(i).match(/^[A-Za-z_][A-Za-z0-9_.]*/)
    if (m) { out.push({ k: 'word', v: m[0] }); i += m[0].length; continue }
    m = text.slice(i).match(/^(!=|<=|>=|=|<|>)/)
    if (m) { out.push({ k: 'op', v: m[0] }); i += m[0].length; continue }
    if ('()[],'.includes(ch)) { out.push({ k: ch }); i++; continue }
    return null
  }
  return out
}

// The JSON form of a segment text, or null when the console cannot read it (the server may still).
export function textToJson(text) {
  const toks = tokenize(text)
  if (!toks || !toks.length) return null
  let p = 0
  const peek = () => toks[p]
  const isWord = (w) => peek() && peek().k === 'word' && peek().v === w
  const expect = (k) => { if (!peek() || peek().k !== k) throw new Error(k); return toks[p++] }
  function value() {
    const t = toks[p++]
    if (!t) throw new Error('value')
    if (t.k === 'str' || t.k === 'num') return t.v
    if (t.k === 'date') return { date: t.v }
    throw new Error('value')
  }
  function list() {
    expect('[')
    const vals = [value()]
    while (peek() && peek().k === ',') { p++; vals.push(value()) }
    expect(']')
    return vals
  }
  function cond() {
    const t = peek()
    if (!t || t.k !== 'word') throw new Error('cond')
    if (t.v === 'any_tag' || t.v === 'all_tags') { p++; return { [t.v]: list() } }
    if (t.v === 'count' && toks[p + 1] && toks[p + 1].k === '(') {
      p += 2
      const ev = toks[p++]
      if (!ev || (ev.k !== 'word' && ev.k !== 'str')) throw new Error('event')
      expect(',')
      const w = expect('win').v
      expect(')')
      const op = expect('op').v
      return { count: { event: ev.v, window: w }, op, value: value() }
    }
    p++
    const attr = t.v
    const o = peek()
    if (!o) throw new Error('op')
    if (o.k === 'op') { p++; return attr === 'tag' && o.v === '=' ? { tag: value() } : { attr, op: o.v, value: value() } }
    if (o.k !== 'word') throw new Error('op')
    p++
    switch (o.v) {
      case 'in': return { attr, in: list() }
      case 'between': { const a = value(); if (!isWord('and')) throw new Error('and'); p++; return { attr, between: [a, value()] } }
      case 'within': return { attr, within: expect('win').v }
      case 'before': case 'after': return { attr, [o.v]: expect('date').v }
      default: throw new Error('op')
    }
  }
  function unary() {
    if (isWord('not')) { p++; return { not: unary() } }
    if (peek() && peek().k === '(') { p++; const e = orExpr(); expect(')'); return e }
    return cond()
  }
  function andExpr() {
    const items = [unary()]
    while (isWord('and')) { p++; items.push(unary()) }
    return items.length === 1 ? items[0] : { and: items }
  }
  function orExpr() {
    const items = [andExpr()]
    while (isWord('or')) { p++; items.push(andExpr()) }
    return items.length === 1 ? items[0] : { or: items }
  }
  try {
    const e = orExpr()
    return p === toks.length ? e : null
  } catch {
    return null
  }
}

const dateOf = (v) => (v && typeof v === 'object' && DATE_RE.test(v.date || '') ? v.date : typeof v === 'string' && DATE_RE.test(v) ? v : null)

// One JSON condition as a builder row, or null when the builder has no row for it.
function jsonToCondition(j, negate = false) {
  const c = newCondition()
  c.negate = negate
  const fill = (attr, op) => { c.attr = attr; c.op = op; return c }
  if ('tag' in j && Object.keys(j).length === 1) {
    if (typeof j.tag !== 'string') return null
    fill('tag', negate ? 'has_not' : 'has')
    c.negate = false
    c.value = j.tag
    return c
  }
  for (const k of ['any_tag', 'all_tags']) {
    if (k in j) {
      if (!Array.isArray(j[k]) || !j[k].every((x) => typeof x === 'string')) return null
      fill('tag', k === 'any_tag' ? 'any' : 'all')
      c.values = j[k].slice()
      return c
    }
  }
  if (j.count) {
    const w = String(j.count.window || '').match(/^(\d+)([dw])$/)
    if (!w || typeof j.value !== 'number') return null
    fill('count', j.op)
    Object.assign(c, { event: j.count.event, within: w[1], unit: w[2], value: String(j.value) })
    return operatorsFor('count').includes(j.op) ? c : null
  }
  const a = attribute(j.attr)
  if (!a || a.kind === 'count') return null
  if (a.kind === 'tag') {
    if (j.op === '=' || j.op === '!=') {
      if (typeof j.value !== 'string') return null
      const neg = (j.op === '!=') !== negate
      fill('tag', neg ? 'has_not' : 'has')
      c.negate = false
      c.value = j.value
      return c
    }
    if (Array.isArray(j.in)) { fill('tag', 'any'); c.values = j.in.map(String); return c }
    return null
  }
  if (['store', 'owner', 'text', 'enum', 'rfm_group'].includes(a.kind)) {
    if (Array.isArray(j.in) && j.in.every((x) => typeof x === 'string')) { fill(a.name, 'in'); c.values = j.in.slice(); return c }
    if ((j.op === '=' || j.op === '!=') && typeof j.value === 'string') { fill(a.name, j.op); c.value = j.value; return c }
    return null
  }
  if (a.kind === 'day') {
    if (j.within) {
      const w = String(j.within).match(/^(\d+)([dw])$/)
      if (!w) return null
      fill(a.name, 'within')
      c.within = w[1]
      c.unit = w[2]
      return c
    }
    for (const k of ['before', 'after']) {
      if (k in j) { const d = dateOf(j[k]); if (!d) return null; fill(a.name, k); c.value = d; return c }
    }
    if (Array.isArray(j.between)) {
      const lo = dateOf(j.between[0]), hi = dateOf(j.between[1])
      if (!lo || !hi) return null
      fill(a.name, 'between')
      c.value = lo
      c.value2 = hi
      return c
    }
    if (j.op === '=') { const d = dateOf(j.value); if (!d) return null; fill(a.name, '='); c.value = d; return c }
    return null
  }
  if (Array.isArray(j.between)) {
    const lo = typedNumber(a.kind, j.between[0]), hi = typedNumber(a.kind, j.between[1])
    if (lo === null || hi === null) return null
    fill(a.name, 'between')
    c.value = lo
    c.value2 = hi
    return c
  }
  if (NUMERIC_OPS.includes(j.op)) {
    const v = typedNumber(a.kind, j.value)
    if (v === null) return null
    fill(a.name, j.op)
    c.value = v
    return c
  }
  return null
}

// The JSON form as the builder's tree (the root is always a group), or null when it does not fit the builder.
export function jsonToTree(j) {
  function node(x, negate = false) {
    if (!x || typeof x !== 'object') return null
    if (x.not) return node(x.not, !negate)
    if (x.and || x.or) {
      const op = x.and ? 'and' : 'or'
      const items = (x[op] || []).map((y) => node(y))
      if (!items.length || items.some((y) => !y)) return null
      const g = newGroup(op, items)
      g.negate = negate
      return g
    }
    return jsonToCondition(x, negate)
  }
  const n = node(j)
  if (!n) return null
  return n.type === 'group' ? n : newGroup('and', [n])
}

// ---- 422 problems on the text form.

// The UTF-16 index of a code-point offset in text (the server counts code points).
export function codePointIndex(text, cp) {
  let i = 0
  for (let n = 0; n < cp && i < text.length; n++) {
    const c = text.charCodeAt(i)
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1
  }
  return i
}

// [start, end) in UTF-16 units of the token that starts at code point cp: a quoted string, a word or number, or
// one character; at the end of the text the range is empty.
export function errorRange(text, cp) {
  const start = codePointIndex(text, cp)
  if (start >= text.length) return [text.length, text.length]
  const rest = text.slice(start)
  let m
  if (rest[0] === '"') {
    let j = 1
    while (j < rest.length && rest[j] !== '"') j += rest[j] === '\\' ? 2 : 1
    return [start, start + Math.min(rest.length, j + 1)]
  }
  if ((m = rest.match(/^[A-Za-z0-9_.:\-]+/))) return [start, start + m[0].length]
  if ((m = rest.match(/^(!=|<=|>=|==)/))) return [start, start + 2]
  const c = rest.charCodeAt(0)
  return [start, start + (c >= 0xd800 && c <= 0xdbff ? 2 : 1)]
}

// ---- The server's segment messages in the reader's language (unknown ones are shown as the server wrote them).

const END = { 'the end': 'end', "')'": 'paren', "']'": 'bracket' }
const MESSAGES = [
  [/^unknown attribute '([^']*)'/, 'unknownAttribute', (m) => ({ name: m[1] })],
  [/^unknown event type '([^']*)'/, 'unknownEvent', (m) => ({ name: m[1] })],
  [/^unknown word '([^']*)': keywords are lowercase/, 'lowercase', (m) => ({ word: m[1] })],
  [/^unknown word '([^']*)': expected 'and', 'or' or (.+?)( \(keywords are lowercase\))?$/, 'unknownWord',
    (m, t) => ({ word: m[1], closer: closer(m[2], t) })],
  [/^unexpected (.+): expected 'and', 'or' or (.+)$/, 'unexpectedAfter', (m, t) => ({ what: m[1], closer: closer(m[2], t) })],
  [/^expected a condition after (.+)$/, 'conditionAfter', (m) => ({ what: m[1] })],
  [/^expected a condition, found (.+)$/, 'conditionFound', (m) => ({ what: m[1] })],
  [/^expected a condition$/, 'condition', () => ({})],
  [/^(\w+) is not an attribute name/, 'notAttribute', (m) => ({ name: m[1] })],
  [/^'([^']*)' is not an attribute name/, 'notAttribute', (m) => ({ name: m[1] })],
  [/^(\w+) takes a number \(fen/, 'takesMoney', (m) => ({ name: m[1] })],
  [/^(\w+) takes a number/, 'takesNumber', (m) => ({ name: m[1] })],
  [/^(\w+) takes a date/, 'takesDate', (m) => ({ name: m[1] })],
  [/^(\w+) takes =, != or in, not (.+)$/, 'takesEquality', (m) => ({ name: m[1], op: m[2] })],
  [/^(\w+) takes =, != or in$/, 'takesEquality', (m) => ({ name: m[1], op: '' })],
  [/^(\w+) is a score from 1 to 5/, 'score', (m) => ({ name: m[1] })],
  [/^rfm_group is one of/, 'rfmGroup', () => ({})],
  [/^(\w+) is not a number or a date: between/, 'noBetween', (m) => ({ name: m[1] })],
  [/^(\w+) is not a day/, 'notDay', (m) => ({ name: m[1] })],
  [/^(within|before|after) applies to days .*, not (\w+)$/, 'daysOnly', (m) => ({ word: m[1], name: m[2] })],
  [/^between (\S+) and (\S+) is empty/, 'emptyBetween', (m) => ({ lo: m[1], hi: m[2] })],
  [/^unterminated string/, 'unterminated', () => ({})],
  [/^use '=' to compare, not '=='/, 'doubleEquals', () => ({})],
  [/^use double quotes/, 'singleQuotes', () => ({})],
  [/^use ASCII double quotes \("\) around text, not (.+)$/, 'asciiQuotes', (m) => ({ ch: m[1] })],
  [/^use ASCII '\(' and '\)', not (.+)$/, 'asciiParens', (m) => ({ ch: m[1] })],
  [/^use an ASCII ',' between values, not (.+)$/, 'asciiComma', (m) => ({ ch: m[1] })],
  [/^use ASCII '\[' and '\]', not (.+)$/, 'asciiBrackets', (m) => ({ ch: m[1] })],
  [/^unexpected '([^']*)': text goes in double quotes/, 'needQuotes', (m) => ({ ch: m[1] })],
  [/^unexpected '\)': there is no '\(' to close/, 'extraParen', () => ({})],
  [/^expected an operator \(=, !=, <, <=, >, >=\) after 'count/, 'countOperator', () => ({})],
  [/^expected an operator .* after (.+)$/, 'operator', (m) => ({ what: m[1] })],
  [/^expected a value after (.+?) \(/, 'valueAfter', (m) => ({ what: m[1] })],
  [/^expected '\[' after (.+?),/, 'listAfter', (m) => ({ what: m[1] })],
  [/^expected ',' or '\]' in the list/, 'listSeparator', () => ({})],
  [/^expected a window like 30d or 4w/, 'window', () => ({})],
  [/^window must be between 1d and (\d+)d/, 'windowRange', (m) => ({ max: m[1] })],
  [/^invalid window (\S+)/, 'window', () => ({})],
  [/^invalid date (\S+)/, 'date', (m) => ({ text: m[1] })],
  [/^expected a date like 2026-01-01 after (.+)$/, 'dateAfter', (m) => ({ what: m[1] })],
  [/^invalid number (\S+)/, 'number', (m) => ({ text: m[1] })],
  [/^expected 'and' between the two values of 'between'/, 'betweenAnd', () => ({})],
  [/^expected '\(' after 'count'/, 'countParen', () => ({})],
  [/^expected an event type/, 'eventType', () => ({})],
  [/^expected ',' and a window after the event type/, 'countWindow', () => ({})],
  [/^expected '\)' to close 'count\('/, 'countClose', () => ({})],
  [/^expected (.+)$/, 'expected', (m, t) => ({ what: closer(m[1], t) })],
  [/^the rules would loop: (.+)$/, 'loop', (m) => ({ loop: m[1] })],
  [/^stage '([^']*)' has two rules/, 'stageTwice', (m) => ({ stage: m[1] })],
  [/^a stage rule cannot read the stage/, 'readsLifecycle', () => ({})],
  [/^stranger is whoever no rule places/, 'strangerNoRule', () => ({})],
  [/^unknown stage '([^']*)'/, 'unknownStage', (m) => ({ stage: m[1] })],
  [/^nested more than (\d+) levels/, 'depth', (m) => ({ n: m[1] })],
  [/^more than (\d+) conditions/, 'tooMany', (m) => ({ n: m[1] })]
]
function closer(s, t) {
  return END[s] ? t(`segError.closer.${END[s]}`) : s
}

// The message of a segment problem (its detail) in the reader's language.
export function segmentMessage(detail, t) {
  const text = String(detail || '')
  for (const [re, key, args] of MESSAGES) {
    const m = text.match(re)
    if (m) return t(`segError.${key}`, args(m, t))
  }
  return text
}

// The JSON form written as text, close to the server's canonical writer (used only when the server cannot
// answer for a tree, so the text mode still shows what the builder holds).
export function jsonToText(j) {
  const q = (s) => JSON.stringify(String(s))
  const val = (v) => (v && typeof v === 'object' && v.date ? v.date : typeof v === 'string' ? q(v) : String(v))
  const list = (vs) => `[${vs.map(val).join(', ')}]`
  function w(n, parent) {
    if (n.and || n.or) {
      const op = n.and ? 'and' : 'or'
      const s = n[op].map((x) => w(x, op)).join(` ${op} `)
      return (parent === 'and' && op === 'or') || parent === 'not' ? `(${s})` : s
    }
    if (n.not) return `not ${w(n.not, 'not')}`
    if ('tag' in n) return `tag = ${q(n.tag)}`
    if (n.any_tag) return `any_tag ${list(n.any_tag)}`
    if (n.all_tags) return `all_tags ${list(n.all_tags)}`
    if (n.count) {
      const ev = /^[a-z0-9_.]+$/.test(n.count.event) ? n.count.event : q(n.count.event)
      return `count(${ev}, ${n.count.window}) ${n.op} ${n.value}`
    }
    if (n.in) return `${n.attr} in ${list(n.in)}`
    if (n.between) return `${n.attr} between ${val(n.between[0])} and ${val(n.between[1])}`
    if (n.within) return `${n.attr} within ${n.within}`
    if (n.before) return `${n.attr} before ${n.before}`
    if (n.after) return `${n.attr} after ${n.after}`
    return `${n.attr} ${n.op} ${val(n.value)}`
  }
  return j ? w(j, '') : ''
}

// The builder's tree for a text: an empty group for no text, null when the builder cannot show it.
export function textToTree(text) {
  if (!String(text || '').trim()) return newGroup('and')
  const j = textToJson(text)
  return j ? jsonToTree(j) : null
}
