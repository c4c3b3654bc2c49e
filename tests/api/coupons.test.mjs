// Coupons and checkout: templates checked; claims never over-issue the quota nor pass the per-customer limit,
// even with many concurrent claimers; a held coupon is used once, even by two concurrent orders; orders take
// stock (never below zero), coupons and points in one transaction; cancelling (by the member, by staff, or by
// the payment window) gives all of it back; paid orders ship and complete; grants to a saved segment; claims and
// grants during their customers' merges leave nothing on a merged record.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer, storeQuery } from '../lib/server.mjs';
import { client, assertProblem, assertFieldError, expectStatus, makeStaff, uniq } from '../lib/client.mjs';

const SECRET = 'sandbox-secret-for-coupons';
let srv, api, admin;
before(async () => {
  srv = await startServer({ name: 'coupons', env: { YUTANG_PAY_SANDBOX_SECRET: SECRET, YUTANG_MALL_PAY_WINDOW: '2' } });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

const as = (t) => (m, p, body, headers) => api(m, p, { token: t, body, headers });
const iso = (ms) => new Date(ms).toISOString();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function customer(name = '会员') {
  const r = await as(admin)('POST', '/api/v1/customers', { name });
  expectStatus(r, 201);
  return r.json.id;
}
async function member(name) {
  const id = await customer(name);
  const r = await as(admin)('POST', `/api/v1/customers/${id}/member-links`, {});
  expectStatus(r, 201);
  return { id, token: r.json.token };
}
async function product({ price = 5000, stock = 100, category = '护肤' } = {}) {
  const r = await as(admin)('POST', '/api/v1/products', { name: uniq('精华'), category, skus: [{ name: '30ml', price, stock }] });
  expectStatus(r, 201);
  return { id: r.json.id, sku: r.json.skus[0].id };
}
async function coupon(body) {
  const r = await as(admin)('POST', '/api/v1/coupons', {
    name: '满100减10', kind: 'amount', threshold: 10000, amount_off: 1000, total: 100, per_customer: 1,
    claim_ends: iso(Date.now() + 3600000), valid_days: 7, ...body,
  });
  expectStatus(r, 201);
  return r.json;
}
async function stockOf(skuId) {
  const r = await as(admin)('GET', `/api/v1/skus/${skuId}/stock-moves?limit=1`);
  return r.json.items[0].stock_after;
}
async function balance(id) {
  return (await as(admin)('GET', `/api/v1/customers/${id}/points`)).json.balance;
}
function pay(orderId, amount) {
  const raw = JSON.stringify({ order_id: orderId, amount, transaction_id: uniq('sbx') });
  const sig = crypto.createHmac('sha256', SECRET).update(raw).digest('hex');
  return api('POST', '/api/v1/payments/sandbox/notify', { raw, headers: { 'Content-Type': 'application/json', 'X-Sandbox-Signature': sig } });
}

describe('coupon templates', () => {
  test('created and read as given; bad input refused naming the field', async () => {
    const p = await product();
    const c = await coupon({ name: '精华专享 85折', kind: 'percent', threshold: 0, amount_off: 0, percent_off: 15, max_off: 2000, products: [p.id] });
    assert.equal(c.kind, 'percent');
    assert.equal(c.left, 100);
    assert.deepEqual(c.scope, { products: [p.id], categories: [] });
    const now = Date.now();
    for (const [body, field] of [
      [{ kind: 'cash' }, 'kind'], [{ amount_off: 10000 }, 'amount_off'], [{ amount_off: -1 }, 'amount_off'],
      [{ kind: 'percent', percent_off: 100 }, 'percent_off'], [{ kind: 'percent', percent_off: 0 }, 'percent_off'],
      [{ total: 0 }, 'total'], [{ total: 1e12 }, 'total'], [{ per_customer: 0 }, 'per_customer'],
      [{ claim_starts: iso(now), claim_ends: iso(now - 1000) }, 'claim_ends'], [{ valid_days: 0 }, 'valid_until'],
      [{ products: [999999999] }, 'products[0]'], [{ products: [p.id], categories: ['护肤'] }, 'categories'],
      [{ claim_ends: 'tomorrow' }, 'claim_ends'], [{ name: '' }, 'name'], [{ threshold: 1.5 }, 'threshold'], [{ bonus: 1 }, 'bonus'],
    ]) {
      const r = await as(admin)('POST', '/api/v1/coupons', {
        name: '坏券', kind: 'amount', threshold: 10000, amount_off: 1000, total: 10, claim_ends: iso(now + 3600000), valid_days: 7, ...body,
      });
      assertFieldError(r, field, JSON.stringify(body));
    }
    const analyst = await makeStaff(api, admin, 'analyst');
    assertProblem(await as(analyst.token)('POST', '/api/v1/coupons', { name: 'x' }), 403);
    expectStatus(await as(analyst.token)('GET', `/api/v1/coupons/${c.id}`), 200);
  });
});

describe('claims', () => {
  test('a member claims within the window and the limit; staff tokens cannot claim as members', async () => {
    const c = await coupon({ per_customer: 2 });
    const m = await member('领券');
    expectStatus(await as(m.token)('POST', '/api/v1/member/coupons', { coupon_id: c.id }), 201);
    expectStatus(await as(m.token)('POST', '/api/v1/member/coupons', { coupon_id: c.id }), 201);
    const third = await as(m.token)('POST', '/api/v1/member/coupons', { coupon_id: c.id });
    assertProblem(third, 409);
    assert.match(third.json.type, /limit-reached$/);
    const mine = await as(m.token)('GET', '/api/v1/member/coupons?status=usable');
    assert.equal(mine.json.items.length, 2);
    assertFieldError(await as(m.token)('GET', '/api/v1/member/coupons?status=lost'), 'status');
    assertProblem(await as(admin)('POST', '/api/v1/member/coupons', { coupon_id: c.id }), 403);
    const later = await coupon({ claim_starts: iso(Date.now() + 3600000), claim_ends: iso(Date.now() + 7200000) });
    assertFieldError(await as(m.token)('POST', '/api/v1/member/coupons', { coupon_id: later.id }), 'coupon_id');
    assertProblem(await as(m.token)('POST', '/api/v1/member/coupons', { coupon_id: 999999999 }), 404);
    expectStatus(await as(admin)('POST', `/api/v1/coupons/${c.id}/stop`), 200);
    const stopped = await as(m.token)('POST', '/api/v1/member/coupons', { coupon_id: c.id });
    assertProblem(stopped, 409);
    assert.match(stopped.json.type, /stopped$/);
  });

  test('sixty concurrent claimers of a coupon with 20: exactly 20 issued, nobody over their limit', async () => {
    const c = await coupon({ total: 20, per_customer: 1 });
    const members = await Promise.all(Array.from({ length: 30 }, (_, i) => member(`抢券${i}`)));
    // each member tries twice at once: 60 claims for 20 coupons
    const rs = await Promise.all(members.flatMap((m) => [0, 1].map(() => as(m.token)('POST', '/api/v1/member/coupons', { coupon_id: c.id }))));
    const ok = rs.filter((r) => r.status === 201);
    assert.equal(ok.length, 20, 'exactly the quota');
    for (const r of rs) if (r.status !== 201) {
      assertProblem(r, 409);
      assert.match(r.json.type, /(exhausted|limit-reached)$/);
    }
    const holders = new Set(ok.map((r) => r.json.customer_id));
    assert.equal(holders.size, 20, 'nobody holds two');
    const after = await as(admin)('GET', `/api/v1/coupons/${c.id}`);
    assert.equal(after.json.issued, 20);
    assert.equal(after.json.left, 0);
  });

  test('a new-customers-only coupon refuses a customer who has bought', async () => {
    const c = await coupon({ new_customers_only: true });
    const m = await member('老客');
    const p = await product({ price: 3000 });
    const o = await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: p.sku, quantity: 1 }] });
    expectStatus(o, 201);
    expectStatus(await pay(o.json.id, 3000), 200);
    const r = await as(m.token)('POST', '/api/v1/member/coupons', { coupon_id: c.id });
    assertProblem(r, 409);
    assert.match(r.json.type, /new-customers-only$/);
  });
});

