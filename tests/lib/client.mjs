// Small HTTP helpers for the API tests: login, JSON requests, problem+json checks and 5xx tracking.
import assert from 'node:assert/strict';

let defaultBase = null;
const seen5xx = [];   // every response with status >= 500 seen by this process

/** Sets the base URL used by api() when no baseUrl option is given. */
export function setBaseUrl(u) { defaultBase = u; }

/** All 5xx responses seen so far ({method, path, status, text}). */
export function serverErrors() { return seen5xx.slice(); }

/**
 * api(method, path, {token, body, headers, raw, baseUrl, timeoutMs})
 *   body: JSON-encoded with Content-Type application/json, unless raw is set
 *   raw:  string | Buffer | Uint8Array sent verbatim (set the Content-Type yourself in headers)
 * -> {status, headers, json, text, contentType}
 */
export async function api(method, path, opts = {}) {
  const base = opts.baseUrl || defaultBase;
  const url = /^https?:/.test(path) ? path : `${base}${path}`;
  const headers = { ...(opts.headers || {}) };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body;
  if (opts.raw !== undefined) {
    body = opts.raw;
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(url, {
    method, headers, body,
    signal: AbortSignal.timeout(opts.timeoutMs || 60000),
  });
  const buf = Buffer.from(await res.arrayBuffer());
  const text = buf.toString('utf8');
  const contentType = res.headers.get('content-type') || '';
  let json;
  if (text.length && /json/i.test(contentType)) {
    try { json = JSON.parse(text); } catch { json = undefined; }
  }
  const out = { status: res.status, headers: res.headers, json, text, buf, contentType, method, path };
  if (res.status >= 500) seen5xx.push({ method, path, status: res.status, text: text.slice(0, 300) });
  return out;
}

/** Returns an object with api() and login() bound to one server. */
export function client(baseUrl) {
  return {
    api: (method, path, opts = {}) => api(method, path, { baseUrl, ...opts }),
    login: (user, pass) => login(baseUrl, user, pass),
  };
}

/** Logs in and returns the session token (asserts 200). */
export async function login(baseUrl, username, password) {
  const r = await api('POST', '/api/v1/auth/login', { baseUrl, body: { username, password } });
  assert.equal(r.status, 200, `login ${username}: ${r.status} ${r.text}`);
  assert.equal(typeof r.json.token, 'string');
  assert.ok(r.json.token.length > 0);
  return r.json.token;
}

/** Asserts an RFC 7807 problem response with the given status. */
export function assertProblem(r, status, msg = '') {
  assert.equal(r.status, status, `${msg} expected ${status}, got ${r.status}: ${r.text.slice(0, 400)}`);
  assert.match(r.contentType, /^application\/problem\+json/i, `${msg} content-type was "${r.contentType}"`);
  assert.ok(r.json && typeof r.json === 'object', `${msg} problem body is not JSON: ${r.text.slice(0, 200)}`);
  assert.equal(r.json.status, status, `${msg} problem.status`);
  assert.equal(typeof r.json.title, 'string', `${msg} problem.title`);
  assert.equal(typeof r.json.type, 'string', `${msg} problem.type`);
  assert.match(r.json.type, /^https:\/\/yutang\.dev\/problems\//, `${msg} problem.type`);
  if (r.json.errors !== undefined) assert.ok(Array.isArray(r.json.errors), `${msg} problem.errors must be an array`);
  return r.json;
}

/** Asserts the problem names a field in errors[] (exact name or prefix match like "buyer_ids[0].platform"). */
export function assertFieldError(r, field, msg = '') {
  assertProblem(r, 400, msg);
  const errs = r.json.errors || [];
  const related = (a, b) => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
  assert.ok(errs.some((e) => e && typeof e.field === 'string' && (related(e.field, field) || related(field, e.field))),
    `${msg} expected errors[] to name field "${field}", got ${JSON.stringify(errs)}`);
}

/** Asserts 2xx status equal to expected, with a helpful message. */
export function expectStatus(r, status, msg = '') {
  assert.equal(r.status, status, `${msg} ${r.method} ${r.path}: expected ${status}, got ${r.status}: ${r.text.slice(0, 500)}`);
  return r.json;
}

/** Follows next_cursor through a list endpoint and returns all items (bounded). */
export async function listAll(apiFn, path, token, { limit = 50, maxPages = 1000 } = {}) {
  const items = [];
  let cursor = null;
  const pages = [];
  for (let i = 0; i < maxPages; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const p = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await apiFn('GET', p, { token });
    expectStatus(r, 200, `list page ${i}`);
    assert.ok(Array.isArray(r.json.items), 'items array');
    assert.ok(r.json.items.length <= limit, `page larger than limit ${limit}`);
    items.push(...r.json.items);
    pages.push(r.json.items.length);
    if (r.json.next_cursor === null || r.json.next_cursor === undefined) return { items, pages };
    assert.equal(typeof r.json.next_cursor, 'string');
    cursor = r.json.next_cursor;
  }
  throw new Error(`listAll ${path}: more than ${maxPages} pages`);
}

let seq = 0;
/** A unique string for test data. */
export function uniq(prefix = 'u') {
  seq += 1;
  return `${prefix}${Date.now().toString(36)}${process.pid.toString(36)}${seq}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** A unique 11-digit mainland mobile number (13x...), unique within this process. */
const phoneBase = Math.floor(Math.random() * 5e7);
export function uniqPhone() {
  seq += 1;
  const n = (phoneBase + seq * 13) % 1e8;
  return `139${String(n).padStart(8, '0')}`;
}

/** Creates a staff member (as the given admin token) and returns {staff, token, password}. */
export async function makeStaff(apiFn, adminToken, role, extra = {}) {
  const username = uniq(`${role}_`).slice(0, 40);
  const password = `pw-${uniq('x')}`;
  const r = await apiFn('POST', '/api/v1/staff', {
    token: adminToken,
    body: { username, display_name: `${role} 测试`, role, password, ...extra },
  });
  expectStatus(r, 201, `create staff ${role}`);
  const lr = await apiFn('POST', '/api/v1/auth/login', { body: { username, password } });
  expectStatus(lr, 200, `login ${role}`);
  return { staff: r.json, token: lr.json.token, password, username };
}

/**
 * rawHttp(baseUrl, head, {body, timeoutMs}) sends bytes as they are (no client library to tidy them):
 * head is the request line and headers without the final blank line; body (string or Buffer) follows.
 * Resolves when the server closes the connection or timeoutMs passes:
 * {status, text, closed (by the server), ms (until the first response byte, or null)}.
 */
export function rawHttp(baseUrl, head, { body, timeoutMs = 5000 } = {}) {
  return new Promise(async (resolve) => {
    const net = await import('node:net');
    const u = new URL(baseUrl);
    const s = net.connect(Number(u.port), u.hostname);
    const t0 = Date.now();
    let text = '', first = null, done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : 0, text, closed, ms: first });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    s.on('data', (d) => { if (first === null) first = Date.now() - t0; text += d.toString('latin1'); });
    s.on('end', () => finish(true));
    s.on('close', () => finish(true));
    s.on('error', () => finish(true));
    s.write(`${head}\r\n\r\n`);
    if (body !== undefined) s.write(body);
  });
}
