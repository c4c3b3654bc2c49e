// Paid membership (付费会员): plans checked, made, changed and listed (members see those on sale); a plan bought
// as a mall order and paid holds its level for its days (the member price at checkout, the member's profile),
// periods bought one after another run one after another; a refund ends its period and moves the later ones
// up; an unpaid order cancelled holds nothing; a merge moves the periods to the survivor, those still to run after
// the survivor's own (no paid day lost to two running side by side); segments find paid
// members by the level held now (paid_level) and when their membership runs or ran out (paid_until).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, assertFieldError, expectStatus, listAll, makeStaff, uniq } from '../lib/client.mjs';

const SECRET = 'sandbox-secret-for-membership';
const DAY = 86400000;
let srv, api, admin;
before(async () => {
  srv = await startServer({ name: 'membership', env: { YUTANG_PAY_SANDBOX_SECRET: SECRET } });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
  expectStatus(await as(admin)('PUT', '/api/v1/member-levels', { levels: [
    { name: '普通会员', growth_min: 0 },
    { name: '银卡会员', growth_min: 100000, discount_percent: 90 },
    { name: '金卡会员', growth_min: 500000, discount_percent: 80, free_shipping: true, after_sales_priority: 5 },
  ] }), 200);
  expectStatus(await as(admin)('PUT', '/api/v1/loyalty/settings', { member_day: 0 }), 200);
});
after(async () => { if (srv) await srv.stop(); });

const as = (t) => (m, p, body, headers) => api(m, p, { token: t, body, headers });
const near = (iso, ms, what) => assert.ok(Math.abs(Date.parse(iso) - ms) < 120000, `${what}: ${iso} is not about ${new Date(ms).toISOString()}`);

async function member(name = '会员') {
  const c = expectStatus(await as(admin)('POST', '/api/v1/customers', { name }), 201);
  const l = expectStatus(await as(admin)('POST', `/api/v1/customers/${c.id}/member-links`, {}), 201);
  return { id: c.id, token: l.token };
}
async function plan(body = {}) {
  return expectStatus(await as(admin)('POST', '/api/v1/member-plans', { name: uniq('金卡年卡').slice(0, 40), price: 9900, days: 365, level: 3, ...body }), 201);
}
function pay(orderId, amount) {
  const raw = JSON.stringify({ order_id: orderId, amount, transaction_id: uniq('sbx') });
  const sig = crypto.createHmac('sha256', SECRET).update(raw).digest('hex');
  return api('POST', '/api/v1/payments/sandbox/notify', { raw, headers: { 'Content-Type': 'application/json', 'X-Sandbox-Signature': sig } });
}
async function buy(m, p) {
  const o = expectStatus(await as(m.token)('POST', `/api/v1/member-plans/${p.id}/orders`, {}), 201);
  expectStatus(await pay(o.order_id, o.total), 200);
  return o;
}
let skuId;
async function checkout(m, price = 10000) {
  if (!skuId) skuId = expectStatus(await as(admin)('POST', '/api/v1/products', { name: uniq('面霜'), skus: [{ name: '50ml', price, stock: 1000 }] }), 201).skus[0].id;
  return expectStatus(await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: skuId, quantity: 1 }] }), 201);
}
const periods = async (id) => (await listAll(api, `/api/v1/customers/${id}/memberships`, admin)).items;
const profile = async (m) => expectStatus(await as(m.token)('GET', '/api/v1/member'), 200);

