// Loyalty and members: the points ledger (never below 0, even with many concurrent spends; expiry lots;
// points earned on paid mall orders; merged with the customer), the brand's settings, member link tokens
// (signed and expiring; a member acts only as themselves, a staff token never opens member pages), and
// check-in (one a day, streak rewards once per run, make-ups at a cost).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, assertFieldError, expectStatus, makeStaff, uniq } from '../lib/client.mjs';

const SECRET = 'sandbox-secret-for-loyalty';
let srv, api, admin;
before(async () => {
  srv = await startServer({ name: 'loyalty', env: { YUTANG_PAY_SANDBOX_SECRET: SECRET } });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

const as = (t) => (m, p, body, headers) => api(m, p, { token: t, body, headers });
const iso = (ms) => new Date(ms).toISOString();
/** The brand's calendar day (Asia/Shanghai) n days from today, as YYYY-MM-DD. */
const brandDay = (n = 0) => new Date(Date.now() + 8 * 3600000 + n * 86400000).toISOString().slice(0, 10);

async function customer(name = '积分会员') {
  const r = await as(admin)('POST', '/api/v1/customers', { name });
  expectStatus(r, 201);
  return r.json.id;
}
async function give(id, delta, token = admin) {
  return as(token)('POST', `/api/v1/customers/${id}/points`, { delta, reason: 'adjust', note: '测试' });
}
async function balance(id) {
  const r = await as(admin)('GET', `/api/v1/customers/${id}/points`);
  expectStatus(r, 200);
  return r.json.balance;
}
async function link(id, body = {}) {
  const r = await as(admin)('POST', `/api/v1/customers/${id}/member-links`, body);
  expectStatus(r, 201);
  return r.json.token;
}

describe('points', () => {
  test('given and spent through the ledger; never below zero; bad input changes nothing', async () => {
    const id = await customer();
    expectStatus(await give(id, 100), 201);
    const spent = await give(id, -30);
    expectStatus(spent, 201);
    assert.equal(spent.json.balance, 70);
    const over = await give(id, -71);
    assertProblem(over, 409);
    assert.equal(over.json.errors[0].field, 'points');
    for (const [body, field] of [
      [{ delta: 0 }, 'delta'], [{ delta: 1e12 }, 'delta'], [{ delta: 1.5 }, 'delta'], [{}, 'delta'],
      [{ delta: 5, reason: 'order' }, 'reason'], [{ delta: 5, note: 'x'.repeat(101) }, 'note'], [{ delta: 5, extra: 1 }, 'extra'],
    ]) assertFieldError(await as(admin)('POST', `/api/v1/customers/${id}/points`, body), field, JSON.stringify(body));
    assert.equal(await balance(id), 70);
    const ledger = await as(admin)('GET', `/api/v1/customers/${id}/points/ledger`);
    expectStatus(ledger, 200);
    assert.deepEqual(ledger.json.items.map((e) => [e.delta, e.balance_after, e.reason]), [[-30, 70, 'adjust'], [100, 100, 'adjust']]);
    assert.ok(ledger.json.items[1].expires_at, 'earned points expire (365 days by default)');
    const b = await as(admin)('GET', `/api/v1/customers/${id}/points`);
    assert.equal(b.json.expiring.points, 70, 'the spend came out of the lot that expires first');
    assertProblem(await as(admin)('POST', '/api/v1/customers/999999999/points', { delta: 5 }), 404);
  });

  test('only roles with points.write change points; analysts read them', async () => {
    const id = await customer();
    const analyst = await makeStaff(api, admin, 'analyst');
    const service = await makeStaff(api, admin, 'service');
    assertProblem(await give(id, 5, analyst.token), 403);
    expectStatus(await give(id, 5, service.token), 201);
    expectStatus(await as(analyst.token)('GET', `/api/v1/customers/${id}/points`), 200);
  });

  test('many concurrent spends never take the balance below zero', async () => {
    const id = await customer();
    expectStatus(await give(id, 200), 201);
    const results = await Promise.all(Array.from({ length: 60 }, () => give(id, -10)));
    const ok = results.filter((r) => r.status === 201).length;
    for (const r of results) if (r.status !== 201) assertProblem(r, 409);
    assert.equal(ok, 20, 'exactly the balance was spent');
    assert.equal(await balance(id), 0);
    const ledger = await as(admin)('GET', `/api/v1/customers/${id}/points/ledger?limit=200`);
    assert.equal(ledger.json.items.length, 21);
    assert.ok(ledger.json.items.every((e) => e.balance_after >= 0));
  });

  test('a merge sums the balances and moves the ledger', async () => {
    const a = await customer('并入者');
    const s = await customer('存续者');
    expectStatus(await give(a, 40), 201);
    expectStatus(await give(s, 60), 201);
    expectStatus(await as(admin)('POST', `/api/v1/customers/${s}/merge`, { from: a }), 200);
    assert.equal(await balance(s), 100);
    const ledger = await as(admin)('GET', `/api/v1/customers/${s}/points/ledger`);
    assert.equal(ledger.json.items.length, 2);
    expectStatus(await give(s, -100), 201, 'both lots can be spent');
  });
});

describe('settings', () => {
  test('read, changed in part, checked', async () => {
    const r = await as(admin)('GET', '/api/v1/loyalty/settings');
    expectStatus(r, 200);
    assert.equal(r.json.points_per_yuan, 1);
    assert.deepEqual(r.json.checkin_streaks, [{ days: 7, points: 50 }, { days: 30, points: 300 }]);
    for (const [body, field] of [
      [{ points_per_yuan: -1 }, 'points_per_yuan'], [{ checkin_makeup_days: 400 }, 'checkin_makeup_days'],
      [{ checkin_streaks: [{ days: 7, points: 1 }, { days: 7, points: 2 }] }, 'checkin_streaks'],
      [{ checkin_streaks: [{ days: 1, points: 1 }] }, 'checkin_streaks'], [{ checkin_streaks: 'x' }, 'checkin_streaks'],
      [{ checkin_streaks: [{ days: 3 }] }, 'checkin_streaks'], [{ bonus: 1 }, 'bonus'],
    ]) assertFieldError(await as(admin)('PUT', '/api/v1/loyalty/settings', body), field, JSON.stringify(body));
    const analyst = await makeStaff(api, admin, 'analyst');
    assertProblem(await as(analyst.token)('PUT', '/api/v1/loyalty/settings', { checkin_points: 1 }), 403);
    const again = await as(admin)('GET', '/api/v1/loyalty/settings');
    assert.deepEqual(again.json, r.json, 'refused changes changed nothing');
  });
});

describe('member links', () => {
  test('a member opens their own pages; tampered, foreign and staff tokens are refused', async () => {
    const id = await customer('林小满');
    expectStatus(await give(id, 30), 201);
    const tok = await link(id);
    assert.match(tok, /^ytm_/);
    const me = await as(tok)('GET', '/api/v1/member');
    expectStatus(me, 200);
    assert.equal(me.json.customer_id, id);
    assert.equal(me.json.name, '林小满');
    assert.equal(me.json.points, 30);
    assert.equal(me.json.phone, undefined);
    const [, cid, exp, mac] = tok.split('_');
    const forged = [
      `ytm_${Number(cid) + 1}_${exp}_${mac}`, // another customer
      `ytm_${cid}_${Number(exp) + 86400}_${mac}`, // a longer life
      `ytm_${cid}_${exp}_${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, // a changed signature
      `ytm_${cid}_${exp}_`, 'ytm_', `ytm_0${cid}_${exp}_${mac}`,
    ];
    for (const f of forged) assertProblem(await as(f)('GET', '/api/v1/member'), 401, f);
    // a member's link opens member pages only; a staff token opens none of them
    assertProblem(await as(tok)('GET', `/api/v1/customers/${id}`), 403);
    assertProblem(await as(tok)('GET', '/api/v1/customers'), 403);
    assertProblem(await as(tok)('POST', `/api/v1/customers/${id}/points`, { delta: 100 }), 403);
    assertProblem(await as(admin)('GET', '/api/v1/member'), 403);
    for (const [body, field] of [[{ ttl_hours: 0 }, 'ttl_hours'], [{ ttl_hours: 721 }, 'ttl_hours'], [{ ttl: 1 }, 'ttl']])
      assertFieldError(await as(admin)('POST', `/api/v1/customers/${id}/member-links`, body), field);
  });

  test('an erased customer\'s link stops working; a merged one speaks for the survivor', async () => {
    const gone = await customer('将被删除');
    const tok = await link(gone);
    expectStatus(await as(tok)('GET', '/api/v1/member'), 200);
    expectStatus(await as(admin)('POST', `/api/v1/customers/${gone}/erase`, {}), 200);
    assertProblem(await as(tok)('GET', '/api/v1/member'), 401);
    const a = await customer('并入者');
    const s = await customer('存续者');
    const atok = await link(a);
    expectStatus(await as(admin)('POST', `/api/v1/customers/${s}/merge`, { from: a }), 200);
    const me = await as(atok)('GET', '/api/v1/member');
    expectStatus(me, 200);
    assert.equal(me.json.customer_id, s);
  });

  test('a member orders a flash sale for themselves only, and the paid order earns points', async () => {
    const p = await as(admin)('POST', '/api/v1/products', { name: uniq('会员专享'), skus: [{ name: '标准', price: 19900, stock: 10 }] });
    expectStatus(p, 201);
    const sale = await as(admin)('POST', '/api/v1/flash-sales', {
      name: uniq('会员日秒杀'), sku_id: p.json.skus[0].id, price: 9900, stock: 5, per_customer_limit: 1,
      starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000),
    });
    expectStatus(sale, 201);
    const id = await customer('秒杀会员');
    const other = await customer('别人');
    const tok = await link(id);
    assertProblem(await as(tok)('POST', `/api/v1/flash-sales/${sale.json.id}/orders`, { customer_id: other, quantity: 1 }), 403);
    const o = await as(tok)('POST', `/api/v1/flash-sales/${sale.json.id}/orders`, { quantity: 1 });
    expectStatus(o, 201);
    assert.equal(o.json.customer_id, id);
    const raw = JSON.stringify({ order_id: o.json.order_id, amount: 9900, transaction_id: uniq('sbx') });
    const sig = crypto.createHmac('sha256', SECRET).update(raw).digest('hex');
    expectStatus(await api('POST', '/api/v1/payments/sandbox/notify', { raw, headers: { 'Content-Type': 'application/json', 'X-Sandbox-Signature': sig } }), 200);
    const mine = await as(tok)('GET', '/api/v1/member/orders');
    expectStatus(mine, 200);
    assert.deepEqual(mine.json.items.map((x) => [x.id, x.status]), [[o.json.order_id, 'paid']]);
    const pts = await as(tok)('GET', '/api/v1/member/points');
    assert.equal(pts.json.balance, 99, '99 yuan paid earns 99 points at 1 a yuan');
    const ledger = await as(tok)('GET', '/api/v1/member/points/ledger');
    assert.equal(ledger.json.items[0].reason, 'order');
    assert.equal(ledger.json.items[0].ref, `mall_order:${o.json.order_id}`);
  });
});

describe('points mall', () => {
  async function goods(body) {
    const p = await as(admin)('POST', '/api/v1/products', { name: uniq('积分好物'), skus: [{ name: '标准', price: 9900, stock: 20 }] });
    expectStatus(p, 201);
    const r = await as(admin)('POST', '/api/v1/points-mall/items', { name: uniq('兑换'), kind: 'goods', sku_id: p.json.skus[0].id,
      points: 500, stock: 3, per_customer: 2, ...body });
    expectStatus(r, 201);
    return { item: r.json, sku: p.json.skus[0].id };
  }
  const skuStock = async (sku) => (await as(admin)('GET', `/api/v1/skus/${sku}/stock-moves?limit=1`)).json.items[0].stock_after;

  test('goods for points: spent, shipped as a paid order, limited per customer; bad items refused', async () => {
    const { item, sku } = await goods({});
    const id = await customer('兑换者');
    expectStatus(await give(id, 2000), 201);
    const tok = await link(id);
    const list = await as(tok)('GET', '/api/v1/points-mall/items?limit=200');
    expectStatus(list, 200);
    assert.ok(list.json.items.some((i) => i.id === item.id));
    const r = await as(tok)('POST', `/api/v1/points-mall/items/${item.id}/redemptions`, { quantity: 2 });
    expectStatus(r, 201);
    assert.deepEqual([r.json.points, r.json.cash, r.json.status], [1000, 0, 'done']);
    const order = await as(tok)('GET', `/api/v1/member/orders/${r.json.order_id}`);
    assert.deepEqual([order.json.kind, order.json.status, order.json.total, order.json.points_used], ['points', 'paid', 0, 1000]);
    assert.equal(await balance(id), 1000);
    assert.equal(await skuStock(sku), 18);
    const more = await as(tok)('POST', `/api/v1/points-mall/items/${item.id}/redemptions`, { quantity: 1 });
    assertProblem(more, 409);
    assert.match(more.json.type, /limit-reached$/);
    assert.equal(await balance(id), 1000, 'a refused redemption spends nothing');
    for (const [body, field] of [[{ kind: 'gift' }, 'kind'], [{ points: 0 }, 'points'], [{ stock: -1 }, 'stock'], [{ sku_id: 999999999 }, 'sku_id'],
      [{ cash: -5 }, 'cash'], [{ per_customer: 0 }, 'per_customer']])
      assertFieldError(await as(admin)('POST', '/api/v1/points-mall/items', { name: '坏', kind: 'goods', sku_id: sku, points: 10, stock: 1, ...body }), field);
    expectStatus(await as(admin)('PATCH', `/api/v1/points-mall/items/${item.id}`, { status: 'off' }), 200);
    const hidden = await as(tok)('GET', '/api/v1/points-mall/items?limit=200');
    assert.ok(!hidden.json.items.some((i) => i.id === item.id), 'members see items on sale only');
    assertProblem(await as(tok)('POST', `/api/v1/points-mall/items/${item.id}/redemptions`, { quantity: 1 }), 404);
  });

  test('ten members race for 3: exactly 3 redeemed, nobody charged for a refused one', async () => {
    const { item } = await goods({ per_customer: 1 });
    const ms = [];
    for (let i = 0; i < 10; i++) {
      const id = await customer(`抢兑${i}`);
      expectStatus(await give(id, 600), 201);
      ms.push({ id, tok: await link(id) });
    }
    const rs = await Promise.all(ms.map((m) => as(m.tok)('POST', `/api/v1/points-mall/items/${item.id}/redemptions`, { quantity: 1 })));
    assert.equal(rs.filter((r) => r.status === 201).length, 3);
    for (const r of rs) if (r.status !== 201) { assertProblem(r, 409); assert.match(r.json.type, /sold-out$/); }
    const balances = await Promise.all(ms.map((m) => balance(m.id)));
    assert.equal(balances.filter((b) => b === 100).length, 3);
    assert.equal(balances.filter((b) => b === 600).length, 7);
    const poor = await customer('积分不足');
    const ptok = await link(poor);
    const { item: other } = await goods({});
    const r = await as(ptok)('POST', `/api/v1/points-mall/items/${other.id}/redemptions`, { quantity: 1 });
    assertProblem(r, 409);
    assert.equal(r.json.errors[0].field, 'points');
    assert.equal((await as(admin)('GET', '/api/v1/points-mall/items?limit=200')).json.items.find((i) => i.id === other.id).stock, 3);
  });

  test('points and cash: the cash part waits for payment; cancelled, the points and both stocks come back', async () => {
    const { item, sku } = await goods({ points: 200, cash: 1990 });
    const id = await customer('加钱购');
    expectStatus(await give(id, 1000), 201);
    const tok = await link(id);
    const r = await as(tok)('POST', `/api/v1/points-mall/items/${item.id}/redemptions`, { quantity: 1 });
    expectStatus(r, 201);
    assert.deepEqual([r.json.points, r.json.cash, r.json.status], [200, 1990, 'pending_payment']);
    assert.equal((await as(tok)('GET', `/api/v1/member/orders/${r.json.order_id}`)).json.total, 1990);
    const ledger = (await as(admin)('GET', `/api/v1/customers/${id}/points/ledger`)).json.items;
    assert.equal(ledger[0].ref, `mall_order:${r.json.order_id}`, 'the spend names the order');
    const expiring = (await as(admin)('GET', `/api/v1/customers/${id}/points`)).json.expiring;
    expectStatus(await as(tok)('POST', `/api/v1/mall-orders/${r.json.order_id}/cancel`), 200);
    assert.equal(await balance(id), 1000);
    const back = (await as(admin)('GET', `/api/v1/customers/${id}/points`)).json;
    assert.deepEqual(back.expiring, { ...expiring, points: 1000 }, 'the points went back to the lot they came from');
    assert.equal((await as(admin)('GET', `/api/v1/customers/${id}/points/ledger`)).json.items[0].expires_at, null, 'no new lot');
    assert.equal(await skuStock(sku), 20);
    const items = (await as(admin)('GET', '/api/v1/points-mall/items?limit=200')).json.items;
    assert.equal(items.find((i) => i.id === item.id).stock, 3);
    const mine = await as(tok)('GET', '/api/v1/member/points-mall/redemptions');
    assert.equal(mine.json.items[0].status, 'cancelled');
  });

  test('a points-mall order refunded by units gives back its share of the points', async () => {
    const { item } = await goods({ points: 300, per_customer: 3 });
    const id = await customer('部分退');
    expectStatus(await give(id, 900), 201);
    const tok = await link(id);
    const r = await as(tok)('POST', `/api/v1/points-mall/items/${item.id}/redemptions`, { quantity: 3 });
    expectStatus(r, 201);
    const order = (await as(tok)('GET', `/api/v1/member/orders/${r.json.order_id}`)).json;
    const part = await as(admin)('POST', `/api/v1/mall-orders/${order.id}/refunds`, { reason: '少发', lines: [{ item_id: order.items[0].id, quantity: 1 }] });
    expectStatus(part, 201);
    assert.equal(part.json.points_returned, 300);
    assert.equal(await balance(id), 300);
  });

  test('staff change an item; what was redeemed keeps its price; bad changes refused', async () => {
    const { item } = await goods({ points: 500, cash: 0, stock: 5, per_customer: 2 });
    const id = await customer('改价前');
    expectStatus(await give(id, 5000), 201);
    const tok = await link(id);
    const before = await as(tok)('POST', `/api/v1/points-mall/items/${item.id}/redemptions`, { quantity: 1 });
    expectStatus(before, 201);
    const name = uniq('改名');
    const r = await as(admin)('PATCH', `/api/v1/points-mall/items/${item.id}`, { name, points: 800, cash: 1250, stock: 9, per_customer: 3 });
    expectStatus(r, 200);
    assert.deepEqual([r.json.name, r.json.points, r.json.cash, r.json.stock, r.json.per_customer, r.json.redeemed, r.json.status],
      [name, 800, 1250, 9, 3, 1, 'on']);
    const after = await as(tok)('POST', `/api/v1/points-mall/items/${item.id}/redemptions`, { quantity: 2 });
    expectStatus(after, 201);
    assert.deepEqual([after.json.points, after.json.cash, after.json.status], [1600, 2500, 'pending_payment'], 'the new price, for each unit');
    assert.equal(await balance(id), 5000 - 500 - 1600);
    const mine = (await as(tok)('GET', '/api/v1/member/points-mall/redemptions')).json.items;
    assert.deepEqual(mine.map((x) => [x.points, x.cash]), [[1600, 2500], [500, 0]], 'the first keeps the price it was made for');
    for (const [body, field] of [[{ name: '' }, 'name'], [{ name: 'x'.repeat(61) }, 'name'], [{ points: 0 }, 'points'], [{ points: -1 }, 'points'],
      [{ cash: -1 }, 'cash'], [{ stock: -1 }, 'stock'], [{ per_customer: 0 }, 'per_customer'], [{ per_customer: 101 }, 'per_customer'],
      [{ status: 'gone' }, 'status'], [{ kind: 'coupon' }, 'kind'], [{ sku_id: 1 }, 'sku_id']])
      assertFieldError(await as(admin)('PATCH', `/api/v1/points-mall/items/${item.id}`, body), field, JSON.stringify(body));
    const same = (await as(admin)('GET', '/api/v1/points-mall/items?limit=200')).json.items.find((i) => i.id === item.id);
    assert.deepEqual([same.name, same.points, same.cash, same.stock, same.per_customer], [name, 800, 1250, 7, 3], 'refused changes change nothing');
    assertProblem(await as(admin)('PATCH', '/api/v1/points-mall/items/999999999', { points: 5 }), 404);
    const analyst = await makeStaff(api, admin, 'analyst');
    assertProblem(await as(analyst.token)('PATCH', `/api/v1/points-mall/items/${item.id}`, { points: 5 }), 403);
  });

  test('staff read redemptions by item and by customer, with whose they are', async () => {
    const { item } = await goods({ points: 100, stock: 10, per_customer: 5 });
    const { item: other } = await goods({ points: 50, stock: 10 });
    const a = await customer('兑换甲');
    const b = await customer('兑换乙');
    for (const c of [a, b]) expectStatus(await give(c, 1000), 201);
    const ta = await link(a);
    const tb = await link(b);
    const ra = await as(ta)('POST', `/api/v1/points-mall/items/${item.id}/redemptions`, { quantity: 2 });
    expectStatus(ra, 201);
    const rb = await as(tb)('POST', `/api/v1/points-mall/items/${item.id}/redemptions`, { quantity: 1 });
    expectStatus(rb, 201);
    const ro = await as(ta)('POST', `/api/v1/points-mall/items/${other.id}/redemptions`, {});
    expectStatus(ro, 201);
    const byItem = await as(admin)('GET', `/api/v1/points-mall/redemptions?item_id=${item.id}`);
    expectStatus(byItem, 200);
    assert.deepEqual(byItem.json.items.map((x) => [x.id, x.item_id, x.customer_id, x.quantity, x.points, x.cash, x.status, x.order_id]),
      [[rb.json.id, item.id, b, 1, 100, 0, 'done', rb.json.order_id], [ra.json.id, item.id, a, 2, 200, 0, 'done', ra.json.order_id]]);
    assert.equal(byItem.json.items[0].name, item.name);
    assert.match(byItem.json.items[0].created_at, /^\d{4}-\d\d-\d\dT/);
    assert.equal(byItem.json.next_cursor, null);
    const page = await as(admin)('GET', `/api/v1/points-mall/redemptions?item_id=${item.id}&limit=1`);
    assert.deepEqual(page.json.items.map((x) => x.id), [rb.json.id]);
    const next = await as(admin)('GET', `/api/v1/points-mall/redemptions?item_id=${item.id}&limit=1&cursor=${page.json.next_cursor}`);
    assert.deepEqual(next.json.items.map((x) => x.id), [ra.json.id]);
    const byCustomer = await as(admin)('GET', `/api/v1/points-mall/redemptions?customer_id=${a}`);
    assert.deepEqual(byCustomer.json.items.map((x) => x.id), [ro.json.id, ra.json.id]);
    const both = await as(admin)('GET', `/api/v1/points-mall/redemptions?customer_id=${a}&item_id=${other.id}`);
    assert.deepEqual(both.json.items.map((x) => x.id), [ro.json.id]);
    const all = await as(admin)('GET', '/api/v1/points-mall/redemptions?limit=3');
    assert.deepEqual(all.json.items.map((x) => x.id), [ro.json.id, rb.json.id, ra.json.id]);
    // a merged customer's redemptions are found through the record that was merged away
    expectStatus(await as(admin)('POST', `/api/v1/customers/${a}/merge`, { from: b }), 200);
    const merged = await as(admin)('GET', `/api/v1/points-mall/redemptions?customer_id=${b}&item_id=${item.id}`);
    assert.deepEqual(merged.json.items.map((x) => [x.id, x.customer_id]), [[rb.json.id, a], [ra.json.id, a]]);
    assertProblem(await as(admin)('GET', '/api/v1/points-mall/redemptions?item_id=999999999'), 404);
    assertProblem(await as(admin)('GET', '/api/v1/points-mall/redemptions?customer_id=999999999'), 404);
    for (const q of ['item_id=0', 'item_id=x', 'customer_id=-2', 'limit=0'])
      assertProblem(await as(admin)('GET', `/api/v1/points-mall/redemptions?${q}`), 400, q);
    assertProblem(await as(ta)('GET', '/api/v1/points-mall/redemptions'), 403, 'a member sees only their own, elsewhere');
    const editor = await makeStaff(api, admin, 'editor');
    assertProblem(await as(editor.token)('GET', '/api/v1/points-mall/redemptions'), 403);
    const analyst = await makeStaff(api, admin, 'analyst');
    expectStatus(await as(analyst.token)('GET', `/api/v1/points-mall/redemptions?item_id=${item.id}`), 200);
  });

  test('a coupon for points is given at once', async () => {
    const c = await as(admin)('POST', '/api/v1/coupons', { name: '积分换券', kind: 'amount', threshold: 0, amount_off: 500, total: 10,
      claim_starts: iso(Date.now() + 86400000), claim_ends: iso(Date.now() + 2 * 86400000), valid_days: 30 });
    expectStatus(c, 201);
    const r = await as(admin)('POST', '/api/v1/points-mall/items', { name: '5元券', kind: 'coupon', coupon_id: c.json.id, points: 300, stock: 5 });
    expectStatus(r, 201);
    assertFieldError(await as(admin)('POST', '/api/v1/points-mall/items', { name: '券加钱', kind: 'coupon', coupon_id: c.json.id, points: 1, cash: 1, stock: 1 }), 'cash');
    const id = await customer('换券');
    expectStatus(await give(id, 300), 201);
    const tok = await link(id);
    const x = await as(tok)('POST', `/api/v1/points-mall/items/${r.json.id}/redemptions`, {});
    expectStatus(x, 201);
    assert.ok(x.json.customer_coupon_id > 0);
    const held = await as(tok)('GET', '/api/v1/member/coupons');
    assert.equal(held.json.items[0].source, 'points');
    assert.equal(await balance(id), 0);
  });
});

describe('check-in', () => {
  test('once a day; make-ups cost points and complete a streak, rewarded once', async () => {
    const id = await customer('签到达人');
    const tok = await link(id);
    const first = await as(tok)('POST', '/api/v1/member/checkins', {});
    expectStatus(first, 201);
    assert.deepEqual([first.json.day, first.json.points, first.json.streak, first.json.makeup], [brandDay(0), 5, 1, false]);
    const again = await as(tok)('POST', '/api/v1/member/checkins', {});
    assertProblem(again, 409);
    assert.equal(again.json.errors[0].field, 'day');
    // a make-up costs 20 and the balance (5) does not cover it: nothing changes
    const poor = await as(tok)('POST', '/api/v1/member/checkins', { day: brandDay(-1) });
    assertProblem(poor, 409);
    assert.equal(poor.json.errors[0].field, 'points');
    expectStatus(await give(id, 200), 201);
    let last;
    for (let d = -1; d >= -6; d--) {
      last = await as(tok)('POST', '/api/v1/member/checkins', { day: brandDay(d) });
      expectStatus(last, 201, `make-up ${d}`);
      assert.equal(last.json.makeup, true);
    }
    assert.equal(last.json.streak, 7);
    assert.equal(last.json.streak_points, 50, 'the 7-day streak rewarded when the run reached 7');
    // 5 + 200 + 6 x (5 - 20) + 50
    assert.equal(last.json.balance, 5 + 200 + 6 * (5 - 20) + 50);
    for (const [body, field] of [[{ day: brandDay(1) }, 'day'], [{ day: brandDay(-8) }, 'day'], [{ day: '2026-13-01' }, 'day'],
      [{ day: 5 }, 'day'], [{ when: 'today' }, 'when']])
      assertFieldError(await as(tok)('POST', '/api/v1/member/checkins', body), field, JSON.stringify(body));
    const cal = await as(tok)('GET', `/api/v1/member/checkins?month=${brandDay(0).slice(0, 7)}`);
    expectStatus(cal, 200);
    assert.equal(cal.json.streak, 7);
    assert.equal(cal.json.checked_in_today, true);
    assert.ok(cal.json.days.some((d) => d.day === brandDay(0) && !d.makeup));
    assertFieldError(await as(tok)('GET', '/api/v1/member/checkins?month=2026-1'), 'month');
    const staffView = await as(admin)('GET', `/api/v1/customers/${id}/checkins?month=${brandDay(-6).slice(0, 7)}`);
    expectStatus(staffView, 200);
    assert.ok(staffView.json.days.some((d) => d.day === brandDay(-6) && d.makeup && d.cost === 20));
    const ledger = await as(admin)('GET', `/api/v1/customers/${id}/points/ledger?limit=200`);
    assert.equal(ledger.json.items.filter((e) => e.reason === 'streak').length, 1, 'the streak reward is paid once');
  });

  test('twenty concurrent check-ins on one day: exactly one counts', async () => {
    const id = await customer('手快');
    const tok = await link(id);
    const rs = await Promise.all(Array.from({ length: 20 }, () => as(tok)('POST', '/api/v1/member/checkins', {})));
    assert.equal(rs.filter((r) => r.status === 201).length, 1);
    for (const r of rs) if (r.status !== 201) assertProblem(r, 409);
    assert.equal(await balance(id), 5);
  });
});
