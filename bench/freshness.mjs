// How soon a write shows in a saved segment's count: on the instance written to, and on a second instance
// sharing the PostgreSQL store. usage: node bench/freshness.mjs URL_A URL_B PASSWORD [ROUNDS]
const [urlA, urlB, password, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg || 200);

async function call(base, method, path, token, body) {
  const r = await fetch(base + path, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const login = await call(urlA, 'POST', '/api/v1/auth/login', null, { username: 'admin', password });
const t = login.token;
const tag = `fresh-${Date.now()}`;
const customer = await call(urlA, 'POST', '/api/v1/customers', t, { name: '新鲜度' });
const seg = await call(urlA, 'POST', '/api/v1/segments', t, { name: `新鲜度-${tag}`, query: `tag = "${tag}"` });
const count = async (base) => (await call(base, 'GET', `/api/v1/segments/${seg.id}`, t)).count;

/* ms from the write's answer until base's count is want (polled back to back) */
async function until(base, want) {
  const t0 = performance.now();
  while ((await count(base)) !== want) if (performance.now() - t0 > 5000) throw new Error('not seen in 5 s');
  return performance.now() - t0;
}

const here = [], there = [];
for (let i = 0; i < rounds; i++) {
  const add = i % 2 === 0;
  if (add) await call(urlA, 'POST', `/api/v1/customers/${customer.id}/tags`, t, { tags: [tag] });
  else await call(urlA, 'DELETE', `/api/v1/customers/${customer.id}/tags/${encodeURIComponent(tag)}`, t);
  /* B first: the question is how soon the other instance knows, not after A has been asked */
  there.push(await until(urlB, add ? 1 : 0));
  here.push(await until(urlA, add ? 1 : 0));
}
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const fmt = (a) => ({ p50_ms: +pct(a, 0.5).toFixed(2), p99_ms: +pct(a, 0.99).toFixed(2), max_ms: +Math.max(...a).toFixed(2) });
console.log(JSON.stringify({ bench: 'segment_freshness', rounds, same_instance: fmt(here), other_instance: fmt(there) }));