describe('checkout', () => {
  test('points given back by a cancelled order return to the lots they came from, with their expiry', async () => {
    const saved = expectStatus(await as(admin)('GET', '/api/v1/loyalty/settings'), 200);
    try {
      const m = await member('积分回退');
      expectStatus(await as(admin)('PUT', '/api/v1/loyalty/settings', { points_expire_days: 10 }), 200);
      expectStatus(await as(admin)('POST', `/api/v1/customers/${m.id}/points`, { delta: 1000 }), 201);
      expectStatus(await as(admin)('PUT', '/api/v1/loyalty/settings', { points_expire_days: 365 }), 200);
      expectStatus(await as(admin)('POST', `/api/v1/customers/${m.id}/points`, { delta: 1000 }), 201);
      const soon = expectStatus(await as(admin)('GET', `/api/v1/customers/${m.id}/points`), 200).expiring;
      assert.equal(soon.points, 1000);
      assert.ok(Date.parse(soon.at) < Date.now() + 11 * 86400000, 'the first lot expires in 10 days');
      const p = await product({ price: 6000, stock: 10 });
      const o = expectStatus(await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: p.sku, quantity: 1 }], points: 1500 }), 201);
      const spent = expectStatus(await as(admin)('GET', `/api/v1/customers/${m.id}/points`), 200);
      assert.equal(spent.balance, 500);
      assert.ok(Date.parse(spent.expiring.at) > Date.now() + 300 * 86400000, 'the 10-day lot was spent first');
      expectStatus(await as(m.token)('POST', `/api/v1/mall-orders/${o.id}/cancel`), 200);
      const back = expectStatus(await as(admin)('GET', `/api/v1/customers/${m.id}/points`), 200);
      assert.equal(back.balance, 2000);
      assert.deepEqual(back.expiring, soon, 'the 1000 are back in the lot that expires in 10 days, not in a new one');
      const ledger = expectStatus(await as(admin)('GET', `/api/v1/customers/${m.id}/points/ledger`), 200).items;
      assert.equal(ledger[0].reason, 'return');
      assert.equal(ledger[0].delta, 1500);
      assert.equal(ledger[0].expires_at, null, 'no new lot: every point found the lot it came from');
    } finally {
      expectStatus(await as(admin)('PUT', '/api/v1/loyalty/settings', { points_expire_days: saved.points_expire_days }), 200);
    }
  });

  test('coupons and points pay part of an order; stock moves; cancelling gives everything back', async () => {
    const p = await product({ price: 6000, stock: 10 });
    const c = await coupon({});
    const m = await member('下单');
    expectStatus(await as(admin)('POST', `/api/v1/customers/${m.id}/points`, { delta: 3000 }), 201);
    const held = (await as(m.token)('POST', '/api/v1/member/coupons', { coupon_id: c.id })).json.id;
    // one unit is 6000 fen, below the 10000 threshold
    assertFieldError(await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: p.sku, quantity: 1 }], coupon_ids: [held] }), 'coupon_ids[0]');
    assert.equal(await stockOf(p.sku), 10, 'a refused order took no stock');
    // two units: 12000 - 1000 (coupon) - 2000 points at 100 points a yuan = 9000
    const o = await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: p.sku, quantity: 2 }], coupon_ids: [held], points: 2000 });
    expectStatus(o, 201);
    assert.deepEqual([o.json.goods_total, o.json.discount, o.json.points_used, o.json.points_value, o.json.total, o.json.status],
      [12000, 1000, 2000, 2000, 9000, 'pending']);
    assert.equal(o.json.items.length, 1);
    assert.equal(o.json.items[0].subtotal, 12000);
    assert.equal(await stockOf(p.sku), 8);
    assert.equal(await balance(m.id), 1000);
    const used = await as(m.token)('GET', '/api/v1/member/coupons?status=used');
    assert.deepEqual(used.json.items.map((h) => [h.id, h.order_id]), [[held, o.json.id]]);
    // the same coupon again: used
    assertProblem(await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: p.sku, quantity: 2 }], coupon_ids: [held] }), 409);
    // the member cancels: stock, coupon and points come back
    const cancelled = await as(m.token)('POST', `/api/v1/mall-orders/${o.json.id}/cancel`);
    expectStatus(cancelled, 200);
    assert.equal(cancelled.json.status, 'cancelled');
    assert.equal(cancelled.json.cancel_reason, 'customer');
    assert.equal(await stockOf(p.sku), 10);
    assert.equal(await balance(m.id), 3000);
    assert.equal((await as(m.token)('GET', '/api/v1/member/coupons?status=usable')).json.items.length, 1);
    assertProblem(await as(m.token)('POST', `/api/v1/mall-orders/${o.json.id}/cancel`), 409);
  });

  test('bad orders change nothing and name the field', async () => {
    const p = await product({ price: 100, stock: 5 });
    const m = await member('坏单');
    const other = await member('别人');
    for (const [body, field] of [
      [{ lines: [] }, 'lines'], [{ lines: [{ sku_id: p.sku, quantity: 0 }] }, 'lines[0].quantity'],
      [{ lines: [{ sku_id: p.sku, quantity: 1e12 }] }, 'lines[0].quantity'], [{ lines: [{ sku_id: 999999999, quantity: 1 }] }, 'lines[0].sku_id'],
      [{ lines: [{ sku_id: p.sku, quantity: 1 }, { sku_id: p.sku, quantity: 1 }] }, 'lines[1].sku_id'],
      [{ lines: [{ sku_id: p.sku, quantity: 1 }], points: -5 }, 'points'], [{ lines: [{ sku_id: p.sku, quantity: 1 }], points: 1e12 }, 'points'],
      [{ lines: [{ sku_id: p.sku }] }, 'lines[0]'], [{ lines: [{ sku_id: p.sku, quantity: 1 }], coupon_ids: [0] }, 'coupon_ids[0]'],
      [{ lines: [{ sku_id: p.sku, quantity: 1 }], coupon_ids: [1, 2, 3, 4] }, 'coupon_ids'],
    ]) assertFieldError(await as(m.token)('POST', '/api/v1/mall-orders', body), field, JSON.stringify(body));
    const over = await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: p.sku, quantity: 6 }] });
    assertProblem(over, 409);
    assert.equal(over.json.errors[0].field, 'lines[0].quantity');
    assertProblem(await as(m.token)('POST', '/api/v1/mall-orders', { customer_id: other.id, lines: [{ sku_id: p.sku, quantity: 1 }] }), 403);
    // points beyond half the order
    expectStatus(await as(admin)('POST', `/api/v1/customers/${m.id}/points`, { delta: 1000 }), 201);
    assertFieldError(await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: p.sku, quantity: 1 }], points: 100 }), 'points');
    assert.equal(await stockOf(p.sku), 5);
    assert.equal(await balance(m.id), 1000);
    assert.equal((await as(m.token)('GET', '/api/v1/member/orders')).json.items.length, 0);
  });

  test('twenty concurrent orders for 7 in stock: exactly 7 placed; one coupon in two concurrent orders: used once', async () => {
    const p = await product({ price: 20000, stock: 7 });
    const ms = await Promise.all(Array.from({ length: 20 }, (_, i) => member(`抢单${i}`)));
    const rs = await Promise.all(ms.map((m) => as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: p.sku, quantity: 1 }] })));
    assert.equal(rs.filter((r) => r.status === 201).length, 7);
    for (const r of rs) if (r.status !== 201) assertProblem(r, 409);
    assert.equal(await stockOf(p.sku), 0);
    const q = await product({ price: 20000, stock: 50 });
    const c = await coupon({});
    const m = await member('一券两单');
    const held = (await as(m.token)('POST', '/api/v1/member/coupons', { coupon_id: c.id })).json.id;
    const two = await Promise.all([0, 1, 2, 3].map(() => as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: q.sku, quantity: 1 }], coupon_ids: [held] })));
    assert.equal(two.filter((r) => r.status === 201).length, 1, 'the coupon paid for one order');
    assert.equal(await stockOf(q.sku), 49, 'the refused orders took no stock');
  });

  test('stacking, scope and the percentage cap', async () => {
    const a = await product({ price: 10000, category: '彩妆' });
    const b = await product({ price: 10000, category: '护肤' });
    const pct = await coupon({ kind: 'percent', threshold: 0, amount_off: 0, percent_off: 20, max_off: 1500, categories: ['彩妆'], stackable: true });
    const amt = await coupon({ threshold: 0, amount_off: 500, stackable: true });
    const solo = await coupon({ threshold: 0, amount_off: 300 });
    const m = await member('叠券');
    const take = async (c) => (await as(m.token)('POST', '/api/v1/member/coupons', { coupon_id: c.id })).json.id;
    const [hp, ha, hs] = [await take(pct), await take(amt), await take(solo)];
    assertFieldError(await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: a.sku, quantity: 1 }], coupon_ids: [hp, hs] }), 'coupon_ids[1]');
    assertFieldError(await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: b.sku, quantity: 1 }], coupon_ids: [hp] }), 'coupon_ids[0]');
    // 20% of the 彩妆 line (20000) is 4000, capped at 1500; plus 500 off everything
    const o = await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: a.sku, quantity: 2 }, { sku_id: b.sku, quantity: 1 }], coupon_ids: [hp, ha] });
    expectStatus(o, 201);
    assert.equal(o.json.discount, 2000);
    assert.equal(o.json.total, 30000 - 2000);
  });

  test('paid, shipped, completed by the member; paid orders earn points; unpaid ones are cancelled after the window', async () => {
    const p = await product({ price: 8800, stock: 10 });
    const m = await member('全流程');
    const o = await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: p.sku, quantity: 1 }] });
    expectStatus(o, 201);
    assertProblem(await as(admin)('POST', `/api/v1/mall-orders/${o.json.id}/ship`, { carrier: '顺丰', tracking_no: 'SF1' }), 409);
    expectStatus(await pay(o.json.id, 8800), 200);
    assertFieldError(await as(admin)('POST', `/api/v1/mall-orders/${o.json.id}/ship`, { carrier: '' , tracking_no: 'SF1' }), 'carrier');
    const shipped = await as(admin)('POST', `/api/v1/mall-orders/${o.json.id}/ship`, { carrier: '顺丰', tracking_no: 'SF1234567890' });
    expectStatus(shipped, 200);
    assert.deepEqual(shipped.json.shipping, { carrier: '顺丰', tracking_no: 'SF1234567890' });
    assertProblem(await as(m.token)('POST', `/api/v1/mall-orders/${o.json.id}/cancel`), 409);
    const other = await member('别人');
    assertProblem(await as(other.token)('POST', `/api/v1/mall-orders/${o.json.id}/complete`), 404);
    assertProblem(await as(other.token)('GET', `/api/v1/member/orders/${o.json.id}`), 404);
    const done = await as(m.token)('POST', `/api/v1/mall-orders/${o.json.id}/complete`);
    expectStatus(done, 200);
    assert.equal(done.json.status, 'completed');
    assert.equal(await balance(m.id), 88);
    // an order nobody pays: cancelled by the sweep after the 2-second window, its stock back
    const late = await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: p.sku, quantity: 3 }] });
    expectStatus(late, 201);
    assert.equal(await stockOf(p.sku), 6);
    let status;
    for (let i = 0; i < 40 && status !== 'cancelled'; i++) {
      await sleep(250);
      status = (await as(m.token)('GET', `/api/v1/member/orders/${late.json.id}`)).json.status;
    }
    assert.equal(status, 'cancelled');
    assert.equal(await stockOf(p.sku), 9);
    assertProblem(await pay(late.json.id, 26400), 409, 'a payment after the window is refused');
  });
});

