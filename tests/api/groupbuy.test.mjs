// Group buys (拼团): staff make, stop and watch activities (checked input naming the field); a member opens a team
// and others join it by its share code; a team forms once all its seats are paid, and only then do its orders
// ship; an unpaid seat frees itself after the payment window; a team whose time runs out is refunded (拼团失败)
// with its units back in the activity, and an ended activity's stock goes back to the SKU. Many members racing
// for a team's last seats: exactly the free seats are taken; the activity's stock and the per-customer limit
// hold however many order at once; on PostgreSQL two instances share the work and each team is closed once.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, assertFieldError, expectStatus, makeStaff, uniq } from '../lib/client.mjs';

const SECRET = 'sandbox-secret-for-group-buys';
const MINUTE_MS = 3000; // YUTANG_GROUPBUY_MINUTE_MS: a team minute lasts 3 s here
const ENV = {
  YUTANG_PAY_SANDBOX_SECRET: SECRET, YUTANG_GROUPBUY_MINUTE_MS: String(MINUTE_MS),
  YUTANG_RATE_LIMIT_PER_IP: '200000', YUTANG_RATE_LIMIT_PER_TOKEN: '200000',
};
let srv, api, admin;
before(async () => {
  srv = await startServer({ name: 'groupbuy', env: ENV });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

const as = (t, base) => (m, p, body, headers) => api(m, p, { token: t, body, headers, ...(base ? { baseUrl: base } : {}) });
const iso = (ms) => new Date(ms).toISOString();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function member(name = '拼团会员') {
  const r = await as(admin)('POST', '/api/v1/customers', { name });
  expectStatus(r, 201);
  const l = await as(admin)('POST', `/api/v1/customers/${r.json.id}/member-links`, {});
  expectStatus(l, 201);
  return { id: r.json.id, tok: l.json.token };
}
async function sku({ price = 5000, stock = 100 } = {}) {
  const r = await as(admin)('POST', '/api/v1/products', { name: uniq('拼团好物'), category: '家居', skus: [{ name: '标准装', price, stock }] });
  expectStatus(r, 201);
  return r.json.skus[0].id;
}
async function shelf(skuId) {
  return (await as(admin)('GET', `/api/v1/skus/${skuId}/stock-moves?limit=1`)).json.items[0].stock_after;
}
function body(skuId, extra = {}) {
  return {
    name: uniq('三人团'), sku_id: skuId, price: 3900, stock: 20, team_size: 3, team_minutes: 60, per_customer_limit: 2,
    starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000), ...extra,
  };
}
async function activity(skuId, extra) {
  const r = await as(admin)('POST', '/api/v1/group-buys', body(skuId, extra));
  expectStatus(r, 201);
  return r.json;
}
function pay(orderId, amount, base) {
  const raw = JSON.stringify({ order_id: orderId, amount, transaction_id: uniq('sbx') });
  const sig = crypto.createHmac('sha256', SECRET).update(raw).digest('hex');
  return api('POST', '/api/v1/payments/sandbox/notify', { raw, ...(base ? { baseUrl: base } : {}), headers: { 'Content-Type': 'application/json', 'X-Sandbox-Signature': sig } });
}
const open = (m, id, b = {}, h) => as(m.tok)('POST', `/api/v1/member/group-buys/${id}/teams`, b, h);
const join = (m, code, b = {}, base) => as(m.tok, base)('POST', `/api/v1/member/group-teams/${code}/join`, b);
const team = (m, code) => as(m.tok)('GET', `/api/v1/member/group-teams/${code}`);
const getActivity = async (id) => expectStatus(await as(admin)('GET', `/api/v1/group-buys/${id}`), 200);
function slug(r, s, msg) {
  assertProblem(r, 409, msg);
  assert.match(r.json.type, new RegExp(`/${s}$`), `${msg || ''} ${r.text}`);
}
async function until(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`waited ${ms / 1000} s for ${what}`);
    await sleep(200);
  }
}