describe('membership plans', () => {
  test('checked, made, changed and listed; members see only those on sale', async () => {
    const before = (await listAll(api, '/api/v1/member-plans', admin)).items.length;
    const good = { name: '金卡年卡', price: 9900, days: 365, level: 3 };
    for (const [body, field] of [
      [{ ...good, price: undefined }, 'price'], [{ ...good, price: 0 }, 'price'], [{ ...good, price: -5 }, 'price'],
      [{ ...good, price: 1e12 }, 'price'], [{ ...good, days: 0 }, 'days'], [{ ...good, days: 3661 }, 'days'],
      [{ ...good, level: 9 }, 'level'], [{ ...good, level: 0 }, 'level'], [{ ...good, name: '' }, 'name'],
      [{ ...good, name: '卡'.repeat(41) }, 'name'], [{ ...good, colour: 'gold' }, 'colour'],
    ]) assertFieldError(await as(admin)('POST', '/api/v1/member-plans', body), field);
    assert.equal((await listAll(api, '/api/v1/member-plans', admin)).items.length, before, 'nothing made');
    const p = expectStatus(await as(admin)('POST', '/api/v1/member-plans', good), 201);
    assert.deepEqual([p.name, p.price, p.days, p.level, p.level_name, p.status, p.sold], ['金卡年卡', 9900, 365, 3, '金卡会员', 'on', 0]);
    assertFieldError(await as(admin)('PATCH', `/api/v1/member-plans/${p.id}`, { price: -1 }), 'price');
    assertFieldError(await as(admin)('PATCH', `/api/v1/member-plans/${p.id}`, { status: 'sold' }), 'status');
    assertFieldError(await as(admin)('PATCH', `/api/v1/member-plans/${p.id}`, { level: 7 }), 'level');
    assertProblem(await as(admin)('PATCH', '/api/v1/member-plans/999999999', { price: 100 }), 404);
    const changed = expectStatus(await as(admin)('PATCH', `/api/v1/member-plans/${p.id}`, { price: 12900, days: 366 }), 200);
    assert.deepEqual([changed.name, changed.price, changed.days, changed.level], ['金卡年卡', 12900, 366, 3]);
    const off = await plan({ name: '停售卡' });
    expectStatus(await as(admin)('PATCH', `/api/v1/member-plans/${off.id}`, { status: 'off' }), 200);
    const staffSees = (await listAll(api, '/api/v1/member-plans', admin)).items.map((x) => x.id);
    assert.ok(staffSees.includes(p.id) && staffSees.includes(off.id));
    const m = await member();
    const memberSees = (await listAll(api, '/api/v1/member-plans', m.token)).items.map((x) => x.id);
    assert.ok(memberSees.includes(p.id) && !memberSees.includes(off.id), 'members see what is on sale');
    assertProblem(await as(m.token)('POST', '/api/v1/member-plans', good), 403, 'a member makes no plans');
    const guide = await makeStaff(api, admin, 'guide');
    assertProblem(await as(guide.token)('POST', '/api/v1/member-plans', good), 403, 'nor does a guide');
    assertProblem(await as(m.token)('POST', `/api/v1/member-plans/${off.id}/orders`, {}), 409, 'off sale');
    assertProblem(await as(m.token)('POST', '/api/v1/member-plans/999999999/orders', {}), 404);
    const other = await member('别人');
    assertProblem(await as(m.token)('POST', `/api/v1/member-plans/${p.id}/orders`, { customer_id: other.id }), 403, 'for themselves only');
  });
});

