// Per-activity figures (GET /api/v1/{flash-sales,coupons,lotteries,red-packets}/{id}/stats): participants, entries,
// buyers, paid orders, GMV, refunds and conversion, exact after arranging known orders, grants, draws and claims
// (paid through the sandbox provider), with orders that must not count beside those that must.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, expectStatus, makeStaff, uniq } from '../lib/client.mjs';

const SECRET = 'sandbox-secret-for-activity-stats';
let srv, api, admin, sku;
before(async () => {
  srv = await startServer({ name: 'activity-stats', env: { YUTANG_PAY_SANDBOX_SECRET: SECRET } });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
  const p = expectStatus(await as(admin)('POST', '/api/v1/products', {
    name: uniq('面霜'), category: '护肤', skus: [{ name: '50ml', specs: { 规格: '50ml' }, price: 10000, stock: 1000 }],
  }), 201);
  sku = p.skus[0].id;
});
after(async () => { if (srv) await srv.stop(); });

const as = (t) => (m, p, body) => api(m, p, { token: t, body });
const iso = (ms) => new Date(ms).toISOString();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function customer(name = '活动会员') {
  return expectStatus(await as(admin)('POST', '/api/v1/customers', { name }), 201).id;
}
async function member(name) {
  const id = await customer(name);
  const link = expectStatus(await as(admin)('POST', `/api/v1/customers/${id}/member-links`, {}), 201);
  return { id, token: link.token };
}
async function pay(orderId, amount) {
  const raw = JSON.stringify({ order_id: orderId, amount, transaction_id: uniq('sbx') });
  const sig = crypto.createHmac('sha256', SECRET).update(raw).digest('hex');
  const r = await api('POST', '/api/v1/payments/sandbox/notify', { raw, headers: { 'Content-Type': 'application/json', 'X-Sandbox-Signature': sig } });
  expectStatus(r, 200, 'payment');
}
/** A normal order of qty units for customer (with held coupons), paid unless told otherwise: {id, total}. */
async function order(customerId, qty, { coupons, paid = true } = {}) {
  const body = { customer_id: customerId, lines: [{ sku_id: sku, quantity: qty }] };
  if (coupons) body.coupon_ids = coupons;
  const o = expectStatus(await as(admin)('POST', '/api/v1/mall-orders', body), 201);
  if (paid) await pay(o.id, o.total);
  return o;
}
async function refund(orderId, itemId, quantity) {
  return expectStatus(await as(admin)('POST', `/api/v1/mall-orders/${orderId}/refunds`, {
    reason: '部分退款', lines: [{ item_id: itemId, quantity }],
  }), 201);
}
async function stats(path) {
  const s = expectStatus(await as(admin)('GET', path), 200, path);
  for (const k of ['participants', 'entries', 'buyers', 'orders', 'gmv', 'refunded']) assert.ok(Number.isInteger(s[k]), `${path} ${k}`);
  return s;
}
const figures = (s) => ({ participants: s.participants, entries: s.entries, buyers: s.buyers, orders: s.orders, gmv: s.gmv,
  refunded: s.refunded, conversion: s.conversion });

