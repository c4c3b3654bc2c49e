// Hardening: guide scoping through every door, no privilege beyond one's own, PII lookups, erasure leftovers, login lockout, input edges.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, expectStatus, makeStaff, uniq, uniqPhone } from '../lib/client.mjs';

let srv, api, admin, g1, g2, service;
before(async () => {
  srv = await startServer({ name: 'hardening' });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
  g1 = await makeStaff(api, admin, 'guide');
  g2 = await makeStaff(api, admin, 'guide');
  service = await makeStaff(api, admin, 'service');
});
after(async () => { if (srv) await srv.stop(); });

const as = (t) => (m, p, body, headers) => api(m, p, { token: t, body, headers });

describe('guides stay inside their own customers', () => {
  test('an event naming two customers a guide does not own merges nothing', async () => {
    const phone = uniqPhone(), unionid = uniq('u');
    const a = expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '甲', phone, owner_id: g2.staff.id }), 201);
    const b = expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '乙', unionid }), 201);
    const r = expectStatus(await as(g1.token)('POST', '/api/v1/events', { events: [{ customer: { phone, unionid }, type: 'checkin' }] }), 200);
    assert.equal(r.accepted, 0);
    assert.equal(r.errors.length, 1);
    assert.doesNotMatch(r.errors[0].message, new RegExp(`\\b${a.id}\\b`), 'no id of another guide\'s customer');
    expectStatus(await as(admin)('GET', `/api/v1/customers/${b.id}`), 200);
    const still = expectStatus(await as(admin)('GET', `/api/v1/customers/${b.id}`), 200);
    assert.equal(still.id, b.id, 'not merged');
    const au = expectStatus(await as(admin)('GET', `/api/v1/audit?actor_id=${g1.staff.id}&limit=200`), 200);
    assert.ok(!au.items.some((x) => x.action === 'customer.merge'));
  });

  test('a rejected item writes nothing, not even a merge (admin)', async () => {
    const phone = uniqPhone(), unionid = uniq('u');
    const a = expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '丙', phone }), 201);
    const b = expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '丁', unionid }), 201);
    const r = expectStatus(await as(admin)('POST', '/api/v1/events',
      { events: [{ customer: { phone, unionid, email: 'not-an-email' }, type: 'checkin' }] }), 200);
    assert.equal(r.accepted, 0);
    assert.equal((await as(admin)('GET', `/api/v1/customers/${b.id}`)).json.id, b.id, 'b still itself');
    assert.equal((await as(admin)('GET', `/api/v1/customers/${a.id}`)).json.id, a.id);
  });

  test('a guide cannot hand customers to someone else in bulk', async () => {
    const c = expectStatus(await as(g1.token)('POST', '/api/v1/customers', { name: '导购一的' }), 201);
    assertProblem(await as(g1.token)('POST', '/api/v1/customers/bulk/transfer', { customer_ids: [c.id], owner_id: g2.staff.id }), 403);
    assert.equal((await as(admin)('GET', `/api/v1/customers/${c.id}`)).json.owner_id, g1.staff.id);
  });

  test('a guide tags customers but cannot rename or delete tags that everyone uses', async () => {
    const c = expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '戊', owner_id: g2.staff.id, tags: ['高价值测'] }), 201);
    const tag = (await as(admin)('GET', '/api/v1/tags')).json.items.find((t) => t.name === '高价值测');
    assertProblem(await as(g1.token)('DELETE', `/api/v1/tags/${tag.id}`), 403);
    assertProblem(await as(g1.token)('PATCH', `/api/v1/tags/${tag.id}`, { name: '改名' }), 403);
    assertProblem(await as(g1.token)('POST', '/api/v1/tag-groups', { name: uniq('组') }), 403);
    assert.deepEqual((await as(admin)('GET', `/api/v1/customers/${c.id}`)).json.tags, ['高价值测']);
  });

  test('a conflict on an identity does not reveal who holds it', async () => {
    const phone = uniqPhone();
    expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '己', phone, owner_id: g2.staff.id }), 201);
    const r = await as(g1.token)('POST', '/api/v1/customers', { name: '庚', phone });
    assertProblem(r, 409);
    assert.doesNotMatch(r.json.detail, /\d{2,}/, r.json.detail);
  });
});