describe('activities', () => {
  test('made with the SKU\'s stock, read and listed; bad input names the field; who may do what', async () => {
    const s = await sku({ stock: 100 });
    const a = await activity(s);
    assert.deepEqual([a.price, a.list_price, a.team_size, a.team_minutes, a.stock, a.stock_left, a.sold, a.state, a.pay_window_seconds],
      [3900, 5000, 3, 60, 20, 20, 0, 'running', 900]);
    assert.deepEqual(a.figures, { teams_opened: 0, teams_open: 0, teams_formed: 0, teams_failed: 0, participants: 0, paid_orders: 0, gmv: 0, refunded: 0, conversion: null });
    assert.equal(await shelf(s), 80, 'the activity\'s stock left the shelf');
    const now = Date.now();
    for (const [extra, field] of [
      [{ team_size: 1 }, 'team_size'], [{ team_size: 101 }, 'team_size'], [{ team_minutes: 0 }, 'team_minutes'],
      [{ team_minutes: 4321 }, 'team_minutes'], [{ price: 5000 }, 'price'], [{ price: 6000 }, 'price'], [{ price: -1 }, 'price'],
      [{ price: 0 }, 'price'], [{ price: 1e15 }, 'price'], [{ price: 1.5 }, 'price'], [{ stock: 0 }, 'stock'], [{ stock: -3 }, 'stock'],
      [{ stock: 1e12 }, 'stock'], [{ per_customer_limit: 0 }, 'per_customer_limit'], [{ per_customer_limit: 1001 }, 'per_customer_limit'],
      [{ pay_window_seconds: 0 }, 'pay_window_seconds'], [{ pay_window_seconds: 86401 }, 'pay_window_seconds'],
      [{ starts_at: 'soon' }, 'starts_at'], [{ starts_at: iso(now), ends_at: iso(now - 1000) }, 'ends_at'],
      [{ ends_at: iso(now - 1000), starts_at: iso(now - 5000) }, 'ends_at'], [{ sku_id: 999999999 }, 'sku_id'], [{ sku_id: 'x' }, 'sku_id'],
      [{ sku_id: undefined }, 'sku_id'], [{ team_minutes: undefined }, 'team_minutes'], [{ name: '' }, 'name'], [{ bonus: 1 }, 'bonus'],
      [{ new_customers_only: 'yes' }, 'new_customers_only'],
    ]) assertFieldError(await as(admin)('POST', '/api/v1/group-buys', body(s, extra)), field, JSON.stringify(extra));
    const over = await as(admin)('POST', '/api/v1/group-buys', body(s, { stock: 81 }));
    assertProblem(over, 409);
    assert.equal(over.json.errors[0].field, 'stock');
    assert.equal(await shelf(s), 80, 'refused activities took nothing');
    assertProblem(await as(admin)('GET', '/api/v1/group-buys/999999999'), 404);
    const analyst = await makeStaff(api, admin, 'analyst');
    expectStatus(await as(analyst.token)('GET', `/api/v1/group-buys/${a.id}`), 200);
    assertProblem(await as(analyst.token)('POST', '/api/v1/group-buys', body(s)), 403);
    assertProblem(await as(analyst.token)('POST', `/api/v1/group-buys/${a.id}/stop`), 403);
    const m = await member();
    assertProblem(await as(m.tok)('GET', `/api/v1/group-buys/${a.id}`), 403, 'a member is no staff');
    assertProblem(await as(admin)('POST', `/api/v1/member/group-buys/${a.id}/teams`, {}), 403, 'staff are no member');
    // not started, or stopped: 422; an unknown activity: 404
    const later = await activity(s, { starts_at: iso(now + 3600000), ends_at: iso(now + 7200000), stock: 1 });
    assert.equal(later.state, 'upcoming');
    const list = await as(admin)('GET', '/api/v1/group-buys?limit=1');
    expectStatus(list, 200);
    assert.equal(list.json.items[0].id, later.id, 'newest first');
    const rest = await as(admin)('GET', `/api/v1/group-buys?limit=1&cursor=${list.json.next_cursor}`);
    assert.equal(rest.json.items[0].id, a.id);
    assertProblem(await open(m, later.id), 422);
    assertProblem(await open(m, 999999999), 404);
    const stopped = expectStatus(await as(admin)('POST', `/api/v1/group-buys/${later.id}/stop`), 200);
    assert.equal(stopped.state, 'stopped');
    expectStatus(await as(admin)('POST', `/api/v1/group-buys/${later.id}/stop`), 200);
    assertProblem(await open(m, a.id, { quantity: 0 }), 400);
    assertFieldError(await open(m, a.id, { quantity: 3.5 }), 'quantity');
    assertFieldError(await open(m, a.id, { quantity: 1, extra: true }), 'extra');
  });
});

