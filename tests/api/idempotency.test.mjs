// Idempotency-Key on writes: a retried request gets the stored answer; a reused key on another request is a 409.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, expectStatus, uniq } from '../lib/client.mjs';

let srv, api, token;
before(async () => {
  srv = await startServer({ name: 'idempotency' });
  ({ api } = client(srv.baseUrl));
  token = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

describe('Idempotency-Key', () => {
  test('a retried create returns the same customer and creates it once', async () => {
    const key = uniq('idem');
    const name = `幂等${uniq('n')}`;
    const send = () => api('POST', '/api/v1/customers', { token, body: { name }, headers: { 'Idempotency-Key': key } });
    const a = expectStatus(await send(), 201);
    const b = expectStatus(await send(), 201);
    assert.equal(a.id, b.id);
    const l = expectStatus(await api('GET', `/api/v1/customers?q=${encodeURIComponent(name)}`, { token }), 200);
    assert.equal(l.items.length, 1, 'created once');
  });

  test('the same key on a different request is a 409 naming the header', async () => {
    const key = uniq('idem');
    expectStatus(await api('POST', '/api/v1/customers', { token, body: { name: '甲' }, headers: { 'Idempotency-Key': key } }), 201);
    const r = await api('POST', '/api/v1/customers', { token, body: { name: '乙' }, headers: { 'Idempotency-Key': key } });
    assertProblem(r, 409);
    assert.ok(r.json.errors.some((e) => e.field === 'Idempotency-Key'));
  });

  test('a retried event batch is not counted twice', async () => {
    const key = uniq('idem');
    const body = { events: [{ customer: { external_userid: uniq('wm') }, type: 'checkin' }] };
    const a = expectStatus(await api('POST', '/api/v1/events', { token, body, headers: { 'Idempotency-Key': key } }), 200);
    const b = expectStatus(await api('POST', '/api/v1/events', { token, body, headers: { 'Idempotency-Key': key } }), 200);
    assert.deepEqual(a, b);
    assert.equal(a.accepted, 1);
  });

  test('concurrent retries with one key run the write once', async () => {
    const key = uniq('idem');
    const name = `并发${uniq('n')}`;
    const rs = await Promise.all(Array.from({ length: 8 }, () =>
      api('POST', '/api/v1/customers', { token, body: { name }, headers: { 'Idempotency-Key': key } })));
    for (const r of rs) assert.ok(r.status === 201 || r.status === 409, `status ${r.status}`);
    const created = new Set(rs.filter((r) => r.status === 201).map((r) => r.json.id));
    assert.equal(created.size, 1, 'every 201 is the same customer');
    const l = expectStatus(await api('GET', `/api/v1/customers?q=${encodeURIComponent(name)}`, { token }), 200);
    assert.equal(l.items.length, 1, 'created once');
    const again = expectStatus(await api('POST', '/api/v1/customers', { token, body: { name }, headers: { 'Idempotency-Key': key } }), 201);
    assert.equal(again.id, [...created][0]);
  });

  test('a member\'s key is their own: another member sending the same key runs their own request', async () => {
    const member = async (name) => {
      const c = expectStatus(await api('POST', '/api/v1/customers', { token, body: { name } }), 201);
      return expectStatus(await api('POST', `/api/v1/customers/${c.id}/member-links`, { token, body: {} }), 201).token;
    };
    const [a, b] = [await member('会员甲'), await member('会员乙')];
    const headers = { 'Idempotency-Key': 'checkin-today' };
    const ra = await api('POST', '/api/v1/member/checkins', { token: a, body: {}, headers });
    const rb = await api('POST', '/api/v1/member/checkins', { token: b, body: {}, headers });
    expectStatus(ra, 201);
    expectStatus(rb, 201);
    for (const t of [a, b]) assert.equal(expectStatus(await api('GET', '/api/v1/member/checkins', { token: t }), 200).checked_in_today, true);
    assert.deepEqual(expectStatus(await api('POST', '/api/v1/member/checkins', { token: a, body: {}, headers }), 201), ra.json, 'a retry gets the stored answer');
  });

  test('an over-long key is a 400', async () => {
    const r = await api('POST', '/api/v1/customers', { token, body: { name: '长' }, headers: { 'Idempotency-Key': 'k'.repeat(201) } });
    assertProblem(r, 400);
  });
});
