// Events: single and 10,000-item batches with per-index errors, idempotency keys, identity resolution, timelines.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, assertFieldError, expectStatus, listAll, serverErrors, uniq, uniqPhone } from '../lib/client.mjs';

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const TYPES = ['contact_added', 'contact_removed', 'group_joined', 'group_left', 'message_sent', 'order_paid',
  'order_refunded', 'page_viewed', 'form_submitted', 'coupon_redeemed', 'checkin'];

let srv, api, token;
before(async () => {
  srv = await startServer({ name: 'events' });
  ({ api } = client(srv.baseUrl));
  token = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

const get = (p) => api('GET', p, { token });
const post = (p, body) => api('POST', p, { token, body });
const send = async (events) => expectStatus(await post('/api/v1/events', { events }), 200, 'POST /events');
async function createCustomer(body) { return expectStatus(await post('/api/v1/customers', body), 201); }
async function timeline(id, limit = 200) { return (await listAll(api, `/api/v1/customers/${id}/events`, token, { limit })).items; }
async function findOne(query) {
  const l = expectStatus(await get(`/api/v1/customers?${query}`), 200);
  assert.equal(l.items.length, 1, `exactly one customer for ${query}: ${JSON.stringify(l.items.map((c) => c.id))}`);
  return l.items[0];
}

describe('single events', () => {
  test('one event for an unknown external_userid creates the customer and appears in its timeline', async () => {
    const ext = uniq('wm');
    const key = uniq('k');
    const r = await send([{ customer: { external_userid: ext }, type: 'contact_added', time: '2026-01-02T03:04:05Z', properties: { source: '扫码', n: 3, nested: { a: [1, 2] } }, key }]);
    assert.deepEqual(r, { accepted: 1, duplicates: 0, errors: [] });
    const c = await findOne(`external_userid=${ext}`);
    const t = await timeline(c.id);
    assert.equal(t.length, 1);
    assert.equal(t[0].type, 'contact_added');
    assert.equal(t[0].time, '2026-01-02T03:04:05Z');
    assert.deepEqual(t[0].properties, { source: '扫码', n: 3, nested: { a: [1, 2] } });
    assert.equal(t[0].key, key);
    assert.equal(typeof t[0].id, 'number');
  });

  test('every event type is accepted; time defaults to now', async () => {
    const c = await createCustomer({ name: '全类型' });
    const before = Date.now() - 5000;
    const r = await send(TYPES.map((type) => ({ customer: { id: c.id }, type })));
    assert.equal(r.accepted, TYPES.length);
    assert.deepEqual(r.errors, []);
    const t = await timeline(c.id);
    assert.deepEqual(t.map((e) => e.type).sort(), [...TYPES].sort());
    for (const e of t) {
      assert.match(e.time, RFC3339);
      const ms = Date.parse(e.time);
      assert.ok(ms >= before && ms <= Date.now() + 5000, `default time ${e.time} is now`);
    }
  });

  test('unknown identities of each kind create one customer each, reused within a batch', async () => {
    const phone = uniqPhone(); const unionid = uniq('un'); const openid = uniq('op'); const email = `${uniq('m')}@example.com`;
    const r = await send([
      { customer: { phone }, type: 'checkin' },
      { customer: { phone }, type: 'page_viewed' },
      { customer: { unionid }, type: 'checkin' },
      { customer: { openid }, type: 'checkin' },
      { customer: { email }, type: 'form_submitted' },
    ]);
    assert.equal(r.accepted, 5);
    const byPhone = await findOne(`phone=${phone}`);
    assert.equal((await timeline(byPhone.id)).length, 2, 'both phone events on one customer');
    for (const q of [`unionid=${unionid}`, `openid=${openid}`, `email=${encodeURIComponent(email)}`]) {
      const c = await findOne(q);
      assert.equal((await timeline(c.id)).length, 1, q);
    }
  });

  test('existing identity resolves to the existing customer', async () => {
    const unionid = uniq('un');
    const c = await createCustomer({ name: '已存在', unionid });
    const r = await send([{ customer: { unionid }, type: 'message_sent' }]);
    assert.equal(r.accepted, 1);
    assert.equal((await findOne(`unionid=${unionid}`)).id, c.id);
    assert.equal((await timeline(c.id)).length, 1);
  });
});

describe('idempotency keys', () => {
  test('same key again is a duplicate and stored once; events without keys always stored', async () => {
    const c = await createCustomer({ name: '幂等' });
    const k1 = uniq('k'); const k2 = uniq('k');
    let r = await send([{ customer: { id: c.id }, type: 'checkin', key: k1 }, { customer: { id: c.id }, type: 'checkin', key: k2 }]);
    assert.deepEqual([r.accepted, r.duplicates], [2, 0]);
    r = await send([{ customer: { id: c.id }, type: 'checkin', key: k1 }, { customer: { id: c.id }, type: 'checkin', key: k2 }, { customer: { id: c.id }, type: 'checkin', key: uniq('k') }]);
    assert.deepEqual([r.accepted, r.duplicates], [1, 2]);
    r = await send([{ customer: { id: c.id }, type: 'checkin' }, { customer: { id: c.id }, type: 'checkin' }]);
    assert.deepEqual([r.accepted, r.duplicates], [2, 0]);
    const k3 = uniq('k');
    r = await send([{ customer: { id: c.id }, type: 'page_viewed', key: k3 }, { customer: { id: c.id }, type: 'page_viewed', key: k3 }]);
    assert.deepEqual([r.accepted, r.duplicates], [1, 1], 'a key repeated inside one batch');
    const t = await timeline(c.id);
    assert.equal(t.length, 6);
    assert.equal(t.filter((e) => e.key === k1).length, 1);
    assert.equal(t.filter((e) => e.key === k3).length, 1);
  });
});

describe('large batch with bad items', () => {
  test('10,000 events: exact accepted count, errors by index, good ones stored, re-send all duplicates', { timeout: 240000 }, async () => {
    const customers = [];
    for (let i = 0; i < 8; i++) customers.push(await createCustomer({ name: `批量事件${i}` }));
    const newExt = uniq('new');
    const prefix = uniq('b');
    const bad = new Map([
      [0, 'type'], [17, 'type'], [9999, 'type'],              // unknown type
      [100, 'time'], [101, 'time'], [102, 'time'],            // bad times
      [200, 'customer'], [201, 'customer'], [202, 'customer'], // missing customer / no identifier / unknown id
      [300, 'type'], [301, 'properties'], [302, 'key'], [303, 'time'], [304, 'customer'], [305, 'customer'],
      [5000, 'customer'],
    ]);
    const events = [];
    const perCustomer = new Map(customers.map((c) => [c.id, new Set()]));
    const newKeys = new Set();
    for (let i = 0; i < 10000; i++) {
      const key = `${prefix}-${i}`;
      if (i >= 9000 && i < 9010) {           // unknown identity: a new customer
        events.push({ customer: { external_userid: newExt }, type: 'contact_added', key });
        newKeys.add(key);
        continue;
      }
      const c = customers[i % customers.length];
      events.push({ customer: { id: c.id }, type: TYPES[i % TYPES.length], key });
      if (!bad.has(i)) perCustomer.get(c.id).add(key);
    }
    events[0].type = 'teleported';
    events[17].type = '';
    events[9999].type = 'CHECKIN';
    events[100].time = 'yesterday';
    events[101].time = '2026-13-45T99:00:00Z';
    events[102].time = '2026-01-01 10:00:00';
    delete events[200].customer;
    events[201].customer = {};
    events[202].customer = { id: 987654321 };
    events[300].type = 5;
    events[301].properties = 'not an object';
    events[302].key = 7;
    events[303].time = 1767225600;
    events[304].customer = 'someone';
    events[305].customer = { id: 'abc' };
    events[5000].customer = null;
    const body = JSON.stringify({ events });
    assert.ok(body.length < 1024 * 1024, `batch body ${body.length} bytes fits in 1 MiB`);

    const r = await send(events);
    assert.equal(r.accepted, 10000 - bad.size, 'accepted count');
    assert.equal(r.duplicates, 0);
    const errIdx = r.errors.map((e) => e.index);
    assert.deepEqual([...new Set(errIdx)].sort((a, b) => a - b), [...bad.keys()].sort((a, b) => a - b), 'errors by index');
    for (const e of r.errors) {
      assert.equal(typeof e.message, 'string');
      assert.ok(e.message.length > 0);
      assert.ok(e.field.startsWith(`events[${e.index}]`), `field ${e.field} names the item`);
      const want = bad.get(e.index);
      assert.ok(e.field === `events[${e.index}].${want}` || e.field.startsWith(`events[${e.index}].${want}.`) || e.field.startsWith(`events[${e.index}].${want}[`),
        `index ${e.index}: field ${e.field}, expected ${want}`);
    }
    // stored exactly the good ones
    for (const c of customers) {
      const t = await timeline(c.id);
      const keys = t.map((e) => e.key);
      assert.equal(new Set(keys).size, keys.length, 'no event stored twice');
      assert.deepEqual(new Set(keys), perCustomer.get(c.id), `customer ${c.id} has exactly its good events`);
    }
    const nc = await findOne(`external_userid=${newExt}`);
    assert.deepEqual(new Set((await timeline(nc.id)).map((e) => e.key)), newKeys);

    // resend: everything good is a duplicate, nothing new stored
    const r2 = await send(events);
    assert.equal(r2.accepted, 0);
    assert.equal(r2.duplicates, 10000 - bad.size);
    assert.equal(r2.errors.length, r.errors.length);
    assert.equal((await timeline(customers[0].id)).length, perCustomer.get(customers[0].id).size);
  });

  test('more than 10,000 events -> 400', async () => {
    const events = Array.from({ length: 10001 }, () => ({ customer: { id: 1 }, type: 'checkin' }));
    assertFieldError(await post('/api/v1/events', { events }), 'events');
  });
});

describe('timeline', () => {
  test('newest first by event time, cursor pages without duplicates', async () => {
    const c = await createCustomer({ name: '时间线' });
    const times = [];
    for (let i = 0; i < 25; i++) times.push(new Date(Date.UTC(2026, 0, 1 + ((i * 7) % 25), 8, 0, i)).toISOString().replace('.000Z', 'Z'));
    const r = await send(times.map((time, i) => ({ customer: { id: c.id }, type: 'page_viewed', time, key: uniq(`t${i}`), properties: { i } })));
    assert.equal(r.accepted, 25);
    const all = await listAll(api, `/api/v1/customers/${c.id}/events`, token, { limit: 4 });
    assert.equal(all.items.length, 25);
    assert.equal(new Set(all.items.map((e) => e.id)).size, 25, 'no duplicates across pages');
    assert.deepEqual(all.pages, [4, 4, 4, 4, 4, 4, 1]);
    const got = all.items.map((e) => e.time);
    assert.deepEqual(got, [...times].sort().reverse(), 'newest first');
  });
  test('timeline of an unknown customer -> 404; bad cursor -> 400', async () => {
    assertProblem(await get('/api/v1/customers/987654321/events'), 404);
    const c = await createCustomer({ name: '游标' });
    assertProblem(await get(`/api/v1/customers/${c.id}/events?cursor=not-a-cursor`), 400);
  });
});

describe('no server errors', () => {
  test('no 5xx in this file', () => { assert.deepEqual(serverErrors(), []); });
});