describe('buying a plan', () => {
  test('paid, it holds its level for its days: the member price at checkout, the profile; bought again, it runs on', async () => {
    const p = await plan({ price: 12900, days: 30, level: 3 });
    const m = await member();
    assert.equal((await profile(m)).paid_membership, null);
    assert.equal((await checkout(m)).total, 10000, 'no member price yet');
    const o = expectStatus(await as(m.token)('POST', `/api/v1/member-plans/${p.id}/orders`, {}), 201);
    assert.deepEqual([o.total, o.status, o.customer_id], [12900, 'pending', m.id]);
    assert.equal((await profile(m)).paid_membership, null, 'unpaid, it holds nothing');
    assertFieldError(await pay(o.order_id, 100), 'amount');
    expectStatus(await pay(o.order_id, 12900), 200);
    const order = expectStatus(await as(admin)('GET', `/api/v1/mall-orders/${o.order_id}`), 200);
    assert.equal(order.kind, 'membership');
    assert.equal(order.status, 'completed', 'nothing ships');
    assert.match(order.items[0].name, /付费会员/);
    assert.match(order.product_name, /付费会员/, 'the order names the plan');
    const now = Date.now();
    const held = (await profile(m)).paid_membership;
    assert.deepEqual([held.level, held.level_name], [3, '金卡会员']);
    near(held.until, now + 30 * DAY, 'until');
    const c = await checkout(m);
    assert.deepEqual([c.member_discount, c.total], [2000, 8000], "the plan's level's member price");
    assertProblem(await pay(o.order_id, 12900), 409, 'a second payment of a paid order is refused');
    assert.equal((await periods(m.id)).length, 1, 'one period for one order');
    await buy(m, p);
    const [second, first] = await periods(m.id);
    assert.equal(second.starts_at, first.ends_at, 'the second period starts where the first ends');
    near(second.ends_at, now + 60 * DAY, 'the second period ends');
    near((await profile(m)).paid_membership.until, now + 60 * DAY, 'held until the end of both');
    assert.equal(expectStatus(await as(admin)('GET', `/api/v1/member-plans/${p.id}`), 200).sold, 2);
  });

  test('a refund ends its period and the later ones move up; an unpaid order cancelled holds nothing', async () => {
    const p = await plan({ price: 5000, days: 10, level: 2 });
    const m = await member();
    const a = await buy(m, p);
    const b = await buy(m, p);
    const now = Date.now();
    expectStatus(await as(admin)('POST', `/api/v1/mall-orders/${a.order_id}/refunds`, { reason: '不想要了' }), 201);
    const [rf] = expectStatus(await as(admin)('GET', `/api/v1/mall-orders/${a.order_id}/refunds`), 200).items;
    const again = await as(admin)('POST', `/api/v1/mall-orders/${a.order_id}/refunds/${rf.id}/ask-again`, {});
    assertProblem(again, 409, 'only a WeChat Pay refund is asked for again');
    assert.equal(again.json.errors?.[0]?.field ?? again.json.field, 'provider');
    let [pb, pa] = await periods(m.id);
    assert.ok(pa.ended_at, 'the refunded period ended');
    near(pa.ends_at, now, 'at once');
    assert.equal(pb.ended_at, null);
    near(pb.starts_at, now, 'the later period moved up');
    near(pb.ends_at, now + 10 * DAY, 'and keeps its days');
    assert.equal((await profile(m)).paid_membership.level, 2, 'still held, by the second');
    expectStatus(await as(admin)('POST', `/api/v1/mall-orders/${b.order_id}/refunds`, { reason: '退卡' }), 201);
    assert.equal((await profile(m)).paid_membership, null, 'nothing held once both are refunded');
    assert.equal((await checkout(m)).total, 10000, 'no member price');
    const unpaid = expectStatus(await as(m.token)('POST', `/api/v1/member-plans/${p.id}/orders`, {}), 201);
    expectStatus(await as(m.token)('POST', `/api/v1/mall-orders/${unpaid.order_id}/cancel`, {}), 200);
    assertProblem(await pay(unpaid.order_id, 5000), 409, 'a cancelled order is not paid');
    assert.equal((await periods(m.id)).length, 2, 'the cancelled order holds no period');
  });

  test('staff order for a customer; a merge moves the periods and the benefits to the survivor', async () => {
    const p = await plan({ price: 9900, days: 365, level: 3 });
    const absorbed = await member('被并者'), survivor = await member('留存者');
    const o = expectStatus(await as(admin)('POST', `/api/v1/member-plans/${p.id}/orders`, { customer_id: absorbed.id }), 201);
    assertFieldError(await as(admin)('POST', `/api/v1/member-plans/${p.id}/orders`, {}), 'customer_id');
    expectStatus(await pay(o.order_id, o.total), 200);
    expectStatus(await as(admin)('POST', `/api/v1/customers/${survivor.id}/merge`, { from: absorbed.id }), 200);
    const moved = await periods(survivor.id);
    assert.deepEqual(moved.map((x) => x.order_id), [o.order_id]);
    assert.equal((await profile(survivor)).paid_membership.level, 3);
    assert.equal((await checkout(survivor)).member_discount, 2000);
  });

  test("a merge lays the absorbed record's periods still to run after the survivor's, each with the time it had left", async () => {
    const year = await plan({ price: 9900, days: 365, level: 2 }), month = await plan({ price: 1900, days: 30, level: 3 });
    const absorbed = await member('被并者'), survivor = await member('留存者');
    const mine = await buy(survivor, year);
    const running = await buy(absorbed, month), queued = await buy(absorbed, month);
    const before = await periods(absorbed.id), [ownBefore] = await periods(survivor.id);
    const ran = Date.now() - Date.parse(before.find((x) => x.order_id === running.order_id).starts_at);
    expectStatus(await as(admin)('POST', `/api/v1/customers/${survivor.id}/merge`, { from: absorbed.id }), 200);
    const after = await periods(survivor.id);
    const by = (o) => after.find((x) => x.order_id === o.order_id);
    assert.equal(after.length, 3);
    const own = by(mine), first = by(running), second = by(queued);
    assert.equal(first.starts_at, own.ends_at, "the running period goes on where the survivor's ends");
    const firstSpan = Date.parse(first.ends_at) - Date.parse(first.starts_at);
    assert.ok(firstSpan <= 30 * DAY - ran && firstSpan > 30 * DAY - ran - 120000, `with what it had left (${firstSpan} ms)`);
    assert.equal(second.starts_at, first.ends_at, 'the one after it follows it');
    assert.equal(Date.parse(second.ends_at) - Date.parse(second.starts_at), 30 * DAY, 'with all its days');
    assert.deepEqual([own.starts_at, own.ends_at], [ownBefore.starts_at, ownBefore.ends_at], "the survivor's own period keeps its dates");
    const held = (await profile(survivor)).paid_membership;
    assert.equal(held.level, 2, 'held now: the level the survivor paid for');
    assert.equal(held.until, second.ends_at, 'until the end of the chain (the later periods are of a higher level)');
    // a refund of the moved period still gives back what it had and moves the one after it up
    expectStatus(await as(admin)('POST', `/api/v1/mall-orders/${running.order_id}/refunds`, { reason: '合并后退卡' }), 201);
    const again = await periods(survivor.id);
    const moved = again.find((x) => x.order_id === queued.order_id);
    assert.equal(moved.starts_at, own.ends_at, 'the later period moved up to the end of the survivor\'s');
    assert.equal(Date.parse(moved.ends_at) - Date.parse(moved.starts_at), 30 * DAY);
  });

  test('merged into a record that holds nothing, the periods keep their dates', async () => {
    const p = await plan({ price: 1900, days: 30, level: 2 });
    const absorbed = await member('被并者'), survivor = await member('留存者');
    await buy(absorbed, p);
    const [was] = await periods(absorbed.id);
    expectStatus(await as(admin)('POST', `/api/v1/customers/${survivor.id}/merge`, { from: absorbed.id }), 200);
    const [is] = await periods(survivor.id);
    assert.deepEqual([is.starts_at, is.ends_at], [was.starts_at, was.ends_at]);
  });

  test('an order buys the plan as it was made; a lower level queued does not lengthen the higher one; no after-sales', async () => {
    const gold = await plan({ price: 9900, days: 20, level: 3 }), silver = await plan({ price: 1900, days: 40, level: 2 });
    const m = await member();
    const o = expectStatus(await as(m.token)('POST', `/api/v1/member-plans/${gold.id}/orders`, {}), 201);
    expectStatus(await as(admin)('PATCH', `/api/v1/member-plans/${gold.id}`, { days: 1, level: 2 }), 200); // changed before the payment
    expectStatus(await pay(o.order_id, o.total), 200);
    const [period] = await periods(m.id);
    assert.deepEqual([period.days, period.level], [20, 3], 'what the order was made for');
    const now = Date.now();
    await buy(m, silver);
    const held = (await profile(m)).paid_membership;
    assert.equal(held.level, 3);
    near(held.until, now + 20 * DAY, 'the higher level holds until its own period ends, not the lower one queued after it');
    assertProblem(await as(m.token)('POST', '/api/v1/after-sales', { order_id: o.order_id, kind: 'return', reason: '不想要了' }), 409,
      'a membership takes no after-sales ticket');
    // refunding the queued period (not yet begun) gives back all of it and leaves the one running as it is
    const [queued] = await periods(m.id);
    expectStatus(await as(admin)('POST', `/api/v1/mall-orders/${queued.order_id}/refunds`, { reason: '买错了' }), 201);
    const [q2, p2] = await periods(m.id);
    assert.ok(q2.ended_at);
    assert.equal(q2.ends_at, q2.starts_at, 'a period refunded before it began holds nothing');
    assert.equal(p2.ends_at, period.ends_at, 'the running one is untouched');
  });

  test('two payments of one customer at once stack one after the other', async () => {
    const p = await plan({ price: 3000, days: 7, level: 2 });
    const m = await member();
    const orders = [];
    for (let i = 0; i < 4; i++) orders.push(expectStatus(await as(m.token)('POST', `/api/v1/member-plans/${p.id}/orders`, {}), 201));
    const rs = await Promise.all(orders.map((o) => pay(o.order_id, o.total)));
    for (const r of rs) expectStatus(r, 200);
    const chain = (await periods(m.id)).sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
    assert.equal(chain.length, 4);
    for (let i = 1; i < chain.length; i++) assert.equal(chain[i].starts_at, chain[i - 1].ends_at, 'no overlap, no gap');
    near((await profile(m)).paid_membership.until, Date.now() + 28 * DAY, 'four weeks held');
  });

  test("a distributor's commission on a membership is released like any completed order's", async () => {
    expectStatus(await as(admin)('PUT', '/api/v1/distribution/settings', { enabled: true, binding_mode: 'first', binding_days: 0 }), 200);
    const d = await member('分销员');
    expectStatus(await as(d.token)('POST', '/api/v1/member/distribution/apply', { application: '想分享给朋友' }), 201);
    const approved = await as(admin)('POST', `/api/v1/distributors/${d.id}/approve`);
    if (approved.status !== 409) expectStatus(approved, 200);
    const code = expectStatus(await as(d.token)('GET', '/api/v1/member/distribution'), 200).distributor.code;
    const m = await member();
    expectStatus(await as(m.token)('POST', '/api/v1/member/distribution/bind', { code }), 200);
    const o = await buy(m, await plan({ price: 20000, days: 30, level: 3 }));
    const made = expectStatus(await as(admin)('GET', `/api/v1/distribution/commissions?limit=200&order_id=${o.order_id}`), 200).items;
    assert.ok(made.length >= 1, 'a commission was made');
    for (const c of made) assert.ok(c.release_at, 'its after-sales window started when the membership was paid');
  });
});