describe('refunds', () => {
  test('a partial then a full refund: money in proportion, stock, points paid and earned, coupons, the customer\'s orders', async () => {
    const p = await product({ price: 5000, stock: 10 });
    const c = await coupon({});
    const m = await member('退款');
    expectStatus(await as(admin)('POST', `/api/v1/customers/${m.id}/points`, { delta: 3000 }), 201);
    const held = (await as(m.token)('POST', '/api/v1/member/coupons', { coupon_id: c.id })).json.id;
    const o = await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: p.sku, quantity: 3 }], coupon_ids: [held], points: 2000 });
    expectStatus(o, 201);
    assert.equal(o.json.total, 15000 - 1000 - 2000);
    assertProblem(await as(admin)('POST', `/api/v1/mall-orders/${o.json.id}/refunds`, { reason: '未付款' }), 409);
    expectStatus(await pay(o.json.id, 12000), 200);
    assert.equal(await balance(m.id), 1000 + 120);
    const item = o.json.items[0].id;
    for (const [body, field] of [[{ reason: '' }, 'reason'], [{ reason: '多退', lines: [{ item_id: item, quantity: 4 }] }, 'lines[0].quantity'],
      [{ reason: '错项', lines: [{ item_id: 999999, quantity: 1 }] }, 'lines[0].item_id'], [{ reason: '零', lines: [{ item_id: item, quantity: 0 }] }, 'lines[0].quantity'],
      [{ reason: 'x', lines: [{ item_id: item }] }, 'lines[0]']])
      assertFieldError(await as(admin)('POST', `/api/v1/mall-orders/${o.json.id}/refunds`, body), field, JSON.stringify(body));
    const part = await as(admin)('POST', `/api/v1/mall-orders/${o.json.id}/refunds`, { reason: '少发一件', lines: [{ item_id: item, quantity: 1 }] });
    expectStatus(part, 201);
    assert.deepEqual([part.json.amount, part.json.points_returned, part.json.points_clawed, part.json.full, part.json.coupons_returned],
      [4000, 666, 40, false, false]);
    assert.equal(part.json.order.status, 'paid');
    assert.equal(part.json.order.items[0].refunded_quantity, 1);
    assert.equal(await stockOf(p.sku), 8);
    const rest = await as(admin)('POST', `/api/v1/mall-orders/${o.json.id}/refunds`, { reason: '整单退货' });
    expectStatus(rest, 201);
    assert.deepEqual([rest.json.amount, rest.json.points_returned, rest.json.points_clawed, rest.json.full, rest.json.coupons_returned],
      [8000, 1334, 80, true, true]);
    assert.equal(rest.json.order.status, 'refunded');
    assert.equal(rest.json.order.refunded, 12000, 'never more than was paid');
    assert.equal(await stockOf(p.sku), 10);
    assert.equal(await balance(m.id), 3000, 'points paid with are back, points earned are gone');
    assert.equal((await as(m.token)('GET', '/api/v1/member/coupons?status=usable')).json.items.length, 1, 'the coupon is back');
    const orders = await as(admin)('GET', `/api/v1/customers/${m.id}/orders`);
    assert.deepEqual(orders.json.items.map((x) => [x.amount_fen, x.status]), [[0, 'refunded']]);
    const list = await as(admin)('GET', `/api/v1/mall-orders/${o.json.id}/refunds`);
    assert.deepEqual(list.json.items.map((x) => [x.amount, x.status]), [[4000, 'succeeded'], [8000, 'succeeded']]);
    assertProblem(await as(admin)('POST', `/api/v1/mall-orders/${o.json.id}/refunds`, { reason: '再退' }), 409);
    assertProblem(await as(m.token)('POST', `/api/v1/mall-orders/${o.json.id}/refunds`, { reason: '自己退' }), 403);
  });

  test('concurrent refunds of one order refund it once; goods not coming back leave the stock alone', async () => {
    const p = await product({ price: 3000, stock: 10 });
    const m = await member('并发退款');
    const o = await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: p.sku, quantity: 2 }] });
    expectStatus(await pay(o.json.id, 6000), 200);
    const rs = await Promise.all([0, 1, 2, 3, 4].map(() => as(admin)('POST', `/api/v1/mall-orders/${o.json.id}/refunds`, { reason: '仅退款', restock: false })));
    assert.equal(rs.filter((r) => r.status === 201).length, 1);
    for (const r of rs) if (r.status !== 201) assertProblem(r, 409);
    assert.equal(await stockOf(p.sku), 8, 'restock false: the goods did not come back');
    const refunds = await as(admin)('GET', `/api/v1/mall-orders/${o.json.id}/refunds`);
    assert.equal(refunds.json.items.reduce((a, x) => a + x.amount, 0), 6000);
  });
});