describe('a team\'s life', () => {
  test('open, share, join, pay, form; members see progress and masked names; staff see teams and figures', async () => {
    const s = await sku();
    const a = await activity(s);
    const [lead, b, c, d] = [await member('张三丰'), await member('李四'), await member('王五'), await member('赵六')];
    const o = await open(lead, a.id);
    expectStatus(o, 201);
    const code = o.json.code;
    assert.match(code, /^[0-9A-HJKMNP-TV-Z]{8}$/);
    assert.deepEqual([o.json.status, o.json.size, o.json.joined, o.json.paid, o.json.seats_left], ['open', 3, 1, 0, 2]);
    assert.equal(o.json.mine.total, 3900);
    assert.equal(o.json.mine.status, 'pending');
    assert.ok(Date.parse(o.json.expires_at) - Date.now() > 170000, 'sixty team minutes of 3 s');
    assert.ok(Date.parse(o.json.mine.pay_by) <= Date.parse(o.json.expires_at));
    // what another member sees: progress, masked names, nobody's ids
    const seen = await team(b, code.toLowerCase());
    expectStatus(seen, 200);
    assert.deepEqual(seen.json.members, [{ name: '张**', leader: true, paid: false, me: false }]);
    assert.equal(seen.json.mine, null);
    assert.ok(!seen.text.includes('三丰') && !seen.text.includes('customer_id'), seen.text);
    assert.deepEqual([seen.json.group_buy.price, seen.json.group_buy.original_price], [3900, 5000]);
    assertProblem(await team(b, 'ZZZZZZZZ'), 404);
    assertProblem(await team(b, 'not-a-code'), 404);
    assertProblem(await join(b, 'ZZZZZZZZ'), 404);
    const jb = await join(b, code.toLowerCase(), { quantity: 2 });
    expectStatus(jb, 201);
    assert.deepEqual([jb.json.joined, jb.json.seats_left, jb.json.mine.total, jb.json.mine.quantity], [2, 1, 7800, 2]);
    slug(await join(b, code), 'already-joined');
    slug(await join(lead, code), 'already-joined', 'the leader is in it');
    // an unformed team's orders neither ship nor are refunded by hand
    const leadOrder = o.json.mine.order_id;
    expectStatus(await pay(leadOrder, 3900), 200);
    assertProblem(await as(admin)('POST', `/api/v1/mall-orders/${leadOrder}/ship`, { carrier: '顺丰', tracking_no: 'SF1' }), 409);
    assertProblem(await as(admin)('POST', `/api/v1/mall-orders/${leadOrder}/refunds`, { reason: '不想要了' }), 409);
    assertProblem(await as(lead.tok)('POST', `/api/v1/mall-orders/${leadOrder}/cancel`), 409);
    expectStatus(await pay(jb.json.mine.order_id, 7800), 200);
    const jc = await join(c, code);
    expectStatus(jc, 201);
    slug(await join(d, code), 'team-full', 'three seats taken');
    assert.equal((await team(c, code)).json.status, 'open');
    expectStatus(await pay(jc.json.mine.order_id, 3900), 200);
    const formed = await team(lead, code);
    assert.deepEqual([formed.json.status, formed.json.paid, formed.json.seats_left], ['formed', 3, 0]);
    assert.ok(formed.json.formed_at);
    assert.deepEqual(formed.json.members.map((x) => [x.name, x.leader, x.paid, x.me]),
      [['张**', true, true, true], ['李**', false, true, false], ['王**', false, true, false]]);
    slug(await join(d, code), 'team-full', 'a formed team');
    const shipped = await as(admin)('POST', `/api/v1/mall-orders/${leadOrder}/ship`, { carrier: '顺丰', tracking_no: 'SF100' });
    expectStatus(shipped, 200);
    assert.deepEqual([shipped.json.kind, shipped.json.activity_id, shipped.json.goods_total, shipped.json.items.length, shipped.json.items[0].id],
      ['group', a.id, 3900, 1, 0]);
    // the staff's figures and teams
    const after = await getActivity(a.id);
    assert.deepEqual(after.figures, { teams_opened: 1, teams_open: 0, teams_formed: 1, teams_failed: 0, participants: 3, paid_orders: 3, gmv: 15600, refunded: 0, conversion: 1 });
    assert.deepEqual([after.sold, after.stock_left], [4, 16]);
    const teams = await as(admin)('GET', `/api/v1/group-buys/${a.id}/teams`);
    expectStatus(teams, 200);
    assert.equal(teams.json.items.length, 1);
    const t = teams.json.items[0];
    assert.deepEqual([t.code, t.status, t.leader_id, t.size, t.seats_taken, t.paid], [code, 'formed', lead.id, 3, 3, 3]);
    assert.deepEqual(t.members.map((x) => [x.customer_id, x.leader, x.order_status]), [[lead.id, true, 'shipped'], [b.id, false, 'paid'], [c.id, false, 'paid']]);
    assert.equal((await as(admin)('GET', `/api/v1/group-buys/${a.id}/teams?status=failed`)).json.items.length, 0);
    assertFieldError(await as(admin)('GET', `/api/v1/group-buys/${a.id}/teams?status=lost`), 'status');
    const editor = await makeStaff(api, admin, 'editor');
    assertProblem(await as(editor.token)('GET', `/api/v1/group-buys/${a.id}/teams`), 403, 'teams need commerce.read');
    // the member's own view of the activity
    const mine = await as(b.tok)('GET', `/api/v1/member/group-buys/${a.id}`);
    expectStatus(mine, 200);
    assert.deepEqual([mine.json.mine, mine.json.stock_left, mine.json.original_price], [2, 16, 5000]);
    assert.deepEqual(mine.json.my_teams.map((x) => [x.code, x.status, x.leader, x.order_status]), [[code, 'formed', false, 'paid']]);
    // a formed order is an ordinary paid order now: refunded by hand, back to the shelf
    const shelfBefore = await shelf(s);
    expectStatus(await as(admin)('POST', `/api/v1/mall-orders/${jc.json.mine.order_id}/refunds`, { reason: '质量问题' }), 201);
    assert.equal(await shelf(s), shelfBefore + 1);
  });

  test('opening with an Idempotency-Key twice opens one team', async () => {
    const a = await activity(await sku());
    const m = await member();
    const key = uniq('idem');
    const one = await open(m, a.id, {}, { 'Idempotency-Key': key });
    const two = await open(m, a.id, {}, { 'Idempotency-Key': key });
    expectStatus(one, 201);
    assert.equal(two.status, 201);
    assert.equal(two.json.code, one.json.code);
    assert.equal((await getActivity(a.id)).figures.teams_opened, 1);
  });

  test('new customers only to join (老带新), one team at a time, the per-customer limit', async () => {
    const s = await sku();
    const a = await activity(s, { new_customers_only: true, one_team_per_customer: true, per_customer_limit: 3 });
    const old = await member('老客');
    const o = await as(old.tok)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: s, quantity: 1 }] });
    expectStatus(o, 201);
    expectStatus(await pay(o.json.id, 5000), 200);
    const t = await open(old, a.id, { quantity: 2 });
    expectStatus(t, 201, 'an old customer leads');
    slug(await open(old, a.id), 'one-team-only');
    const fresh = await member('新客');
    expectStatus(await join(fresh, t.json.code), 201);
    const old2 = await member('老客二');
    const o2 = await as(old2.tok)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: s, quantity: 1 }] });
    expectStatus(await pay(o2.json.id, 5000), 200);
    slug(await join(old2, t.json.code), 'new-customers-only');
    const b = await activity(s, { per_customer_limit: 2 });
    const m = await member();
    expectStatus(await open(m, b.id, { quantity: 2 }), 201);
    slug(await open(m, b.id), 'limit-reached');
  });
});

