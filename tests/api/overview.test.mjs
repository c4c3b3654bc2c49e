// The overview: customer counts by lifecycle stage and store, orders and repurchase, recent events; guides see their own.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { client, expectStatus, makeStaff, uniq } from '../lib/client.mjs';

let srv, api, token;
before(async () => {
  srv = await startServer({ name: 'overview' });
  ({ api } = client(srv.baseUrl));
  token = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

const overview = async (t = token) => expectStatus(await api('GET', '/api/v1/stats/overview', { token: t }), 200);

describe('overview', () => {
  test('counts follow the data, stage by stage, with exact money', async () => {
    const before0 = await overview();
    assert.deepEqual(before0.lifecycle.map((x) => x.stage),
      ['stranger', 'weak_tie', 'customer', 'repeat_customer', 'fan', 'iron_fan', 'partner', 'churn_risk', 'dormant']);
    const store = expectStatus(await api('POST', '/api/v1/stores', { token, body: { name: `门店${uniq('s')}`, city: '杭州' } }), 201);
    const fan = expectStatus(await api('POST', '/api/v1/customers', { token, body: { name: '铁粉甲', lifecycle_stage: 'fan', store_id: store.id } }), 201);
    expectStatus(await api('POST', '/api/v1/customers', { token, body: { name: '路人乙', store_id: store.id, consent: { marketing: 'granted', source: 'form' } } }), 201);
    const ref = uniq('buyer');
    // dated from today, so the lifecycle rules place them the same way whenever the test runs
    const ago = (days) => new Date(Date.now() + 8 * 3600e3 - days * 86400e3).toISOString().slice(0, 10);
    const csv = `customer_ref,ordered_on,quantity,amount\n${ref},${ago(300)},1,19.90\n${ref},${ago(270)},2,0.15\n${ref}x,${ago(270)},1,100\n`;
    expectStatus(await api('POST', '/api/v1/import/orders?platform=jd', { token, raw: csv, headers: { 'Content-Type': 'text/csv' } }), 200);
    expectStatus(await api('POST', '/api/v1/events', { token, body: { events: [{ customer: { id: fan.id }, type: 'checkin' }] } }), 200);

    // the lifecycle rules place the new customers soon after their writes (a stage given by hand is a start)
    const stage = (x, s) => x.lifecycle.find((l) => l.stage === s).customers;
    let o;
    const settled = (x) => ['weak_tie', 'customer', 'churn_risk'].every((s) => stage(x, s) === stage(before0, s) + 1);
    for (let i = 0; i < 200; i++) {
      o = await overview();
      if (settled(o)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(o.customers, before0.customers + 4);
    assert.equal(o.new_7d, before0.new_7d + 4);
    assert.equal(o.consent_granted, before0.consent_granted + 1);
    assert.equal(stage(o, 'weak_tie'), stage(before0, 'weak_tie') + 1, 'no orders, consent granted');
    assert.equal(stage(o, 'fan'), stage(before0, 'fan') + 1, 'a stage set by hand stays (pinned)');
    assert.equal(stage(o, 'churn_risk'), stage(before0, 'churn_risk') + 1, 'two orders, the last over 120 days ago: churn risk');
    assert.equal(stage(o, 'customer'), stage(before0, 'customer') + 1);
    assert.equal(o.stores.find((s) => s.store_id === store.id).customers, 2);
    assert.equal(o.orders.count, before0.orders.count + 3);
    assert.equal(o.orders.gmv_fen, before0.orders.gmv_fen + 1990 + 15 + 10000);
    assert.equal(o.orders.buyers, before0.orders.buyers + 2);
    assert.equal(o.orders.repeat_buyers, before0.orders.repeat_buyers + 1);
    assert.ok(o.events_7d >= before0.events_7d + 1);
  });

  test('a guide sees only their own customers in the overview', async () => {
    const g = await makeStaff(api, token, 'guide');
    const gt = g.token;
    const zero = await overview(gt);
    assert.equal(zero.customers, 0);
    expectStatus(await api('POST', '/api/v1/customers', { token: gt, body: { name: '导购的客户' } }), 201);
    const one = await overview(gt);
    assert.equal(one.customers, 1);
    assert.ok((await overview()).customers > 1);
  });
});