describe('edges', () => {
  test('long Chinese names order fine; points never pay the whole order; a guide reaches only their own customers\' orders', async () => {
    const long = '超长名字'.repeat(15); // 60 characters, 180 bytes
    const p = await as(admin)('POST', '/api/v1/products', { name: long, skus: [{ name: '红色 XL 加厚款'.repeat(5).slice(0, 60), price: 1000, stock: 10 }] });
    expectStatus(p, 201);
    const m = await member('长名');
    expectStatus(await as(admin)('PUT', '/api/v1/loyalty/settings', { points_redeem_max_percent: 100 }), 200);
    try {
      expectStatus(await as(admin)('POST', `/api/v1/customers/${m.id}/points`, { delta: 5000 }), 201);
      const o = await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: p.json.skus[0].id, quantity: 1 }], points: 999 });
      expectStatus(o, 201);
      assert.ok(o.json.items[0].name.startsWith(long), 'the whole name, not cut');
      assert.equal(o.json.total, 1, 'points pay all but one fen');
      assertFieldError(await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: p.json.skus[0].id, quantity: 1 }], points: 1000 }), 'points');
    } finally {
      expectStatus(await as(admin)('PUT', '/api/v1/loyalty/settings', { points_redeem_max_percent: 50 }), 200);
    }
    const guide = await makeStaff(api, admin, 'guide');
    const other = await member('别的导购的客户');
    const o2 = await as(other.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: p.json.skus[0].id, quantity: 1 }] });
    expectStatus(o2, 201);
    assertProblem(await as(guide.token)('POST', `/api/v1/mall-orders/${o2.json.id}/cancel`), 404);
    assertProblem(await as(guide.token)('POST', '/api/v1/after-sales', { order_id: o2.json.id, kind: 'return', reason: '越权' }), 404);
    assert.equal((await as(other.token)('GET', `/api/v1/member/orders/${o2.json.id}`)).json.status, 'pending');
  });
});

