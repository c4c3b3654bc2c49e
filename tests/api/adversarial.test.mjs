// The adversarial pass: phone probing through events, bodies refused before they are read, token
// revocation rights and lifetimes, JSON memory, login lockout keys, slow heads, and the smaller edges.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, assertFieldError, expectStatus, makeStaff, rawHttp, uniq, uniqPhone } from '../lib/client.mjs';

let srv, api, admin, base;
before(async () => {
  srv = await startServer({ name: 'adversarial' });
  base = srv.baseUrl;
  ({ api } = client(base));
  admin = await client(base).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

const as = (t) => (m, p, body, headers) => api(m, p, { token: t, body, headers });
const host = () => `Host: ${new URL(base).host}`;

describe('finding 1: phones cannot be probed through events by any masked role', () => {
  test('an operator (no pii.read) pairing guessed phones with markers is charged like a guide', async () => {
    const op = await makeStaff(api, admin, 'operator');
    const known = uniqPhone();
    expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '号主', phone: known }), 201);
    const batch = (n) => Array.from({ length: n }, (_, i) => ({
      customer: { phone: i === 0 ? known : uniqPhone(), unionid: uniq('mark') }, type: 'checkin' }));
    const big = await as(op.token)('POST', '/api/v1/events', { events: batch(25) });
    assertProblem(big, 403, 'more than the whole budget at once');
    assert.match(big.json.detail, /pii\.read/);
    expectStatus(await as(op.token)('POST', '/api/v1/events', { events: batch(15) }), 200);
    const over = await as(op.token)('POST', '/api/v1/events', { events: batch(10) });
    assertProblem(over, 429, 'the budget of 20 a minute is spent');
    assert.ok(Number(over.headers.get('retry-after')) > 0);
    // ids and other identities cost nothing
    expectStatus(await as(op.token)('POST', '/api/v1/events',
      { events: [{ customer: { unionid: uniq('u') }, type: 'checkin' }] }), 200);
    // a role that reads phones is not charged
    const many = Array.from({ length: 40 }, () => ({ customer: { phone: uniqPhone() }, type: 'checkin' }));
    expectStatus(await as(admin)('POST', '/api/v1/events', { events: many }), 200);
  });
});

describe('finding 1: the budget is one per person across instances', () => {
  test('a second instance on the same store does not give a masked role a second budget', async () => {
    const twin = await startServer({ name: 'adversarial-twin', shareWith: srv });
    try {
      const sv = await makeStaff(api, admin, 'service');
      const other = client(twin.baseUrl);
      const probe = () => ({ customer: { phone: uniqPhone() }, type: 'checkin' });
      const sw = await makeStaff(api, admin, 'operator');
      expectStatus(await as(sw.token)('POST', '/api/v1/events', { events: Array.from({ length: 15 }, probe) }), 200, 'instance A');
      const b = await other.api('POST', '/api/v1/events', { token: sw.token, body: { events: Array.from({ length: 10 }, probe) } });
      assertProblem(b, 429, 'instance B draws from the same budget');
      // and lookups too
      for (let i = 0; i < 20; i++) expectStatus(await as(sv.token)('GET', `/api/v1/customers?phone=${uniqPhone()}`), 200);
      assertProblem(await other.api('GET', `/api/v1/customers?phone=${uniqPhone()}`, { token: sv.token }), 429);
    } finally {
      await twin.stop();
    }
  });
});