describe('time', () => {
  test('an unpaid seat frees itself; a team out of time is refunded, its units back in the activity; an ended activity\'s stock goes back to the SKU', async () => {
    const s = await sku({ stock: 50 });
    // A: teams of 3 with two team minutes (6 s) and 1 s to pay; B: teams of 2 with one minute (3 s), a minute to pay
    const a = await activity(s, { team_minutes: 2, pay_window_seconds: 1, stock: 5 });
    const b = await activity(s, { team_size: 2, team_minutes: 1, pay_window_seconds: 60, stock: 4 });
    assert.equal(await shelf(s), 41);
    const [lead, slow, lb, lateJoiner] = [await member('甲'), await member('乙'), await member('丙'), await member('丁')];
    expectStatus(await as(admin)('POST', `/api/v1/customers/${lead.id}/points`, { delta: 500 }), 201);
    const ta = await open(lead, a.id);
    expectStatus(ta, 201);
    expectStatus(await pay(ta.json.mine.order_id, 3900), 200);
    const tb = await open(lb, b.id);
    expectStatus(await pay(tb.json.mine.order_id, 3900), 200);
    const late = await join(lateJoiner, tb.json.code);
    expectStatus(late, 201);
    assert.equal(late.json.mine.pay_by, tb.json.expires_at, 'a seat\'s payment window ends with its team');
    // the slow member's seat frees itself after 1 s, and they may take it again
    const js = await join(slow, ta.json.code);
    expectStatus(js, 201);
    assert.equal((await getActivity(a.id)).stock_left, 3);
    const freed = await until('the unpaid seat', async () => {
      const r = await as(slow.tok)('GET', `/api/v1/member/orders/${js.json.mine.order_id}`);
      return r.json.status === 'cancelled' && r.json;
    });
    assert.equal(freed.cancel_reason, 'timeout');
    assertProblem(await pay(js.json.mine.order_id, 3900), 409, 'too late to pay');
    const back = await team(lead, ta.json.code);
    assert.deepEqual([back.json.status, back.json.joined, back.json.seats_left], ['open', 1, 2]);
    assert.equal((await getActivity(a.id)).stock_left, 4);
    const again = await join(slow, ta.json.code);
    expectStatus(again, 201);
    expectStatus(await pay(again.json.mine.order_id, 3900), 200);
    // B's time runs out: its paid leader refunded, its unpaid joiner cancelled
    const failedB = await until('team B to fail', async () => {
      const r = await team(lb, tb.json.code);
      return r.json.status === 'failed' && r.json;
    });
    assert.equal(failedB.paid, 1);
    const lbOrder = await as(lb.tok)('GET', `/api/v1/member/orders/${tb.json.mine.order_id}`);
    assert.deepEqual([lbOrder.json.status, lbOrder.json.refunded], ['refunded', 3900]);
    const refunds = await as(admin)('GET', `/api/v1/mall-orders/${tb.json.mine.order_id}/refunds`);
    assert.deepEqual(refunds.json.items.map((r) => [r.amount, r.reason, r.restock, r.status]), [[3900, '拼团失败', false, 'succeeded']]);
    const lateOrder = await as(lateJoiner.tok)('GET', `/api/v1/member/orders/${late.json.mine.order_id}`);
    assert.deepEqual([lateOrder.json.status, lateOrder.json.cancel_reason], ['cancelled', 'group_failed']);
    slug(await join(slow, tb.json.code), 'team-expired');
    const bAfter = await getActivity(b.id);
    assert.deepEqual([bAfter.sold, bAfter.stock_left, bAfter.figures.teams_failed, bAfter.figures.refunded], [0, 4, 1, 3900]);
    // A's time runs out too: both paid seats refunded, points earned taken back, the customer's orders net to zero
    await until('team A to fail', async () => (await team(lead, ta.json.code)).json.status === 'failed');
    const aAfter = await getActivity(a.id);
    assert.deepEqual([aAfter.sold, aAfter.stock_left, aAfter.figures.teams_opened, aAfter.figures.conversion], [0, 5, 1, 0]);
    assert.equal(await shelf(s), 41, 'refunds went back to the activities, not the shelf');
    assert.equal((await as(admin)('GET', `/api/v1/customers/${lead.id}/points`)).json.balance, 500);
    const orders = await as(admin)('GET', `/api/v1/customers/${lead.id}/orders`);
    assert.deepEqual(orders.json.items.map((x) => [x.amount_fen, x.status]), [[0, 'refunded']]);
    // stopping A with no team open: its 5 units go back to the shelf, once
    expectStatus(await as(admin)('POST', `/api/v1/group-buys/${a.id}/stop`), 200);
    const closed = await until('A to close', async () => { const r = await getActivity(a.id); return r.closed_at && r; });
    assert.deepEqual([closed.stock_returned, closed.stock_left], [5, 0]);
    await sleep(1500);
    assert.equal(await shelf(s), 46);
  });

  test('a team whose leader never pays, and nobody else holds a seat, fails when the seat frees itself', async () => {
    const a = await activity(await sku(), { team_minutes: 60, pay_window_seconds: 1, stock: 2 });
    const lead = await member('不付款');
    const t = await open(lead, a.id);
    expectStatus(t, 201);
    const gone = await until('the empty team to fail', async () => {
      const r = await team(lead, t.json.code);
      return r.json.status === 'failed' && r.json;
    });
    assert.deepEqual([gone.joined, gone.members.length, gone.mine], [0, 0, null]);
    slug(await join(await member('来晚了'), t.json.code), 'team-expired');
    const after = await getActivity(a.id);
    assert.deepEqual([after.stock_left, after.figures.teams_failed, after.figures.refunded], [2, 1, 0]);
  });
});