describe('grants', () => {
  test('to one customer and to a saved segment, within the quota', async () => {
    const tag = uniq('券群');
    const ids = [];
    for (let i = 0; i < 5; i++) {
      const r = await as(admin)('POST', '/api/v1/customers', { name: `群发${i}`, tags: [tag] });
      expectStatus(r, 201);
      ids.push(r.json.id);
    }
    const seg = await as(admin)('POST', '/api/v1/segments', { name: uniq('领券人群'), query: `tag = "${tag}"` });
    expectStatus(seg, 201);
    const small = await coupon({ total: 3 });
    const refused = await as(admin)('POST', `/api/v1/segments/${seg.json.id}/actions`, { action: 'grant_coupon', coupon_id: small.id });
    assertProblem(refused, 409);
    assert.match(refused.json.type, /exhausted$/);
    assert.equal((await as(admin)('GET', `/api/v1/coupons/${small.id}`)).json.issued, 0, 'nothing granted');
    const c = await coupon({ total: 10 });
    expectStatus(await as(admin)('POST', `/api/v1/coupons/${c.id}/grants`, { customer_id: ids[0] }), 201);
    const g = await as(admin)('POST', `/api/v1/segments/${seg.json.id}/actions`, { action: 'grant_coupon', coupon_id: c.id });
    expectStatus(g, 200);
    assert.deepEqual([g.json.members, g.json.affected], [5, 4], 'the one who holds it already is at the limit');
    assert.equal((await as(admin)('GET', `/api/v1/coupons/${c.id}`)).json.issued, 5);
    const held = await as(admin)('GET', `/api/v1/customers/${ids[3]}/coupons`);
    assert.equal(held.json.items[0].source, 'grant');
    const service = await makeStaff(api, admin, 'service');
    assertProblem(await as(service.token)('POST', `/api/v1/segments/${seg.json.id}/actions`, { action: 'grant_coupon', coupon_id: c.id }), 403);
  });

  test('a merge keeps both customers\' coupons on the survivor', async () => {
    const c = await coupon({});
    const a = await member('并入');
    const s = await member('存续');
    for (const m of [a, s]) expectStatus(await as(m.token)('POST', '/api/v1/member/coupons', { coupon_id: c.id }), 201);
    expectStatus(await as(admin)('POST', `/api/v1/customers/${s.id}/merge`, { from: a.id }), 200);
    assert.equal((await as(admin)('GET', `/api/v1/customers/${s.id}/coupons`)).json.items.length, 2);
  });
});

