// Operations: health, readiness, Prometheus metrics, JSON access log without secrets, per-IP and per-token rate limits.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, expectStatus, serverErrors, uniq } from '../lib/client.mjs';

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

describe('health, readiness, metrics, access log', () => {
  let srv, api, token;
  before(async () => {
    srv = await startServer({ name: 'ops' });
    ({ api } = client(srv.baseUrl));
    token = await client(srv.baseUrl).login('admin', srv.adminPassword);
  });
  after(async () => { if (srv) await srv.stop(); });

  test('/healthz and /readyz', async () => {
    const h = await api('GET', '/healthz');
    assert.equal(h.status, 200);
    assert.deepEqual(h.json, { status: 'ok' });
    const r = await api('GET', '/readyz');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: 'ready' });
  });

  test('/metrics is Prometheus text with request counters and histograms', async () => {
    for (let i = 0; i < 3; i++) expectStatus(await api('GET', '/api/v1/customers', { token }), 200);
    await api('GET', '/api/v1/customers/987654321', { token });
    const m = await api('GET', '/metrics');
    assert.equal(m.status, 200);
    assert.match(m.contentType, /^text\/plain/);
    assert.match(m.text, /^# (HELP|TYPE) yutang_http_requests_total/m);
    const lines = m.text.split('\n').filter((l) => l.startsWith('yutang_http_requests_total{'));
    assert.ok(lines.length > 0, 'yutang_http_requests_total samples');
    for (const l of lines) assert.match(l, /^yutang_http_requests_total\{[^}]*route="[^"]*"[^}]*\} \d+(\.\d+)?(e\+\d+)?$/, l);
    const list = lines.filter((l) => /method="GET"/.test(l) && /status="200"/.test(l) && /route="\/api\/v1\/customers"/.test(l));
    assert.equal(list.length, 1, `one series for GET /api/v1/customers 200:\n${lines.join('\n')}`);
    assert.ok(Number(list[0].split(' ').pop()) >= 3);
    assert.ok(lines.some((l) => /status="404"/.test(l)), '404 counted');
    assert.ok(!lines.some((l) => /987654321/.test(l)), 'routes are templates, not raw paths (bounded label cardinality)');
    assert.match(m.text, /^yutang_http_request_duration_seconds_bucket\{[^}]*le="\+Inf"[^}]*\} \d+/m);
    assert.match(m.text, /^yutang_store_query_duration_seconds_/m);
    // counters increase
    expectStatus(await api('GET', '/api/v1/customers', { token }), 200);
    const m2 = await api('GET', '/metrics');
    const l2 = m2.text.split('\n').find((l) => l.startsWith('yutang_http_requests_total{') && /method="GET"/.test(l) && /status="200"/.test(l) && /route="\/api\/v1\/customers"/.test(l));
    assert.equal(Number(l2.split(' ').pop()), Number(list[0].split(' ').pop()) + 1);
  });

  test('access log is JSON lines with request ids and no secrets or full phone numbers', async () => {
    const phone = '13987654321';
    const l = await api('POST', '/api/v1/auth/login', { body: { username: 'admin', password: srv.adminPassword } });
    expectStatus(l, 200);
    const t = l.json.token;
    await api('POST', '/api/v1/auth/login', { body: { username: 'admin', password: `${srv.adminPassword}-wrong` } });
    const c = expectStatus(await api('POST', '/api/v1/customers', { token: t, body: { name: '日志', phone } }), 201);
    expectStatus(await api('GET', `/api/v1/customers?phone=${phone}`, { token: t }), 200);
    expectStatus(await api('GET', `/api/v1/customers/${c.id}`, { token: t }), 200);
    await api('GET', '/api/v1/me', { headers: { Authorization: `Bearer ${t}garbage` } });
    const tk = expectStatus(await api('POST', '/api/v1/tokens', { token: t, body: { name: 'log', scopes: ['customers.read'] } }), 201);
    expectStatus(await api('GET', '/api/v1/customers', { token: tk.token }), 200);
    const marker = uniq('marker');
    const last = await api('GET', `/api/v1/nothing-${marker}`, { token: t });
    assert.equal(last.status, 404);

    let log = '';
    for (let i = 0; i < 40; i++) { log = srv.log(); if (log.includes(marker)) break; await sleep(100); }
    assert.ok(log.includes(marker), 'requests are logged (the last one by its path)');
    const lines = log.split('\n').filter((x) => x.trim().length);
    const bad = lines.filter((x) => { try { return typeof JSON.parse(x) !== 'object'; } catch { return true; } });
    assert.deepEqual(bad.slice(0, 5), [], 'every log line is a JSON object');
    const entries = lines.map((x) => JSON.parse(x));
    const reqs = entries.filter((e) => JSON.stringify(e).includes('/api/v1/'));
    assert.ok(reqs.length >= 8, 'request entries');
    const idKey = (e) => Object.keys(e).find((k) => /^(request_id|req_id|rid|requestId|request-id)$/i.test(k));
    for (const e of reqs) assert.ok(idKey(e) && e[idKey(e)], `request id in ${JSON.stringify(e)}`);
    const ids = reqs.map((e) => e[idKey(e)]);
    assert.ok(new Set(ids).size >= Math.min(ids.length, 8), 'request ids differ between requests');
    const rid = last.headers.get('x-request-id');
    if (rid) assert.ok(log.includes(rid), 'X-Request-Id response header matches the log');
    for (const [what, secret] of [['password', srv.adminPassword], ['session token', t], ['api token', tk.token], ['full phone', phone], ['data key', srv.dataKey]]) {
      assert.ok(!log.includes(secret), `log must not contain the ${what}`);
    }
  });
});