describe('no permission beyond one\'s own', () => {
  test('a token scoped to staff.write cannot create an owner or raise a role', async () => {
    const tok = expectStatus(await as(admin)('POST', '/api/v1/tokens', { name: 'hr', scopes: ['staff.write'] }), 201).token;
    assertProblem(await as(tok)('POST', '/api/v1/staff', { username: uniq('own').toLowerCase(), role: 'owner', password: 'password-123' }), 403);
    const op = expectStatus(await as(admin)('POST', '/api/v1/staff', { username: uniq('op').toLowerCase(), role: 'operator', password: 'password-123' }), 201);
    assertProblem(await as(tok)('PATCH', `/api/v1/staff/${op.id}`, { role: 'admin' }), 403);
    assertProblem(await as(tok)('PATCH', `/api/v1/staff/${op.id}`, { password: 'another-pass-1' }), 403, 'the account holds more than the token');
  });
});

describe('masked phones cannot be guessed', () => {
  test('a role that sees phones masked gets few exact phone lookups per minute', async () => {
    const phone = uniqPhone();
    expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '辛', phone }), 201);
    const s = as(service.token);
    let limited = 0, found = 0;
    for (let i = 0; i < 25; i++) {
      const r = await s('GET', `/api/v1/customers?phone=${phone}`);
      if (r.status === 429) { limited++; assert.ok(Number(r.headers.get('retry-after')) > 0); } else { expectStatus(r, 200); found += r.json.items.length; }
    }
    assert.ok(found >= 1, 'an exact lookup works');
    assert.ok(limited >= 5, `lookups were limited (${limited})`);
    for (let i = 0; i < 25; i++) expectStatus(await as(admin)('GET', `/api/v1/customers?phone=${phone}`), 200, 'pii.read is not limited');
  });
});

describe('masked phones cannot be found by creating customers either', () => {
  test('phones submitted by a masked role share the same small budget', async () => {
    const u = await makeStaff(api, admin, 'service');
    let limited = 0;
    for (let i = 0; i < 25; i++) {
      const r = await as(u.token)('POST', '/api/v1/customers', { name: `探${i}`, phone: uniqPhone() });
      if (r.status === 429) limited++; else expectStatus(r, 201);
    }
    assert.ok(limited >= 5, `creates with phones were limited (${limited})`);
    expectStatus(await as(u.token)('POST', '/api/v1/customers', { name: '无手机号' }), 201, 'no phone, no charge');
    const again = await client(srv.baseUrl).login(u.username, u.password);
    assertProblem(await as(again)('GET', `/api/v1/customers?phone=${uniqPhone()}`), 429, 'a new login is no new budget');
  });
  test('a guide probing phones through events is limited too', async () => {
    const g = await makeStaff(api, admin, 'guide');
    const batch = (n) => Array.from({ length: n }, () => ({ customer: { phone: uniqPhone() }, type: 'checkin' }));
    assertProblem(await as(g.token)('POST', '/api/v1/events', { events: batch(30) }), 403, 'more than the budget at once');
    expectStatus(await as(g.token)('POST', '/api/v1/events', { events: batch(15) }), 200);
    assertProblem(await as(g.token)('POST', '/api/v1/events', { events: batch(10) }), 429);
  });
});