describe('segments', () => {
  test('paid_level is the level held now and paid_until the day it runs out, or ran out', async () => {
    const tag = uniq('付费会员人群');
    const made = [];
    for (const name of ['金卡会员', '银卡会员', '未付费']) {
      const c = expectStatus(await as(admin)('POST', '/api/v1/customers', { name, tags: [tag] }), 201);
      const l = expectStatus(await as(admin)('POST', `/api/v1/customers/${c.id}/member-links`, {}), 201);
      made.push({ id: c.id, token: l.token });
    }
    const [gold, silver] = made;
    const yearly = await plan({ price: 9900, days: 365, level: 3 }), monthly = await plan({ price: 1900, days: 30, level: 2 });
    const g = await buy(gold, yearly);
    await buy(silver, monthly);
    await buy(silver, monthly); // two months, one run
    const count = async (q) => expectStatus(await as(admin)('POST', '/api/v1/segments/preview', { query: `tag = "${tag}" and ${q}` }), 200).count;
    const day = (ms) => new Date(ms + 8 * 3600000).toISOString().slice(0, 10); // the brand's day (Asia/Shanghai)
    assert.equal(await count('paid_level >= 3'), 1);
    assert.equal(await count('paid_level >= 2'), 2);
    assert.equal(await count('paid_level = 0'), 1, 'no paid level reads as 0');
    assert.equal(await count(`paid_until > ${day(Date.now() + 364 * DAY)}`), 1, 'the yearly card');
    assert.equal(await count(`paid_until between ${day(Date.now() + 59 * DAY)} and ${day(Date.now() + 61 * DAY)}`), 1, 'both months in one run');
    assert.equal(await count('paid_until within 30d'), 0, 'nobody has lapsed');
    // refunded: held no more, and found as lapsed today
    expectStatus(await as(admin)('POST', `/api/v1/mall-orders/${g.order_id}/refunds`, { reason: '退卡' }), 201);
    assert.equal(await count('paid_level >= 3'), 0);
    assert.equal(await count('paid_level = 0'), 2);
    assert.equal(await count('paid_level = 0 and paid_until within 30d'), 1, 'lapsed members stay findable');
    const bad = await as(admin)('POST', '/api/v1/segments/preview', { query: 'paid_level within 7d' });
    assertProblem(bad, 422);
    assert.match(bad.json.detail, /paid_until/);
  });
});