describe('concurrency', () => {
  test('thirty members racing for three seats: exactly three get one', async () => {
    const a = await activity(await sku(), { team_size: 5, per_customer_limit: 1 });
    const lead = await member('团长');
    const t = await open(lead, a.id);
    expectStatus(t, 201);
    expectStatus(await join(await member('先到'), t.json.code), 201);
    const racers = await Promise.all(Array.from({ length: 30 }, (_, i) => member(`抢位${i}`)));
    const rs = await Promise.all(racers.map((m) => join(m, t.json.code)));
    assert.equal(rs.filter((r) => r.status === 201).length, 3);
    for (const r of rs) if (r.status !== 201) slug(r, 'team-full');
    const after = await team(lead, t.json.code);
    assert.deepEqual([after.json.joined, after.json.seats_left, after.json.members.length], [5, 0, 5]);
    assert.equal((await getActivity(a.id)).sold, 5);
  });

  test('the activity\'s stock is never oversold, and one member\'s many orders stay within their limit', async () => {
    const s = await sku({ stock: 100 });
    const a = await activity(s, { stock: 4, team_size: 2, per_customer_limit: 1 });
    const ms = await Promise.all(Array.from({ length: 20 }, (_, i) => member(`抢团${i}`)));
    const rs = await Promise.all(ms.map((m) => open(m, a.id)));
    assert.equal(rs.filter((r) => r.status === 201).length, 4);
    for (const r of rs) if (r.status !== 201) slug(r, 'sold-out');
    const after = await getActivity(a.id);
    assert.deepEqual([after.sold, after.stock_left, after.figures.teams_opened], [4, 0, 4]);
    const b = await activity(s, { stock: 50, team_size: 2, per_customer_limit: 2 });
    const m = await member('一人多单');
    const many = await Promise.all(Array.from({ length: 12 }, () => open(m, b.id)));
    assert.equal(many.filter((r) => r.status === 201).length, 2);
    for (const r of many) if (r.status !== 201) slug(r, 'limit-reached');
    const teams = many.filter((r) => r.status === 201).map((r) => r.json.code);
    // eight others race for the last seat of each of those two teams: one each
    const others = await Promise.all(Array.from({ length: 8 }, (_, i) => member(`凑团${i}`)));
    const mixed = await Promise.all(others.map((o, i) => join(o, teams[i % 2])));
    assert.equal(mixed.filter((r) => r.status === 201).length, 2);
    assert.equal((await getActivity(b.id)).sold, 4);
  });
});