describe('erasure leaves nothing behind', () => {
  test('absorbed records, stored idempotent answers and new data are all covered', async () => {
    const phone = uniqPhone(), key = uniq('idem');
    const a = expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '壬', phone, city: '杭州' }, { 'Idempotency-Key': key }), 201);
    const b = expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '癸', city: '苏州', birthday: '1990-01-02' }), 201);
    expectStatus(await as(admin)('POST', `/api/v1/customers/${a.id}/merge`, { from: b.id }), 200);
    expectStatus(await as(admin)('POST', `/api/v1/customers/${a.id}/erase`), 200);
    const absorbed = expectStatus(await as(admin)('GET', `/api/v1/customers/${b.id}`), 200);
    assert.equal(absorbed.name, '');
    assert.equal(absorbed.erased, true);
    const replay = await as(admin)('POST', '/api/v1/customers', { name: '壬', phone, city: '杭州' }, { 'Idempotency-Key': key });
    assert.notEqual(replay.json && replay.json.id, a.id, 'the stored answer with the erased profile is gone');
    assertProblem(await as(admin)('PATCH', `/api/v1/customers/${a.id}`, { name: '复活' }), 409);
    assertProblem(await as(admin)('POST', `/api/v1/customers/${a.id}/identities`, { kind: 'phone', value: uniqPhone() }), 409);
    const ev = expectStatus(await as(admin)('POST', '/api/v1/events', { events: [{ customer: { id: a.id }, type: 'checkin' }] }), 200);
    assert.equal(ev.accepted, 0);
  });
});

describe('login lockout', () => {
  test('parallel wrong passwords: at most five are checked, the rest are refused', async () => {
    const u = await makeStaff(api, admin, 'analyst');
    const rs = await Promise.all(Array.from({ length: 12 }, () => api('POST', '/api/v1/auth/login', { body: { username: u.username, password: 'wrong-password' } })));
    const checked = rs.filter((r) => r.status === 401).length, refused = rs.filter((r) => r.status === 429).length;
    assert.equal(checked + refused, 12);
    assert.ok(checked <= 5, `${checked} passwords were checked`);
    assertProblem(await api('POST', '/api/v1/auth/login', { body: { username: u.username, password: u.password } }), 429, 'locked, even with the right password');
  });
  test('an unknown username locks out the same way, with the same Retry-After', async () => {
    const real = await makeStaff(api, admin, 'analyst');
    const ghost = uniq('ghost').toLowerCase();
    const run = async (username) => {
      const codes = [];
      let retry = null;
      for (let i = 0; i < 6; i++) {
        const r = await api('POST', '/api/v1/auth/login', { body: { username, password: 'x-password' } });
        codes.push(r.status);
        if (r.status === 429) retry = Number(r.headers.get('retry-after'));
      }
      return { codes, retry };
    };
    const a = await run(real.username), b = await run(ghost);
    assert.deepEqual(a.codes, [401, 401, 401, 401, 401, 429]);
    assert.deepEqual(b.codes, a.codes);
    assert.ok(Math.abs(a.retry - b.retry) <= 2, `Retry-After ${a.retry} vs ${b.retry}`);
  });
});

describe('profile edits', () => {
  test('consent time moves only when consent changes; null clears nickname and city; platform only for buyers', async () => {
    const c = expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '授权', nickname: '昵称', city: '上海',
      consent: { marketing: 'granted', source: 'form' } }), 201);
    await new Promise((r) => setTimeout(r, 20));
    const same = expectStatus(await as(admin)('PATCH', `/api/v1/customers/${c.id}`, { consent: { marketing: 'granted' } }), 200);
    assert.equal(same.consent.at, c.consent.at, 'unchanged consent keeps its time');
    const changed = expectStatus(await as(admin)('PATCH', `/api/v1/customers/${c.id}`, { consent: { marketing: 'withdrawn', source: 'sms reply' } }), 200);
    assert.notEqual(changed.consent.at, c.consent.at);
    assert.equal(changed.consent.marketing, 'withdrawn');
    const cleared = expectStatus(await as(admin)('PATCH', `/api/v1/customers/${c.id}`, { nickname: null, city: null }), 200);
    assert.equal(cleared.nickname, '');
    assert.equal(cleared.city, '');
    assertProblem(await as(admin)('POST', `/api/v1/customers/${c.id}/identities`, { kind: 'unionid', platform: 'tmall', value: 'u1' }), 400);
  });
});