describe('activity figures', () => {
  test('a flash sale: who ordered, and its paid orders with their GMV and refunds', async () => {
    const sale = expectStatus(await as(admin)('POST', '/api/v1/flash-sales', {
      name: uniq('秒杀'), sku_id: sku, price: 5000, stock: 10, per_customer_limit: 3,
      starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000),
    }), 201);
    const flash = async (cid, quantity) => expectStatus(await as(admin)('POST', `/api/v1/flash-sales/${sale.id}/orders`, { customer_id: cid, quantity }), 201);
    const [a, b, c] = [await customer('甲'), await customer('乙'), await customer('丙')];
    const a1 = await flash(a, 2);
    await pay(a1.order_id, a1.total);
    const b1 = await flash(b, 1);
    await pay(b1.order_id, b1.total);
    await flash(c, 1);                        // never paid: a participant, not a buyer
    const a2 = await flash(a, 1);
    await pay(a2.order_id, a2.total);
    const r = await refund(a1.order_id, 0, 1); // one of a's two units back
    assert.equal(r.amount, 5000);

    const s = await stats(`/api/v1/flash-sales/${sale.id}/stats`);
    assert.equal(s.kind, 'flash_sale');
    assert.equal(s.id, sale.id);
    assert.deepEqual(figures(s), { participants: 3, entries: 4, buyers: 2, orders: 3, gmv: 20000, refunded: 5000, conversion: 0.6667 });
    assert.equal(s.orders_until, null);

    const quiet = expectStatus(await as(admin)('POST', '/api/v1/flash-sales', {
      name: uniq('无人秒杀'), sku_id: sku, price: 5000, stock: 1, starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000),
    }), 201);
    assert.deepEqual(figures(await stats(`/api/v1/flash-sales/${quiet.id}/stats`)),
      { participants: 0, entries: 0, buyers: 0, orders: 0, gmv: 0, refunded: 0, conversion: 0 });
  });

  test('a coupon: who holds one, and the paid orders that used one', async () => {
    const k = expectStatus(await as(admin)('POST', '/api/v1/coupons', {
      name: uniq('满100减10'), kind: 'amount', threshold: 10000, amount_off: 1000, total: 10, per_customer: 1,
      claim_ends: iso(Date.now() + 3600000), valid_days: 7,
    }), 201);
    const ids = [await customer('丁'), await customer('戊'), await customer('己'), await customer('庚')];
    const held = [];
    for (const id of ids) held.push(expectStatus(await as(admin)('POST', `/api/v1/coupons/${k.id}/grants`, { customer_id: id }), 201).id);
    const [a, b, c, d] = ids;
    const oa = await order(a, 2, { coupons: [held[0]] });   // counts, then one unit refunded
    assert.equal(oa.discount, 1000);
    await order(b, 1, { coupons: [held[1]], paid: false }); // pending: does not count
    await order(c, 1);                                      // paid without the coupon: does not count
    const od = await order(d, 1, { coupons: [held[3]] });   // refunded in full: its coupon comes back, it does not count
    expectStatus(await as(admin)('POST', `/api/v1/mall-orders/${od.id}/refunds`, { reason: '整单退款' }), 201);
    const item = expectStatus(await as(admin)('GET', `/api/v1/mall-orders/${oa.id}`), 200).items[0];
    const r = await refund(oa.id, item.id, 1);

    const s = await stats(`/api/v1/coupons/${k.id}/stats`);
    assert.equal(s.kind, 'coupon');
    assert.deepEqual(figures(s), { participants: 4, entries: 4, buyers: 1, orders: 1, gmv: oa.total, refunded: r.amount, conversion: 0.25 });
    assert.equal(s.orders_until, null);
  });

  test('a lottery: who drew, and their paid orders from their first draw on', async () => {
    const ends = Date.now() + 3600000;
    const l = expectStatus(await as(admin)('POST', '/api/v1/lotteries', {
      name: uniq('幸运转盘'), starts_at: iso(Date.now() - 1000), ends_at: iso(ends), cost_points: 0, free_per_day: 2,
      prizes: [{ name: '保温杯', kind: 'goods', stock: 100, weight: 1 }, { name: '谢谢参与', kind: 'none', weight: 1 }],
    }), 201);
    const draw = async (m) => expectStatus(await as(m.token)('POST', `/api/v1/member/lotteries/${l.id}/draws`, {}), 201);
    const [e, f, g] = [await member('辛'), await member('壬'), await member('癸')];
    await order(e.id, 1);                 // before e drew: does not count
    await sleep(20);
    await draw(e);
    const e1 = await order(e.id, 1);
    const e2 = await order(e.id, 3);
    await draw(f);
    await order(f.id, 1, { paid: false }); // never paid
    await draw(g);
    await draw(g);

    const s = await stats(`/api/v1/lotteries/${l.id}/stats`);
    assert.equal(s.kind, 'lottery');
    assert.deepEqual(figures(s), { participants: 3, entries: 4, buyers: 1, orders: 2, gmv: e1.total + e2.total, refunded: 0, conversion: 0.3333 });
    assert.equal(Date.parse(s.orders_until), ends + 7 * 86400000, 'seven days after the end');
  });

  test('red packets: who claimed, and their paid orders from their claim on', async () => {
    const ends = Date.now() + 3600000;
    const p = expectStatus(await as(admin)('POST', '/api/v1/red-packets', {
      name: uniq('新春红包'), total: 1000, count: 3, mode: 'fixed', starts_at: iso(Date.now() - 1000), ends_at: iso(ends),
    }), 201);
    const claim = (m) => as(m.token)('POST', `/api/v1/member/red-packets/${p.id}/claims`, {});
    const [h, i, j, k] = [await member('子'), await member('丑'), await member('寅'), await member('卯')];
    for (const m of [h, i, j]) expectStatus(await claim(m), 201);
    assertProblem(await claim(k), 409, 'every packet is claimed');
    expectStatus(await claim(h), 200, 'a second claim is the first again');
    const oh = await order(h.id, 1);
    const oi = await order(i.id, 2);
    await order(k.id, 1);                 // k claimed nothing: does not count
    const item = expectStatus(await as(admin)('GET', `/api/v1/mall-orders/${oi.id}`), 200).items[0];
    const r = await refund(oi.id, item.id, 1);

    const s = await stats(`/api/v1/red-packets/${p.id}/stats`);
    assert.equal(s.kind, 'red_packet');
    assert.deepEqual(figures(s), { participants: 3, entries: 3, buyers: 2, orders: 2, gmv: oh.total + oi.total, refunded: r.amount, conversion: 0.6667 });
    assert.equal(Date.parse(s.orders_until), ends + 7 * 86400000, 'seven days after the end');
  });

  test('404 for what does not exist; commerce.read is needed', async () => {
    for (const kind of ['flash-sales', 'coupons', 'lotteries', 'red-packets']) {
      assertProblem(await as(admin)('GET', `/api/v1/${kind}/999999999/stats`), 404, kind);
      assertProblem(await api('GET', `/api/v1/${kind}/1/stats`), 401, kind);
    }
    const analyst = await makeStaff(api, admin, 'analyst');
    const guide = await makeStaff(api, admin, 'guide');
    const quiet = expectStatus(await as(admin)('POST', '/api/v1/red-packets', {
      name: uniq('红包'), total: 100, count: 1, mode: 'fixed', starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000),
    }), 201);
    expectStatus(await as(analyst.token)('GET', `/api/v1/red-packets/${quiet.id}/stats`), 200, 'an analyst reads the figures');
    assertProblem(await as(guide.token)('GET', `/api/v1/red-packets/${quiet.id}/stats`), 403, 'a guide does not');
  });
});