describe('two instances on one PostgreSQL', { skip: (process.env.YT_TEST_STORE || 'sqlite') !== 'pg' && 'PostgreSQL only' }, () => {
  test('seats raced through both, payments through either, each expired team closed and refunded once', async () => {
    const twin = await startServer({ name: 'groupbuy-twin', shareWith: srv, env: ENV });
    try {
      const s = await sku({ stock: 100 });
      const a = await activity(s, { team_size: 4, team_minutes: 2, pay_window_seconds: 60, stock: 40, per_customer_limit: 1 });
      // six teams, each with its leader paid (alternately through each instance)
      const leads = await Promise.all(Array.from({ length: 6 }, (_, i) => member(`双实例团长${i}`)));
      const teams = [];
      for (const [i, m] of leads.entries()) {
        const t = await open(m, a.id);
        expectStatus(t, 201);
        expectStatus(await pay(t.json.mine.order_id, 3900, i % 2 ? twin.baseUrl : srv.baseUrl), 200);
        teams.push(t.json);
      }
      // 36 members race for the 18 free seats, half through each instance
      const racers = await Promise.all(Array.from({ length: 36 }, (_, i) => member(`双实例${i}`)));
      const rs = await Promise.all(racers.map((m, i) => join(m, teams[i % 6].code, {}, i % 4 < 2 ? twin.baseUrl : srv.baseUrl)));
      assert.equal(rs.filter((r) => r.status === 201).length, 18);
      for (const r of rs) if (r.status !== 201) slug(r, 'team-full');
      // one more paid seat in each of the first three teams; none forms (4 seats, 2 paid)
      const joined = rs.filter((r) => r.status === 201);
      for (const t of teams.slice(0, 3)) {
        const seat = joined.find((r) => r.json.code === t.code);
        expectStatus(await pay(seat.json.mine.order_id, 3900, twin.baseUrl), 200);
      }
      assert.equal((await getActivity(a.id)).sold, 24);
      // both instances' sweeps see every team expire: each is closed once, each paid seat refunded once
      await until('every team to fail', async () => (await getActivity(a.id)).figures.teams_failed === 6, 30000);
      const after = await getActivity(a.id);
      assert.deepEqual([after.sold, after.stock_left, after.figures.paid_orders, after.figures.refunded], [0, 40, 9, 9 * 3900]);
      const list = await as(admin)('GET', `/api/v1/group-buys/${a.id}/teams?limit=10`);
      let refundsSeen = 0;
      for (const t of list.json.items) {
        for (const m of t.members) {
          if (m.paid_at) {
            const rf = await as(admin)('GET', `/api/v1/mall-orders/${m.order_id}/refunds`);
            assert.equal(rf.json.items.length, 1, `order ${m.order_id} refunded once`);
            refundsSeen += 1;
          } else {
            assert.deepEqual([m.order_status, m.cancel_reason], ['cancelled', 'group_failed']);
          }
        }
      }
      assert.equal(refundsSeen, 9);
      const audit = await as(admin)('GET', '/api/v1/audit?entity=group_team&limit=200');
      const ours = new Set(list.json.items.map((t) => String(t.id)));
      const fails = audit.json.items.filter((e) => e.action === 'group_team.fail' && ours.has(String(e.entity_id)));
      assert.equal(fails.length, 6, 'one closing per team, whichever instance did it');
      assert.equal(await shelf(s), 60, 'nothing went back to the shelf while the activity runs');
    } finally { await twin.stop(); }
  });
});