describe('event keys', () => {
  test('a key is unique per source: one cannot claim another\'s key first', async () => {
    const key = uniq('order:tmall:');
    const g = await makeStaff(api, admin, 'guide');
    const mine = expectStatus(await as(g.token)('POST', '/api/v1/customers', { name: '导购客户' }), 201);
    const claimed = expectStatus(await as(g.token)('POST', '/api/v1/events', { events: [{ customer: { id: mine.id }, type: 'order_paid', key }] }), 200);
    assert.equal(claimed.accepted, 1);
    const c = expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '真实订单' }), 201);
    const real = expectStatus(await as(admin)('POST', '/api/v1/events', { events: [{ customer: { id: c.id }, type: 'order_paid', key }] }), 200);
    assert.equal(real.accepted, 1, 'the integration\'s event is stored, not taken for a duplicate');
    const again = expectStatus(await as(admin)('POST', '/api/v1/events', { events: [{ customer: { id: c.id }, type: 'order_paid', key }] }), 200);
    assert.equal(again.duplicates, 1, 'the same source sending it twice is a duplicate');
  });
});

describe('search box', () => {
  test('a mobile number typed as the search text finds its customer', async () => {
    const phone = uniqPhone();
    const c = expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '搜手机号', phone }), 201);
    const l = expectStatus(await as(admin)('GET', `/api/v1/customers?q=${phone}`), 200);
    assert.deepEqual(l.items.map((x) => x.id), [c.id]);
  });
});

describe('concurrent writers', () => {
  test('parallel batches naming the same new customer all succeed, and it exists once', async () => {
    const phone = uniqPhone();
    const batch = () => api('POST', '/api/v1/events', { token: admin, body: { events: [{ customer: { phone }, type: 'page_viewed' }] } });
    const rs = await Promise.all([batch(), batch(), batch(), batch()]);
    for (const r of rs) expectStatus(r, 200);
    assert.equal(rs.reduce((n, r) => n + r.json.accepted, 0), 4);
    const l = expectStatus(await as(admin)('GET', `/api/v1/customers?phone=${phone}`), 200);
    assert.equal(l.items.length, 1);
  });
});

describe('input edges', () => {
  test('invalid UTF-8 in a query or a path is a 400, never a 500', async () => {
    assertProblem(await as(admin)('GET', '/api/v1/customers?q=%FF%FE'), 400);
    assertProblem(await as(admin)('GET', '/api/v1/customers?lifecycle_stage=%FF'), 400);
    const c = expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '子' }), 201);
    assertProblem(await as(admin)('DELETE', `/api/v1/customers/${c.id}/tags/%FF`), 400);
  });
  test('too many filters are refused, not silently dropped', async () => {
    const tags = Array.from({ length: 21 }, (_, i) => `tag=t${i}`).join('&');
    assertProblem(await as(admin)('GET', `/api/v1/customers?${tags}`), 400);
    const many = Array.from({ length: 40 }, (_, i) => `x${i}=1`).join('&');
    assertProblem(await as(admin)('GET', `/api/v1/customers?${many}`), 400);
  });
  test('oversized headers are refused with a 4xx and the server carries on', async () => {
    const r = await api('GET', '/healthz', { headers: { 'X-Padding': 'x'.repeat(100 * 1024) } });
    assert.equal(r.status, 431);
    expectStatus(await api('GET', '/healthz'), 200);
  });
  test('huge ids are ordinary bad input', async () => {
    const r = expectStatus(await as(admin)('POST', '/api/v1/events', { events: [{ customer: { id: 1e300 }, type: 'checkin' }] }), 200);
    assert.equal(r.errors[0].field, 'events[0].customer.id');
    assertProblem(await as(admin)('POST', '/api/v1/customers/bulk/tags', { customer_ids: [1e300], add: ['x'] }), 400);
  });
  test('an order id too long to keep is a row error, not a silent duplicate', async () => {
    const long = 'X'.repeat(129);
    const csv = `customer_ref,ordered_on,quantity,amount,oid\nr1,2026-01-01,1,1.00,${long}A\nr1,2026-01-01,1,1.00,${long}B\n`;
    const r = expectStatus(await api('POST', '/api/v1/import/orders?map=order_id=oid&platform=hard', { token: admin, raw: csv, headers: { 'Content-Type': 'text/csv' } }), 200);
    assert.equal(r.imported, 0);
    assert.equal(r.skipped, 2);
    assert.match(r.errors[0].message, /order_id/);
  });
});
