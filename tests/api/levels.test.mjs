// Member levels and member day, and after-sales tickets: growth from paid orders (and back with refunds) moves
// a customer's level, which the audience index sees; the level's member price applies at checkout, member
// day's extra discount and points multiplier apply by themselves; after-sales tickets are served highest
// level first.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, assertFieldError, expectStatus, uniq } from '../lib/client.mjs';

const SECRET = 'sandbox-secret-for-levels';
let srv, api, admin;
before(async () => {
  srv = await startServer({ name: 'levels', env: { YUTANG_PAY_SANDBOX_SECRET: SECRET } });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
  // a ladder the tests can climb: 银卡 from 100 yuan of growth, 金卡 from 300
  const put = await as(admin)('PUT', '/api/v1/member-levels', { levels: [
    { name: '普通会员', growth_min: 0 },
    { name: '银卡会员', growth_min: 100, discount_percent: 90, after_sales_priority: 1 },
    { name: '金卡会员', growth_min: 300, discount_percent: 80, free_shipping: true, after_sales_priority: 5 },
  ] });
  expectStatus(put, 200);
  // member day off unless a test turns it on
  expectStatus(await as(admin)('PUT', '/api/v1/loyalty/settings', { member_day: 0 }), 200);
});
after(async () => { if (srv) await srv.stop(); });

const as = (t) => (m, p, body, headers) => api(m, p, { token: t, body, headers });
const brandToday = () => new Date(Date.now() + 8 * 3600000);

async function member(name) {
  const c = await as(admin)('POST', '/api/v1/customers', { name });
  expectStatus(c, 201);
  const l = await as(admin)('POST', `/api/v1/customers/${c.json.id}/member-links`, {});
  return { id: c.json.id, token: l.json.token };
}
async function sku(price, stock = 100) {
  const r = await as(admin)('POST', '/api/v1/products', { name: uniq('商品'), skus: [{ name: '标准', price, stock }] });
  expectStatus(r, 201);
  return r.json.skus[0].id;
}
function pay(orderId, amount) {
  const raw = JSON.stringify({ order_id: orderId, amount, transaction_id: uniq('sbx') });
  const sig = crypto.createHmac('sha256', SECRET).update(raw).digest('hex');
  return api('POST', '/api/v1/payments/sandbox/notify', { raw, headers: { 'Content-Type': 'application/json', 'X-Sandbox-Signature': sig } });
}
async function buy(m, price, quantity = 1) {
  const o = await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: await sku(price), quantity }] });
  expectStatus(o, 201);
  expectStatus(await pay(o.json.id, o.json.total), 200);
  return o.json;
}
const me = async (m) => (await as(m.token)('GET', '/api/v1/member')).json;

describe('member levels', () => {
  test('the ladder is checked and saved whole', async () => {
    const l = await as(admin)('GET', '/api/v1/member-levels');
    expectStatus(l, 200);
    assert.deepEqual(l.json.levels.map((v) => [v.level, v.name, v.growth_min, v.discount_percent]),
      [[1, '普通会员', 0, 100], [2, '银卡会员', 100, 90], [3, '金卡会员', 300, 80]]);
    for (const [levels, field] of [
      [[{ name: '起步', growth_min: 5 }], 'levels[0].growth_min'],
      [[{ name: 'a', growth_min: 0 }, { name: 'b', growth_min: 0 }], 'levels[1].growth_min'],
      [[{ name: 'a', growth_min: 0, discount_percent: 0 }], 'levels[0].discount_percent'],
      [[{ name: 'a', growth_min: 0, discount_percent: 101 }], 'levels[0].discount_percent'],
      [[{ name: '', growth_min: 0 }], 'levels[0].name'],
      [[{ name: 'a', growth_min: 0, birthday_coupon_id: 999999999 }], 'levels[0].birthday_coupon_id'],
      [[{ name: 'a' }], 'levels[0]'], [[], 'levels'],
    ]) assertFieldError(await as(admin)('PUT', '/api/v1/member-levels', { levels }), field, JSON.stringify(levels));
    assert.deepEqual((await as(admin)('GET', '/api/v1/member-levels')).json, l.json, 'refused changes changed nothing');
  });

  test('growth from paid orders raises the level; the member price applies; a refund brings it down; segments see it', async () => {
    const m = await member('成长');
    assert.equal((await me(m)).member_level, 1);
    await buy(m, 15000); // 150 yuan: growth 150, 银卡
    let p = await me(m);
    assert.deepEqual([p.growth, p.member_level, p.level_name, p.discount_percent, p.next_level_growth], [150, 2, '银卡会员', 90, 300]);
    // 银卡 pays 90% of the list price
    const o = await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: await sku(20000), quantity: 1 }] });
    expectStatus(o, 201);
    assert.deepEqual([o.json.goods_total, o.json.member_discount, o.json.total], [20000, 2000, 18000]);
    expectStatus(await pay(o.json.id, 18000), 200); // growth 330: 金卡
    p = await me(m);
    assert.deepEqual([p.growth, p.member_level, p.free_shipping, p.next_level_growth], [330, 3, true, null]);
    const seg = await as(admin)('POST', '/api/v1/segments/preview', { query: 'member_level >= 3' });
    expectStatus(seg, 200);
    assert.equal(seg.json.count, 1, 'the audience index follows the level');
    expectStatus(await as(admin)('POST', `/api/v1/mall-orders/${o.json.id}/refunds`, { reason: '退货' }), 201);
    p = await me(m);
    assert.deepEqual([p.growth, p.member_level], [150, 2], 'the refund took its growth back');
    const seg2 = await as(admin)('POST', '/api/v1/segments/preview', { query: 'member_level >= 3' });
    assert.equal(seg2.json.count, 0);
  });

  test('member day: a further discount and multiplied points, by themselves', async (t) => {
    const day = brandToday().getUTCDate();
    if (day > 28) return t.skip('member day is a day from 1 to 28');
    const m = await member('会员日');
    const off = await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: await sku(10000), quantity: 1 }] });
    assert.equal(off.json.total, 10000);
    expectStatus(await as(admin)('PUT', '/api/v1/loyalty/settings', { member_day: day, member_day_discount_percent: 80, member_day_points_multiplier: 3 }), 200);
    try {
      const on = await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: await sku(10000), quantity: 1 }] });
      expectStatus(on, 201);
      assert.deepEqual([on.json.member_discount, on.json.total], [2000, 8000]);
      expectStatus(await pay(on.json.id, 8000), 200);
      assert.equal((await me(m)).points, 80 * 3, 'member day triples the points');
    } finally {
      expectStatus(await as(admin)('PUT', '/api/v1/loyalty/settings', { member_day: 0 }), 200);
    }
    assertFieldError(await as(admin)('PUT', '/api/v1/loyalty/settings', { member_day: 29 }), 'member_day');
    assertFieldError(await as(admin)('PUT', '/api/v1/loyalty/settings', { member_day_points_multiplier: 0 }), 'member_day_points_multiplier');
  });
});