describe('finding 2: a body is refused before it is read', () => {
  test('an upload without a token is answered 401 at once and the connection closed, no body read', async () => {
    const r = await rawHttp(base, ['POST /api/v1/import/orders HTTP/1.1', host(), 'Content-Type: text/csv',
      'Content-Length: 200000000'].join('\r\n'), { timeoutMs: 3000 });
    assert.equal(r.status, 401, r.text);
    assert.ok(r.closed, 'the server closed the connection instead of waiting for 200 MB');
    assert.match(r.text, /connection: close/i);
  });

  test('Expect: 100-continue gets the refusal, never "100 Continue"', async () => {
    for (const [head, want] of [
      [['POST /api/v1/import/customers HTTP/1.1', host(), 'Content-Type: text/csv', 'Content-Length: 1000000', 'Expect: 100-continue'], 401],
      [['POST /api/v1/auth/login HTTP/1.1', host(), 'Content-Type: application/json', 'Content-Length: 300000000', 'Expect: 100-continue'], 413],
    ]) {
      const r = await rawHttp(base, head.join('\r\n'), { timeoutMs: 3000 });
      assert.equal(r.status, want, r.text);
      assert.doesNotMatch(r.text, /100 Continue/);
      assert.ok(r.closed);
    }
  });

  test('a small refused body is read and dropped, and the connection stays open for the next request', async () => {
    const body = JSON.stringify({ name: '无令牌' });
    const second = ['GET /healthz HTTP/1.1', host(), 'Connection: close'].join('\r\n');
    const r = await rawHttp(base, ['POST /api/v1/customers HTTP/1.1', host(), 'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`].join('\r\n'), { body: `${body}${second}\r\n\r\n`, timeoutMs: 3000 });
    assert.equal(r.status, 401, r.text);
    assert.match(r.text, /HTTP\/1\.1 200[^]*"status":"ok"/, 'the second request on the same connection was answered');
  });

  test('a 300 MB login body is refused 413 before it is sent', async () => {
    const r = await rawHttp(base, ['POST /api/v1/auth/login HTTP/1.1', host(), 'Content-Type: application/json',
      'Content-Length: 300000000'].join('\r\n'), { body: '{"username":"admin",', timeoutMs: 3000 });
    assert.equal(r.status, 413, r.text);
    assert.ok(r.ms !== null && r.ms < 2000, `answered in ${r.ms} ms`);
  });

  test('a role without the permission is refused 403 before its upload is read', async () => {
    const g = await makeStaff(api, admin, 'guide');
    const r = await rawHttp(base, ['POST /api/v1/import/orders HTTP/1.1', host(), 'Content-Type: text/csv',
      `Authorization: Bearer ${g.token}`, 'Content-Length: 100000000', 'Expect: 100-continue'].join('\r\n'), { timeoutMs: 3000 });
    assert.equal(r.status, 403, r.text);
    assert.doesNotMatch(r.text, /100 Continue/);
  });

  test('a permitted upload still gets "100 Continue" and runs', async () => {
    const csv = 'customer_ref,ordered_on,quantity,amount\nexp1,2025-03-01,1,9.90\n';
    const r = await rawHttp(base, ['POST /api/v1/import/orders HTTP/1.1', host(), 'Content-Type: text/csv',
      `Authorization: Bearer ${admin}`, `Content-Length: ${Buffer.byteLength(csv)}`, 'Connection: close'].join('\r\n'),
    { body: csv, timeoutMs: 5000 });
    assert.equal(r.status, 200, r.text);
  });
});

describe('finding 3: a long import holds no worker thread', () => {
  test('with one worker thread, requests are answered while an import runs', { timeout: 120000 }, async () => {
    const s2 = await startServer({ name: 'adversarial-import-thread', args: ['--threads', '1', '--rate-limit-per-ip', '0', '--rate-limit-per-token', '0'] });
    try {
      const c2 = client(s2.baseUrl);
      const tok = await c2.login('admin', s2.adminPassword);
      const N = s2.kind === 'pg' ? 30000 : 120000; // some seconds of import on either store
      const lines = ['customer_ref,ordered_on,quantity,amount,order_id'];
      for (let i = 0; i < N; i++) lines.push(`t${i % 10000},2024-0${1 + (i % 9)}-1${i % 10},1,${(i % 300) + 1}.50,ot${i}`);
      let finished = 0;
      const big = c2.api('POST', '/api/v1/import/orders?platform=onethread', { token: tok, raw: `${lines.join('\n')}\n`, headers: { 'Content-Type': 'text/csv' }, timeoutMs: 110000 })
        .then((r) => { finished = Date.now(); return r; });
      await new Promise((r) => setTimeout(r, 800)); // the upload is in and the import running
      const t0 = Date.now();
      const h = await c2.api('GET', '/healthz');
      const answered = Date.now();
      const tag = await c2.api('POST', '/api/v1/tags', { token: tok, body: { name: uniq('并行') } });
      assert.equal(h.status, 200);
      assert.equal(tag.status, 201);
      const r = await big;
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.imported, N);
      assert.ok(answered - t0 < 1500, `healthz took ${answered - t0} ms`);
      assert.ok(answered < finished, 'answered before the import finished, on the only worker thread');
    } finally {
      await s2.stop();
    }
  });
});

describe('finding 4: revoking a token takes the right to manage its holder', () => {
  test('a token scoped to staff.write revokes nobody else\'s token, the owner\'s least', async () => {
    const boss = await makeStaff(api, admin, 'admin');
    const scoped = expectStatus(await as(boss.token)('POST', '/api/v1/tokens', { name: '只管人', scopes: ['staff.write'] }), 201);
    const op = await makeStaff(api, admin, 'operator');
    const ownerTokens = expectStatus(await as(admin)('GET', '/api/v1/staff/1/tokens'), 200).items;
    assert.ok(ownerTokens.length >= 1);
    for (const t of ownerTokens) assertProblem(await as(scoped.token)('DELETE', `/api/v1/tokens/${t.id}`), 404);
    const opTokens = expectStatus(await as(admin)('GET', `/api/v1/staff/${op.staff.id}/tokens`), 200).items;
    for (const t of opTokens) assertProblem(await as(scoped.token)('DELETE', `/api/v1/tokens/${t.id}`), 404, 'cannot manage an operator with staff.write alone');
    // an admin (not an owner) manages an operator but never the owner
    for (const t of ownerTokens) assertProblem(await as(boss.token)('DELETE', `/api/v1/tokens/${t.id}`), 404);
    expectStatus(await as(admin)('GET', '/api/v1/me'), 200, 'the owner is still signed in');
    expectStatus(await as(op.token)('GET', '/api/v1/me'), 200);
    expectStatus(await as(boss.token)('DELETE', `/api/v1/tokens/${opTokens[0].id}`), 204);
    assertProblem(await as(op.token)('GET', '/api/v1/me'), 401);
    // one's own token, always
    expectStatus(await as(scoped.token)('DELETE', `/api/v1/tokens/${scoped.id}`), 204);
    assertProblem(await as(scoped.token)('GET', '/api/v1/me'), 401);
  });
});

describe('finding 5: tokens end with the access they were minted under', () => {
  const mint = async (who) => expectStatus(await as(who.token)('POST', '/api/v1/tokens', { name: uniq('t'), ttl_days: 30 }), 201).token;
  test('a role change ends every session and API token', async () => {
    const op = await makeStaff(api, admin, 'admin');
    const tok = await mint(op);
    expectStatus(await as(tok)('GET', '/api/v1/me'), 200);
    expectStatus(await as(admin)('PATCH', `/api/v1/staff/${op.staff.id}`, { role: 'operator' }), 200);
    assertProblem(await as(tok)('GET', '/api/v1/me'), 401);
    assertProblem(await as(op.token)('GET', '/api/v1/me'), 401);
  });
  test('a password reset ends them too', async () => {
    const op = await makeStaff(api, admin, 'admin');
    const tok = await mint(op);
    expectStatus(await as(admin)('PATCH', `/api/v1/staff/${op.staff.id}`, { password: 'a new password 1' }), 200);
    assertProblem(await as(tok)('GET', '/api/v1/me'), 401);
  });
  test('a deactivation ends them, and reactivating brings none back', async () => {
    const op = await makeStaff(api, admin, 'admin');
    const tok = await mint(op);
    expectStatus(await as(admin)('PATCH', `/api/v1/staff/${op.staff.id}`, { active: false }), 200);
    assertProblem(await as(tok)('GET', '/api/v1/me'), 401);
    expectStatus(await as(admin)('PATCH', `/api/v1/staff/${op.staff.id}`, { active: true }), 200);
    assertProblem(await as(tok)('GET', '/api/v1/me'), 401);
  });
  test('a manager sees a person\'s live tokens; a display-name change ends none', async () => {
    const op = await makeStaff(api, admin, 'admin');
    const tok = await mint(op);
    expectStatus(await as(admin)('PATCH', `/api/v1/staff/${op.staff.id}`, { display_name: '新名字' }), 200);
    expectStatus(await as(tok)('GET', '/api/v1/me'), 200);
    const live = expectStatus(await as(admin)('GET', `/api/v1/staff/${op.staff.id}/tokens`), 200);
    assert.deepEqual(live.items.map((t) => t.kind).sort(), ['api', 'session']);
    assert.equal(live.next_cursor, null);
    assertProblem(await as(op.token)('GET', '/api/v1/staff/1/tokens'), 403, 'an admin may not look at the owner\'s tokens');
    const own = expectStatus(await as(op.token)('GET', `/api/v1/staff/${op.staff.id}/tokens`), 200);
    assert.equal(own.items.length, 2, 'one\'s own, always');
  });
});

describe('finding 6: JSON memory is bounded by the body', () => {
  test('a 15 MiB body of tiny values is refused 413 without parsing it whole', { timeout: 60000 }, async () => {
    const n = 7 * 1024 * 1024;
    const body = `{"events":[${'0,'.repeat(n)}0]}`;
    const r = await api('POST', '/api/v1/events', { token: admin, raw: body, headers: { 'Content-Type': 'application/json' } });
    assertProblem(r, 413);
    if (!process.env.YT_SANITIZED && srv.pid) {
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${srv.pid}/status`, 'utf8'))[1]) * 1024;
      assert.ok(hwm < 400 * 1024 * 1024, `peak memory ${(hwm / 1048576).toFixed(0)} MiB`);
    }
  });
  test('two large bodies at a time, one upload at a time, the rest refused from the head', async () => {
    const net = await import('node:net');
    const u = new URL(base);
    const hold = (head) => new Promise((resolve) => {
      const sock = net.connect(Number(u.port), u.hostname, () => { sock.write(`${head}\r\n\r\n{"events":[`); setTimeout(() => resolve(sock), 300); });
      sock.on('error', () => {});
    });
    const events = (len) => ['POST /api/v1/events HTTP/1.1', host(), 'Content-Type: application/json',
      `Authorization: Bearer ${admin}`, `Content-Length: ${len}`].join('\r\n');
    const upload = (len) => ['POST /api/v1/import/orders HTTP/1.1', host(), 'Content-Type: text/csv',
      `Authorization: Bearer ${admin}`, `Content-Length: ${len}`].join('\r\n');
    const a = await hold(events(8 << 20)), b = await hold(events(8 << 20)), up = await hold(upload(8 << 20));
    try {
      const third = await rawHttp(base, events(8 << 20), { timeoutMs: 3000 });
      assert.equal(third.status, 503, third.text);
      assert.match(third.text, /retry-after: 1/i);
      const second = await rawHttp(base, upload(8 << 20), { timeoutMs: 3000 });
      assert.equal(second.status, 429, second.text);
      expectStatus(await as(admin)('POST', '/api/v1/events', { events: [{ customer: { unionid: uniq('s') }, type: 'checkin' }] }), 200, 'small bodies pass');
    } finally {
      for (const s2 of [a, b, up]) s2.destroy();
    }
    await new Promise((r) => setTimeout(r, 300));
    const again = await rawHttp(base, events(8 << 20), { body: '{"events":', timeoutMs: 1500 });
    assert.notEqual(again.status, 503, 'the places are given back when the connections end');
  });

  test('a full batch of 10,000 ordinary events is still accepted', { timeout: 60000 }, async () => {
    const events = Array.from({ length: 10000 }, (_, i) => ({
      customer: { external_userid: `wm-${uniq('e')}-${i}` }, type: 'page_viewed', time: '2026-11-30T08:00:00+08:00',
      properties: { page: '/活动/双十二', ref: 'moments', n: i } }));
    const r = expectStatus(await as(admin)('POST', '/api/v1/events', { events }), 200);
    assert.equal(r.accepted, 10000);
  });
});

describe('finding 8 and 9: login lockout', () => {
  // FNV-1a 32, the hash of the old in-memory table for unknown usernames (4096 slots)
  const fnv = (s) => { let h = 0x811c9dc5; for (const b of Buffer.from(s)) { h ^= b; h = Math.imul(h, 0x01000193) >>> 0; } return h; };
  const login = (username, password, headers) => api('POST', '/api/v1/auth/login', { body: { username, password }, headers });

  test('a real and an unknown username give the same answers, even alternating with a colliding name', async () => {
    const real = await makeStaff(api, admin, 'service');
    const ghost = uniq('ghost_').toLowerCase();
    const slot = (s) => fnv(s) % 4096;
    const partner = (of) => { for (let i = 0; ; i++) { const c = `p${i}_${of.length}`; if (slot(c) === slot(of)) return c; } };
    const run = async (name) => {
      const other = partner(name), codes = [];
      for (let i = 0; i < 6; i++) {
        codes.push((await login(name, 'wrong-password-1')).status);
        await login(other, 'wrong-password-1');
      }
      return codes;
    };
    const a = await run(real.username), b = await run(ghost);
    assert.deepEqual(a, [401, 401, 401, 401, 401, 429]);
    assert.deepEqual(b, a, 'an unknown username answers like a real one');
  });

  test('behind a trusted proxy, an attacker\'s address is locked out and the person logging in elsewhere is not', { timeout: 120000 }, async () => {
    const s2 = await startServer({ name: 'adversarial-proxy', args: ['--trusted-proxies', '127.0.0.1'] });
    try {
      const c2 = client(s2.baseUrl);
      const attacker = { 'X-Forwarded-For': '203.0.113.9' }, owner = { 'X-Forwarded-For': '198.51.100.20' };
      const at = (h, pw) => c2.api('POST', '/api/v1/auth/login', { body: { username: 'admin', password: pw }, headers: h });
      for (let i = 0; i < 5; i++) assertProblem(await at(attacker, 'not-the-password'), 401);
      assertProblem(await at(attacker, 'not-the-password'), 429);
      assertProblem(await at(attacker, s2.adminPassword), 429, 'locked for the attacker, even with the password');
      expectStatus(await at(owner, s2.adminPassword), 200, 'the owner logs in from elsewhere');
      // many addresses together meet the slower per-account limit (100 failures an hour): then it holds for all
      const codes = [];
      for (let a = 10; a < 31; a++) {
        const rs = await Promise.all(Array.from({ length: 5 }, () => at({ 'X-Forwarded-For': `203.0.113.${a}` }, 'spray-password')));
        codes.push(...rs.map((r) => r.status));
      }
      assert.ok(codes.filter((c) => c === 401).length >= 95, 'each address got its own five tries');
      assert.ok(codes.includes(429), 'the account limit was reached');
      const fresh = await at({ 'X-Forwarded-For': '192.0.2.200' }, s2.adminPassword);
      assertProblem(fresh, 429, 'locked for every address once the account limit is met');
      assert.ok(Number(fresh.headers.get('retry-after')) > 0);
      // a spoofed X-Forwarded-For from an untrusted peer changes nothing: the server without a trusted proxy
      for (let i = 0; i < 5; i++) assertProblem(await api('POST', '/api/v1/auth/login', { body: { username: 'nobody_x', password: 'bad-password' }, headers: { 'X-Forwarded-For': `192.0.2.${i}` } }), 401);
      assertProblem(await api('POST', '/api/v1/auth/login', { body: { username: 'nobody_x', password: 'bad-password' }, headers: { 'X-Forwarded-For': '192.0.2.77' } }), 429);
    } finally {
      await s2.stop();
    }
  });

  test('a password reset unlocks the account', async () => {
    const u = await makeStaff(api, admin, 'service');
    for (let i = 0; i < 5; i++) await login(u.username, 'wrong-password-2');
    assertProblem(await login(u.username, u.password), 429);
    expectStatus(await as(admin)('PATCH', `/api/v1/staff/${u.staff.id}`, { password: 'reset-password-3' }), 200);
    expectStatus(await login(u.username, 'reset-password-3'), 200);
  });
});

describe('finding 11: a request head has a deadline', () => {
  test('one byte a second does not hold a connection past --head-timeout', { timeout: 30000 }, async () => {
    const s2 = await startServer({ name: 'adversarial-slow', args: ['--head-timeout', '2', '--timeout', '30'] });
    try {
      const net = await import('node:net');
      const u = new URL(s2.baseUrl);
      const sock = net.connect(Number(u.port), u.hostname);
      const t0 = Date.now();
      const closedAt = new Promise((resolve) => { sock.on('close', () => resolve(Date.now() - t0)); sock.on('error', () => {}); });
      sock.write('GET /healthz HTTP/1.1\r\n');
      const drip = setInterval(() => { if (!sock.destroyed) sock.write('X'); }, 300);
      const ms = await Promise.race([closedAt, new Promise((r) => setTimeout(() => r(null), 12000))]);
      clearInterval(drip);
      sock.destroy();
      assert.ok(ms !== null, 'the slow connection was never closed');
      assert.ok(ms >= 1500 && ms < 6000, `closed after ${ms} ms`);
      // a well-behaved keep-alive client is unaffected
      expectStatus(await client(s2.baseUrl).api('GET', '/healthz'), 200);
    } finally {
      await s2.stop();
    }
  });
});

describe('finding 12: the smaller edges', () => {
  test('HEAD answers like GET without a body; not on a GET that writes', async () => {
    const r = await api('HEAD', '/healthz');
    assert.equal(r.status, 200);
    assert.equal(r.text, '');
    assert.equal((await api('HEAD', '/api/v1/me', { token: admin })).status, 200);
    assert.equal((await api('HEAD', '/api/v1/me')).status, 401);
    assert.equal((await api('HEAD', '/api/v1/export/customers', { token: admin })).status, 405);
    assert.equal((await api('HEAD', '/')).status, (await api('GET', '/')).status, 'the console root');
  });

  test('two different Content-Length headers are refused', async () => {
    const r = await rawHttp(base, ['POST /api/v1/auth/login HTTP/1.1', host(), 'Content-Type: application/json',
      'Content-Length: 2', 'Content-Length: 40', 'Connection: close'].join('\r\n'), { body: '{}' });
    assert.equal(r.status, 400, r.text);
    assert.match(r.text, /Content-Length/, 'refused for the two lengths, not for the body');
  });

  test('a duplicate JSON key is refused, naming the key', async () => {
    const r = await api('POST', '/api/v1/customers', { token: admin, raw: '{"name":"张三","name":"李四"}', headers: { 'Content-Type': 'application/json' } });
    assertFieldError(r, 'name');
    const nested = await api('POST', '/api/v1/events', { token: admin, raw: '{"events":[{"customer":{"unionid":"a","unionid":"b"},"type":"checkin"}]}', headers: { 'Content-Type': 'application/json' } });
    assertFieldError(nested, 'unionid');
    const wide = {};
    for (let i = 0; i < 300; i++) wide[`k${i}`] = i;
    const txt = JSON.stringify({ events: [{ customer: { unionid: 'w' }, type: 'checkin', properties: wide }] }).replace('"k299":299', '"k299":299,"k7":1');
    assertFieldError(await api('POST', '/api/v1/events', { token: admin, raw: txt, headers: { 'Content-Type': 'application/json' } }), 'k7');
  });

  test('%00 in a path or query is refused, not cut short', async () => {
    const c = expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '零字节' }), 201);
    assertFieldError(await as(admin)('GET', `/api/v1/customers/${c.id}%00x`), 'path');
    assertFieldError(await as(admin)('GET', '/api/v1/customers?q=%E9%9B%B6%00x'), 'query');
    assertFieldError(await as(admin)('DELETE', `/api/v1/customers/${c.id}/tags/a%00b`), 'path');
  });

  test('passwords of spaces, names with invisible or direction-changing characters, broken emails', async () => {
    const staff = (body) => as(admin)('POST', '/api/v1/staff', { username: uniq('s_').toLowerCase().slice(0, 30), role: 'service', password: 'good-password-1', ...body });
    assertFieldError(await staff({ password: '        ' }), 'password');
    assertFieldError(await staff({ password: 'tab\there-password' }), 'password');
    assertFieldError(await staff({ display_name: '店长\u202Egnp.exe' }), 'display_name');
    for (const name of ['王\u202E五', '赵\u200B六', '\uFEFF钱七', 'a\u2066b', '孙\u00AD八']) {
      assertFieldError(await as(admin)('POST', '/api/v1/customers', { name }), 'name', JSON.stringify(name));
    }
    assertFieldError(await as(admin)('POST', '/api/v1/tags', { name: '会员\u200D' }), 'name');
    assertFieldError(await as(admin)('POST', '/api/v1/stores', { name: '门店\u202A' }), 'name');
    for (const email of ['\n@\n', 'a b@c.cn', 'x@localhost', 'x@.cn', 'x@a..cn', '"q"@a.cn']) {
      assertFieldError(await as(admin)('POST', '/api/v1/customers', { name: '邮箱', email }), 'email', JSON.stringify(email));
    }
    expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '邮箱好', email: `li.${uniq('m')}@example.com.cn` }), 201);
    expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '阿卜杜勒·买买提' }), 201, 'ordinary punctuation stays allowed');
  });

  test('dotfiles in the console folder are not served', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-console-'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>t</title>');
    fs.writeFileSync(path.join(dir, '.env'), 'SECRET=1');
    fs.mkdirSync(path.join(dir, '.git'));
    fs.writeFileSync(path.join(dir, '.git', 'config'), '[core]');
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'assets', '.hidden.js'), 'x');
    const s2 = await startServer({ name: 'adversarial-console', args: ['--console', dir] });
    try {
      const c2 = client(s2.baseUrl);
      expectStatus(await c2.api('GET', '/'), 200);
      for (const p of ['/.env', '/.git/config', '/assets/.hidden.js', '/%2Eenv', '/assets/%2Ehidden.js']) {
        const r = await c2.api('GET', p);
        assert.equal(r.status, 404, `${p}: ${r.status}`);
        assert.doesNotMatch(r.text, /SECRET|\[core\]/);
      }
    } finally {
      await s2.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('/metrics: loopback only by default, a token when configured', async () => {
    expectStatus(await api('GET', '/metrics'), 200);
    assertProblem(await api('GET', '/metrics', { headers: { 'X-Forwarded-For': '203.0.113.1' } }), 403, 'through a proxy');
    const s2 = await startServer({ name: 'adversarial-metrics', env: { YUTANG_METRICS_TOKEN: 'scrape-secret-123' } });
    try {
      const c2 = client(s2.baseUrl);
      assertProblem(await c2.api('GET', '/metrics'), 401);
      assertProblem(await c2.api('GET', '/metrics', { token: 'wrong-secret-123' }), 401);
      const ok = await c2.api('GET', '/metrics', { token: 'scrape-secret-123' });
      assert.equal(ok.status, 200);
      assert.match(ok.text, /yutang_http_requests_total/);
    } finally {
      await s2.stop();
    }
  });

  test('/metrics labels every route of the table separately, the last one included', async () => {
    expectStatus(await as(admin)('GET', '/api/v1/audit?limit=1'), 200);
    await api('GET', '/no-such-file.js');
    await api('GET', '/api/v1/no-such-route');
    const m = (await api('GET', '/metrics')).text;
    assert.match(m, /route="\/api\/v1\/audit"/);
    assert.match(m, /route="static"/);
    assert.match(m, /route="none"/);
  });
});
