// The storefront as a member's pages read it: GET /api/v1/member/products/{id} (on sale only, a stock state but
// no stock figures) and GET /api/v1/member/flash-sales/{id} (live stock left and the member's own quantity);
// member tokens only (staff 403, forged 401); one member never sees another's numbers. Also the check-in
// calendar's rules and the product names on a member's orders, which the member pages show.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, expectStatus, uniq } from '../lib/client.mjs';

let srv, api, admin;
before(async () => {
  srv = await startServer({ name: 'member-shop' });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

const as = (t) => (m, p, body) => api(m, p, { token: t, body });
const iso = (ms) => new Date(ms).toISOString();

async function customer(name) {
  const r = await as(admin)('POST', '/api/v1/customers', { name });
  expectStatus(r, 201);
  return r.json.id;
}
async function link(id) {
  const r = await as(admin)('POST', `/api/v1/customers/${id}/member-links`, {});
  expectStatus(r, 201);
  return r.json.token;
}
async function product(body) {
  const r = await as(admin)('POST', '/api/v1/products', body);
  expectStatus(r, 201);
  return r.json;
}
async function flashSale(skuId, extra = {}) {
  const r = await as(admin)('POST', '/api/v1/flash-sales', {
    name: uniq('会员秒杀'), sku_id: skuId, price: 5900, stock: 6, per_customer_limit: 2,
    starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000), ...extra,
  });
  expectStatus(r, 201);
  return r.json;
}

describe('member storefront', () => {
  test('a member sees an on-sale product with its SKUs and coming flash sales, without stock figures', async () => {
    const p = await product({
      name: uniq('山茶花面霜'), description: '温和保湿', category: '护肤', images: ['https://img.example.com/a.jpg'],
      skus: [
        { name: '30ml', specs: { 规格: '30ml' }, price: 12900, stock: 100 },
        { name: '50ml', specs: { 规格: '50ml' }, price: 19900, stock: 3 },
        { name: '旅行装', price: 3900, stock: 0 },
      ],
    });
    const sale = await flashSale(p.skus[0].id);
    const later = await flashSale(p.skus[0].id, { starts_at: iso(Date.now() + 86400000), ends_at: iso(Date.now() + 2 * 86400000) });
    const tok = await link(await customer('看货会员'));
    const r = await as(tok)('GET', `/api/v1/member/products/${p.id}`);
    expectStatus(r, 200);
    assert.equal(r.json.id, p.id);
    assert.equal(r.json.name, p.name);
    assert.equal(r.json.description, '温和保湿');
    assert.deepEqual(r.json.images, ['https://img.example.com/a.jpg']);
    assert.deepEqual(r.json.skus.map((s) => [s.id, s.name, s.price, s.stock_state]), [
      [p.skus[0].id, '30ml', 12900, 'in_stock'], [p.skus[1].id, '50ml', 19900, 'low'], [p.skus[2].id, '旅行装', 3900, 'sold_out'],
    ]);
    assert.deepEqual(r.json.skus[1].specs, { 规格: '50ml' });
    for (const s of r.json.skus) assert.equal(s.stock, undefined, 'no stock figure reaches a member');
    assert.deepEqual(r.json.flash_sales.map((f) => [f.id, f.state, f.price]), [[sale.id, 'running', 5900], [later.id, 'upcoming', 5900]]);
    assert.equal(r.json.status, undefined);
  });

  test('an off-sale or unknown product is a 404; staff tokens are 403, forged and missing tokens 401', async () => {
    const p = await product({ name: uniq('下架商品'), skus: [{ name: '标准', price: 100, stock: 5 }] });
    const id = await customer('会员甲');
    const tok = await link(id);
    expectStatus(await as(tok)('GET', `/api/v1/member/products/${p.id}`), 200);
    expectStatus(await as(admin)('PATCH', `/api/v1/products/${p.id}`, { status: 'off' }), 200);
    assertProblem(await as(tok)('GET', `/api/v1/member/products/${p.id}`), 404);
    assertProblem(await as(tok)('GET', '/api/v1/member/products/999999999'), 404);
    assertProblem(await as(tok)('GET', '/api/v1/member/products/abc'), 404);
    assertProblem(await as(tok)('GET', '/api/v1/member/flash-sales/999999999'), 404);
    const on = await product({ name: uniq('在售'), skus: [{ name: '标准', price: 100, stock: 50 }] });
    const sale = await flashSale(on.skus[0].id);
    for (const path of [`/api/v1/member/products/${on.id}`, `/api/v1/member/flash-sales/${sale.id}`]) {
      assertProblem(await as(admin)('GET', path), 403, `staff on ${path}`);
      assertProblem(await api('GET', path), 401, `no token on ${path}`);
      const [, cid, exp, mac] = tok.split('_');
      assertProblem(await as(`ytm_${cid}_${Number(exp) + 60}_${mac}`)('GET', path), 401, `a longer life on ${path}`);
      assertProblem(await as(`ytm_${Number(cid) + 1}_${exp}_${mac}`)('GET', path), 401, `another customer on ${path}`);
    }
    // a member's token still opens no staff route
    assertProblem(await as(tok)('GET', `/api/v1/products/${on.id}`), 403);
    assertProblem(await as(tok)('GET', `/api/v1/flash-sales/${sale.id}`), 403);
  });

  test('a flash sale shows live stock left and only the member\'s own quantity', async () => {
    const p = await product({ name: uniq('秒杀精华'), images: ['https://img.example.com/b.jpg'], skus: [{ name: '30ml', specs: { 规格: '30ml' }, price: 25900, stock: 20 }] });
    const sale = await flashSale(p.skus[0].id);
    const a = await customer('买家甲');
    const b = await customer('买家乙');
    const ta = await link(a);
    const tb = await link(b);
    const before = await as(ta)('GET', `/api/v1/member/flash-sales/${sale.id}`);
    expectStatus(before, 200);
    const j = before.json;
    assert.deepEqual([j.id, j.name, j.product_id, j.product_name, j.sku_id, j.sku_name, j.price, j.original_price, j.stock,
      j.stock_left, j.per_customer_limit, j.mine, j.state],
    [sale.id, sale.name, p.id, p.name, p.skus[0].id, '30ml', 5900, 25900, 6, 6, 2, 0, 'running']);
    assert.deepEqual(j.images, ['https://img.example.com/b.jpg']);
    assert.deepEqual(j.specs, { 规格: '30ml' });
    assert.equal(j.starts_at, sale.starts_at);
    assert.equal(j.ends_at, sale.ends_at);
    assert.ok(Math.abs(Date.parse(j.server_time) - Date.now()) < 60000, 'server_time is now');
    assert.equal(j.orders, undefined, 'no order counts of other customers');
    expectStatus(await as(ta)('POST', `/api/v1/flash-sales/${sale.id}/orders`, { quantity: 2 }), 201);
    const limit = await as(ta)('POST', `/api/v1/flash-sales/${sale.id}/orders`, { quantity: 1 });
    assertProblem(limit, 409);
    assert.match(limit.json.type, /limit-reached$/);
    expectStatus(await as(tb)('POST', `/api/v1/flash-sales/${sale.id}/orders`, { quantity: 1 }), 201);
    const mineA = (await as(ta)('GET', `/api/v1/member/flash-sales/${sale.id}`)).json;
    const mineB = (await as(tb)('GET', `/api/v1/member/flash-sales/${sale.id}`)).json;
    assert.deepEqual([mineA.stock_left, mineA.mine], [3, 2]);
    assert.deepEqual([mineB.stock_left, mineB.mine], [3, 1]);
    // the member's orders name the product; the other member's order never appears
    const orders = await as(tb)('GET', '/api/v1/member/orders');
    expectStatus(orders, 200);
    assert.equal(orders.json.items.length, 1);
    assert.deepEqual([orders.json.items[0].customer_id, orders.json.items[0].product_name, orders.json.items[0].sku_name], [b, p.name, '30ml']);
    // the rest goes to a third member and to the second; a fourth finds it sold out, and the page says so
    const tc = await link(await customer('买家丙'));
    expectStatus(await as(tc)('POST', `/api/v1/flash-sales/${sale.id}/orders`, { quantity: 2 }), 201);
    expectStatus(await as(tb)('POST', `/api/v1/flash-sales/${sale.id}/orders`, { quantity: 1 }), 201);
    const td = await link(await customer('买家丁'));
    const gone = await as(td)('POST', `/api/v1/flash-sales/${sale.id}/orders`, { quantity: 1 });
    assertProblem(gone, 409);
    assert.match(gone.json.type, /sold-out$/);
    const lastB = (await as(tb)('GET', `/api/v1/member/flash-sales/${sale.id}`)).json;
    const lastD = (await as(td)('GET', `/api/v1/member/flash-sales/${sale.id}`)).json;
    assert.deepEqual([lastB.stock_left, lastB.mine], [0, 2]);
    assert.deepEqual([lastD.stock_left, lastD.mine], [0, 0]);
  });

  test('an upcoming flash sale counts down and cannot be ordered yet', async () => {
    const p = await product({ name: uniq('预告'), skus: [{ name: '标准', price: 9900, stock: 10 }] });
    const sale = await flashSale(p.skus[0].id, { starts_at: iso(Date.now() + 3600000), ends_at: iso(Date.now() + 7200000) });
    const tok = await link(await customer('等开抢'));
    const r = await as(tok)('GET', `/api/v1/member/flash-sales/${sale.id}`);
    expectStatus(r, 200);
    assert.equal(r.json.state, 'upcoming');
    assert.ok(Date.parse(r.json.starts_at) > Date.parse(r.json.server_time));
    assertProblem(await as(tok)('POST', `/api/v1/flash-sales/${sale.id}/orders`, { quantity: 1 }), 422);
  });

  test('the check-in calendar carries the brand\'s rules for the member pages', async () => {
    const tok = await link(await customer('签到会员'));
    const r = await as(tok)('GET', '/api/v1/member/checkins');
    expectStatus(r, 200);
    assert.deepEqual([r.json.checkin_points, r.json.makeup_cost, r.json.makeup_days], [5, 20, 7]);
    assert.deepEqual(r.json.streak_rules, [{ days: 7, points: 50 }, { days: 30, points: 300 }]);
  });
});