describe('order lists by status and kind', () => {
  test("a member's and staff's lists filter by status and kind; other values are refused naming the field", async () => {
    const p = await plan({ price: 2900, days: 30, level: 2 });
    const m = await member();
    await buy(m, p); // paid: completed
    const waiting = expectStatus(await as(m.token)('POST', `/api/v1/member-plans/${p.id}/orders`, {}), 201);
    const bought = await checkout(m);
    const ids = (page) => page.items.map((o) => o.id);
    const mine = async (q) => ids(expectStatus(await as(m.token)('GET', `/api/v1/member/orders?${q}`), 200));
    assert.deepEqual(await mine('kind=membership&status=pending'), [waiting.order_id]);
    assert.equal((await mine('kind=membership')).length, 2);
    assert.deepEqual(await mine('kind=normal'), [bought.id]);
    assert.deepEqual(await mine('status=completed&kind=normal'), []);
    const staff = async (q) => ids(expectStatus(await as(admin)('GET', `/api/v1/mall-orders?customer_id=${m.id}&${q}`), 200));
    assert.deepEqual(await staff('status=pending&kind=membership'), [waiting.order_id]);
    assert.equal((await staff('status=completed')).length, 1);
    for (const [q, field] of [['status=unpaid', 'status'], ['kind=vip', 'kind'], ['status=', 'status']]) {
      assertFieldError(await as(m.token)('GET', `/api/v1/member/orders?${q}`), field);
      assertFieldError(await as(admin)('GET', `/api/v1/mall-orders?${q}`), field);
    }
  });
});