describe('claims and grants while their customers are merged', () => {
  test('no coupon is left on a merged record, whichever came first', async () => {
    const c = await coupon({ threshold: 0, total: 100000, per_customer: 100 });
    const tag = uniq('并号券');
    const seg = await as(admin)('POST', '/api/v1/segments', { name: uniq('并号人群'), query: `tag = "${tag}"` });
    expectStatus(seg, 201);
    const pairs = 30;
    const ids = [];
    for (let i = 0; i < 2 * pairs; i++) {
      const r = await as(admin)('POST', '/api/v1/customers', { name: `并号${i}`, tags: [tag] });
      expectStatus(r, 201);
      ids.push(r.json.id);
    }
    const rs = [];
    for (let at = 0; at < pairs; at += 3) { // three pairs at a time, well within one address's connections
      const work = [];
      for (let i = at; i < at + 3; i++) {
        const [s, b] = [ids[2 * i], ids[2 * i + 1]];
        const grant = () => as(admin)('POST', `/api/v1/coupons/${c.id}/grants`, { customer_id: b });
        for (let k = 0; k < 8; k++) work.push(grant()); // coupons for the record about to be absorbed...
        work.push(as(admin)('POST', `/api/v1/customers/${s}/merge`, { from: b }).then((r) => ({ ...r, merge: true }))); // ...while it is merged
        for (let k = 0; k < 8; k++) work.push(grant());
      }
      work.push(as(admin)('POST', `/api/v1/segments/${seg.json.id}/actions`, { action: 'grant_coupon', coupon_id: c.id }).then((r) => ({ ...r, segment: true })));
      rs.push(...await Promise.all(work));
    }
    const other = [];
    for (const r of rs) {
      const ok = r.merge || r.segment ? r.status === 200 : r.status === 201 || (r.status === 409 && /merged or erased just now/.test(r.text));
      if (!ok) other.push(`${r.status} ${r.text}`);
    }
    assert.deepEqual(other, [], 'every grant made or asked to try again, every merge made');
    const orphans = storeQuery(srv, 'SELECT count(*) FROM customer_coupons h JOIN customers m ON m.id = h.customer_id WHERE m.merged_into IS NOT NULL');
    assert.equal(orphans, '0', 'coupons left on merged records');
    const [issued, held] = storeQuery(srv, `SELECT issued, (SELECT count(*) FROM customer_coupons WHERE coupon_id = ${c.id}) FROM coupons WHERE id = ${c.id}`).split('|');
    assert.equal(issued, held, 'the quota counts every coupon held, no more');
  });
});