describe('after-sales', () => {
  test('opened by members on their own paid orders, served highest level first, resolved once', async () => {
    const low = await member('普通');
    const high = await member('金卡');
    const lowOrder = await buy(low, 1000);
    await buy(high, 40000); // growth 400: 金卡, priority 5
    const highOrder = await buy(high, 1000);
    const pending = await as(low.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: await sku(500), quantity: 1 }] });
    assertProblem(await as(low.token)('POST', '/api/v1/after-sales', { order_id: pending.json.id, kind: 'return', reason: '未付款' }), 409);
    assertProblem(await as(low.token)('POST', '/api/v1/after-sales', { order_id: highOrder.id, kind: 'return', reason: '别人的' }), 404);
    for (const [body, field] of [[{ order_id: lowOrder.id, kind: 'refund', reason: 'x' }, 'kind'], [{ order_id: lowOrder.id, kind: 'return', reason: '' }, 'reason'],
      [{ kind: 'return', reason: 'x' }, 'order_id']])
      assertFieldError(await as(low.token)('POST', '/api/v1/after-sales', body), field, JSON.stringify(body));
    const a = await as(low.token)('POST', '/api/v1/after-sales', { order_id: lowOrder.id, kind: 'repair', reason: '屏幕有划痕' });
    expectStatus(a, 201);
    assertProblem(await as(low.token)('POST', '/api/v1/after-sales', { order_id: lowOrder.id, kind: 'return', reason: '再开一个' }), 409);
    const b = await as(high.token)('POST', '/api/v1/after-sales', { order_id: highOrder.id, kind: 'exchange', reason: '换个颜色' });
    expectStatus(b, 201);
    const queue = await as(admin)('GET', '/api/v1/after-sales?status=open');
    expectStatus(queue, 200);
    const ours = queue.json.items.filter((x) => [a.json.id, b.json.id].includes(x.id));
    assert.deepEqual(ours.map((x) => [x.id, x.priority]), [[b.json.id, 5], [a.json.id, 0]], 'the higher level is served first');
    // the queue pages by (priority, id)
    const first = await as(admin)('GET', '/api/v1/after-sales?status=open&limit=1');
    const second = await as(admin)('GET', `/api/v1/after-sales?status=open&limit=1&cursor=${encodeURIComponent(first.json.next_cursor)}`);
    expectStatus(second, 200);
    assert.notEqual(second.json.items[0].id, first.json.items[0].id);
    assertFieldError(await as(admin)('GET', '/api/v1/after-sales?status=open&cursor=abc'), 'cursor');
    assertFieldError(await as(admin)('GET', '/api/v1/after-sales?status=lost'), 'status');
    assertFieldError(await as(admin)('POST', `/api/v1/after-sales/${b.json.id}/resolve`, { status: 'done', resolution: '已换货' }), 'status');
    expectStatus(await as(admin)('POST', `/api/v1/after-sales/${b.json.id}/resolve`, { status: 'resolved', resolution: '已寄出新颜色' }), 200);
    assertProblem(await as(admin)('POST', `/api/v1/after-sales/${b.json.id}/resolve`, { status: 'rejected', resolution: '再关' }), 409);
    const mine = await as(high.token)('GET', '/api/v1/member/after-sales');
    assert.deepEqual(mine.json.items.map((x) => [x.id, x.status, x.resolution]), [[b.json.id, 'resolved', '已寄出新颜色']]);
    assertProblem(await as(admin)('GET', '/api/v1/member/after-sales'), 403);
  });
});