describe('rate limits', () => {
  test('--rate-limit-per-ip 30: 40 quick requests -> some 429 with Retry-After', async () => {
    const srv = await startServer({ name: 'ratelimit-ip', args: ['--rate-limit-per-ip', '30'] });
    try {
      const { api } = client(srv.baseUrl);
      const rs = await Promise.all(Array.from({ length: 40 }, () => api('GET', '/api/v1/customers')));
      const limited = rs.filter((r) => r.status === 429);
      assert.ok(limited.length >= 10, `at least 10 of 40 limited, got ${limited.length}`);
      assert.ok(rs.filter((r) => r.status !== 429).length <= 30, 'no more than 30 pass');
      for (const r of limited) {
        assertProblem(r, 429);
        const ra = r.headers.get('retry-after');
        assert.ok(ra && /^\d+$/.test(ra) && Number(ra) >= 1 && Number(ra) <= 60, `Retry-After ${ra}`);
      }
      assert.ok(rs.every((r) => r.status < 500));
    } finally { await srv.stop(); }
  });
  test('--rate-limit-per-token: one token limited, another token unaffected', async () => {
    const srv = await startServer({ name: 'ratelimit-token', args: ['--rate-limit-per-ip', '0', '--rate-limit-per-token', '10'] });
    try {
      const { api, login } = client(srv.baseUrl);
      const t1 = await login('admin', srv.adminPassword);
      const t2 = await login('admin', srv.adminPassword);
      const rs = [];
      for (let i = 0; i < 15; i++) rs.push(await api('GET', '/api/v1/me', { token: t1 }));
      const limited = rs.filter((r) => r.status === 429);
      assert.ok(limited.length >= 4, `token limited after 10/min (limited ${limited.length})`);
      assert.ok(limited[0].headers.get('retry-after'));
      expectStatus(await api('GET', '/api/v1/me', { token: t2 }), 200, 'other token');
      // per-IP limit 0 means off
      const many = await Promise.all(Array.from({ length: 50 }, () => api('GET', '/healthz')));
      assert.ok(many.every((r) => r.status === 200));
    } finally { await srv.stop(); }
  });
  test('default limits do not throttle normal use (200 requests)', async () => {
    const srv = await startServer({ name: 'ratelimit-default' });
    try {
      const { api, login } = client(srv.baseUrl);
      const t = await login('admin', srv.adminPassword);
      for (let i = 0; i < 4; i++) {
        const rs = await Promise.all(Array.from({ length: 50 }, () => api('GET', '/api/v1/me', { token: t })));
        assert.ok(rs.every((r) => r.status === 200), `batch ${i}: ${rs.map((r) => r.status).filter((s) => s !== 200)}`);
      }
    } finally { await srv.stop(); }
  });
});

describe('no server errors', () => {
  test('no 5xx in this file', () => { assert.deepEqual(serverErrors(), []); });
});
