// Distribution (分销): settings checked field by field; members apply and staff approve, reject or disable, or the
// brand's rule (spend, a tag) makes a distributor at once; binding by share code (first and last touch, the period,
// never oneself, never a loop); commissions at two levels only (a chain of four pays two), frozen until the order has
// completed and the after-sales window has passed, reversed by refunds in proportion (from the balance once released,
// the rest owed and netted from the next release); withdrawals reviewed, never below a zero balance however many
// ask at once; the leaderboard for staff and, masked, for members; merges that would bind a member to themselves.
// Two instances serve one store throughout, so payments, withdrawals and releases meet across processes.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, assertFieldError, expectStatus, makeStaff, uniq } from '../lib/client.mjs';

const SECRET = 'sandbox-secret-for-distribution';
const ENV = { YUTANG_PAY_SANDBOX_SECRET: SECRET, YUTANG_RATE_LIMIT_PER_IP: '200000', YUTANG_RATE_LIMIT_PER_TOKEN: '200000' };
let srv, twin, api, api2, admin;
before(async () => {
  srv = await startServer({ name: 'distribution', env: ENV });
  twin = await startServer({ name: 'distribution-twin', env: ENV, shareWith: srv });
  ({ api } = client(srv.baseUrl));
  ({ api: api2 } = client(twin.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => {
  if (twin) await twin.stop();
  if (srv) await srv.stop();
});

const as = (t, via = api) => (m, p, body, headers) => via(m, p, { token: t, body, headers });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const iso = (ms) => new Date(ms).toISOString();

async function settings(body) {
  const r = await as(admin)('PUT', '/api/v1/distribution/settings', body);
  expectStatus(r, 200);
  return r.json;
}
async function member(name = '会员') {
  const c = await as(admin)('POST', '/api/v1/customers', { name });
  expectStatus(c, 201);
  const l = await as(admin)('POST', `/api/v1/customers/${c.json.id}/member-links`, {});
  expectStatus(l, 201);
  return { id: c.json.id, token: l.json.token, name };
}
/** A member who applied and was approved: {id, token, code}. */
async function distributor(name = '分销员') {
  const m = await member(name);
  expectStatus(await as(m.token)('POST', '/api/v1/member/distribution/apply', { application: '想分享给朋友' }), 201);
  const d = await as(admin)('POST', `/api/v1/distributors/${m.id}/approve`);
  if (d.status === 409) assert.equal(d.json.errors[0].field, 'status'); // made by the rule already
  else expectStatus(d, 200);
  const me = await as(m.token)('GET', '/api/v1/member/distribution');
  assert.equal(me.json.distributor.status, 'active');
  return { ...m, code: me.json.distributor.code };
}
async function bind(m, code, via = api) {
  return as(m.token, via)('POST', '/api/v1/member/distribution/bind', { code });
}
async function product(price = 5000, stock = 100000) {
  const r = await as(admin)('POST', '/api/v1/products', { name: uniq('精华'), category: '护肤', skus: [{ name: '30ml', price, stock }] });
  expectStatus(r, 201);
  return r.json.skus[0].id;
}
async function order(m, sku, quantity = 1) {
  const r = await as(m.token)('POST', '/api/v1/mall-orders', { lines: [{ sku_id: sku, quantity }] });
  expectStatus(r, 201);
  return r.json;
}
function pay(o, txn = uniq('sbx'), via = api) {
  const raw = JSON.stringify({ order_id: o.id, amount: o.total, transaction_id: txn });
  const sig = crypto.createHmac('sha256', SECRET).update(raw).digest('hex');
  return via('POST', '/api/v1/payments/sandbox/notify', { raw, headers: { 'Content-Type': 'application/json', 'X-Sandbox-Signature': sig } });
}
async function paid(m, sku, quantity = 1) {
  const o = await order(m, sku, quantity);
  expectStatus(await pay(o), 200);
  return o;
}
async function shipAndComplete(m, o) {
  expectStatus(await as(admin)('POST', `/api/v1/mall-orders/${o.id}/ship`, { carrier: '顺丰', tracking_no: uniq('SF') }), 200);
  expectStatus(await as(m.token)('POST', `/api/v1/mall-orders/${o.id}/complete`), 200);
}
async function account(id) {
  const r = await as(admin)('GET', `/api/v1/distributors/${id}`);
  expectStatus(r, 200);
  return r.json;
}
async function commissions(query) {
  const r = await as(admin)('GET', `/api/v1/distribution/commissions?limit=200&${query}`);
  expectStatus(r, 200);
  return r.json.items;
}
/** Polls fn until it returns a truthy value (the sweep runs every second on each instance). */
async function until(fn, what, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe('settings', () => {
  test('read, checked field by field, changed; off means no applications and no binding', async () => {
    const got = await as(admin)('GET', '/api/v1/distribution/settings');
    expectStatus(got, 200);
    assert.deepEqual(got.json, {
      enabled: false, binding_mode: 'first', binding_days: 15, rate_unit: 'percent', level1_rate: 10, level2_rate: 0,
      settle_days: 7, withdraw_min: 100, rule_min_spend: 0, rule_tag_id: null,
    });
    for (const [body, field] of [
      [{ binding_mode: 'middle' }, 'binding_mode'], [{ rate_unit: 'bp' }, 'rate_unit'], [{ level1_rate: -1 }, 'level1_rate'],
      [{ level1_rate: 101 }, 'level1_rate'], [{ level1_rate: 60, level2_rate: 50 }, 'level2_rate'], [{ level1_rate: 1.5 }, 'level1_rate'],
      [{ rate_unit: 'percent', level1_rate: 900 }, 'level1_rate'], [{ binding_days: -1 }, 'binding_days'], [{ binding_days: 4000 }, 'binding_days'],
      [{ settle_days: 400 }, 'settle_days'], [{ withdraw_min: 0 }, 'withdraw_min'], [{ rule_min_spend: -1 }, 'rule_min_spend'],
      [{ rule_tag_id: 999999999 }, 'rule_tag_id'], [{ enabled: 'yes' }, 'enabled'], [{ binding_mode: 3 }, 'binding_mode'],
      [{ levels: 3 }, 'levels'], [{ level3_rate: 1 }, 'level3_rate'],
    ]) assertFieldError(await as(admin)('PUT', '/api/v1/distribution/settings', body), field, JSON.stringify(body));
    const m = await member('早来的');
    const off = await as(m.token)('POST', '/api/v1/member/distribution/apply', {});
    assertProblem(off, 409);
    assert.equal(off.json.errors[0].field, 'distribution');
    assertProblem(await bind(m, 'abcdefghijkmnpqr'), 409);
    const s = await settings({ enabled: true, rate_unit: 'permille', level1_rate: 100, level2_rate: 50 });
    assert.deepEqual([s.enabled, s.rate_unit, s.level1_rate, s.level2_rate, s.binding_days], [true, 'permille', 100, 50, 15]);
    const analyst = await makeStaff(api, admin, 'analyst');
    expectStatus(await as(analyst.token)('GET', '/api/v1/distribution/settings'), 200);
    assertProblem(await as(analyst.token)('PUT', '/api/v1/distribution/settings', { enabled: false }), 403);
    assertProblem(await as(m.token)('GET', '/api/v1/distribution/settings'), 403);
    assertProblem(await as(admin)('GET', '/api/v1/member/distribution'), 403);
  });
});

describe('distributors', () => {
  test('a member applies; staff reject, approve and disable; every decision is audited', async () => {
    await settings({ enabled: true, rule_min_spend: 0, rule_tag_id: null });
    const m = await member('申请人');
    const before = await as(m.token)('GET', '/api/v1/member/distribution');
    expectStatus(before, 200);
    assert.equal(before.json.distributor, null);
    assert.equal(before.json.eligible, false);
    for (const [body, field] of [[{ application: 5 }, 'application'], [{ application: 'x'.repeat(201) }, 'application'],
      [{ application: '想\u0007赚' }, 'application'], [{ note: '' }, 'note']])
      assertFieldError(await as(m.token)('POST', '/api/v1/member/distribution/apply', body), field, JSON.stringify(body));
    const applied = await as(m.token)('POST', '/api/v1/member/distribution/apply', { application: '我有很多宝妈朋友' });
    expectStatus(applied, 201);
    const acct = applied.json.distributor;
    assert.deepEqual([acct.status, acct.source, acct.application], ['pending', 'application', '我有很多宝妈朋友']);
    assert.match(acct.code, /^[a-km-np-z2-9]{16}$/);
    assert.deepEqual(acct.balance, { frozen: 0, withdrawable: 0, owed: 0, withdrawing: 0, withdrawn: 0 });
    assertProblem(await as(m.token)('POST', '/api/v1/member/distribution/apply', {}), 409);
    const pending = await as(admin)('GET', '/api/v1/distributors?status=pending&limit=200');
    expectStatus(pending, 200);
    assert.ok(pending.json.items.some((d) => d.customer_id === m.id && d.name === '申请人'));
    assertFieldError(await as(admin)('GET', '/api/v1/distributors?status=sleeping'), 'status');
    // a pending distributor's code binds nobody
    const other = await member('路人');
    assertProblem(await bind(other, acct.code), 404);
    assertFieldError(await as(admin)('POST', `/api/v1/distributors/${m.id}/reject`, {}), 'reason');
    const rejected = await as(admin)('POST', `/api/v1/distributors/${m.id}/reject`, { reason: '资料不全' });
    expectStatus(rejected, 200);
    assert.deepEqual([rejected.json.status, rejected.json.decision_note], ['rejected', '资料不全']);
    assertProblem(await as(admin)('POST', `/api/v1/distributors/${m.id}/reject`, { reason: '再拒' }), 409);
    assertProblem(await as(admin)('POST', `/api/v1/distributors/${m.id}/disable`, { reason: '停' }), 409);
    // a rejected member may apply again
    expectStatus(await as(m.token)('POST', '/api/v1/member/distribution/apply', { application: '补充了资料' }), 201);
    const approved = await as(admin)('POST', `/api/v1/distributors/${m.id}/approve`);
    expectStatus(approved, 200);
    assert.equal(approved.json.status, 'active');
    assert.equal(approved.json.code, acct.code, 'the code stays');
    assertProblem(await as(admin)('POST', `/api/v1/distributors/${m.id}/approve`), 409);
    const disabled = await as(admin)('POST', `/api/v1/distributors/${m.id}/disable`, { reason: '违规宣传' });
    expectStatus(disabled, 200);
    assert.equal(disabled.json.status, 'disabled');
    assertProblem(await bind(other, acct.code), 404);
    assertProblem(await as(m.token)('POST', '/api/v1/member/distribution/apply', {}), 409);
    expectStatus(await as(admin)('POST', `/api/v1/distributors/${m.id}/approve`), 200);
    expectStatus(await bind(other, acct.code), 200);
    // unknown ids and customers who are no distributor
    for (const p of ['/api/v1/distributors/999999999', `/api/v1/distributors/${other.id}`, `/api/v1/distributors/${other.id}/members`])
      assertProblem(await as(admin)('GET', p), 404, p);
    assertProblem(await as(admin)('POST', `/api/v1/distributors/${other.id}/approve`), 404);
    const audit = await as(admin)('GET', `/api/v1/audit?entity=distributor&entity_id=${m.id}&limit=50`);
    expectStatus(audit, 200);
    const actions = audit.json.items.map((e) => e.action).sort();
    for (const a of ['distributor.apply', 'distributor.reject', 'distributor.approve', 'distributor.disable']) assert.ok(actions.includes(a), a);
    // roles: an analyst reads, cannot decide; a member cannot reach staff routes
    const analyst = await makeStaff(api, admin, 'analyst');
    expectStatus(await as(analyst.token)('GET', `/api/v1/distributors/${m.id}`), 200);
    assertProblem(await as(analyst.token)('POST', `/api/v1/distributors/${m.id}/disable`, { reason: 'x' }), 403);
    assertProblem(await as(m.token)('GET', '/api/v1/distributors'), 403);
  });

  test('the brand\'s rule makes distributors without review: by paid spend at payment, by a tag on applying', async () => {
    const tag = await as(admin)('POST', '/api/v1/tags', { name: uniq('团长') });
    expectStatus(tag, 201);
    await settings({ enabled: true, rule_min_spend: 6000, rule_tag_id: tag.json.id });
    const sku = await product(3000);
    const spender = await member('大客户');
    await paid(spender, sku); // 3000: not yet
    assert.equal((await as(spender.token)('GET', '/api/v1/member/distribution')).json.distributor, null);
    await paid(spender, sku); // 6000: reached
    const made = (await as(spender.token)('GET', '/api/v1/member/distribution')).json.distributor;
    assert.deepEqual([made.status, made.source], ['active', 'rule']);
    const tagged = await member('团长');
    expectStatus(await as(admin)('POST', `/api/v1/customers/${tagged.id}/tags`, { tags: [tag.json.name] }), 200);
    const seen = await as(tagged.token)('GET', '/api/v1/member/distribution');
    assert.equal(seen.json.eligible, true);
    const applied = await as(tagged.token)('POST', '/api/v1/member/distribution/apply', {});
    expectStatus(applied, 201);
    assert.deepEqual([applied.json.distributor.status, applied.json.distributor.source], ['active', 'rule']);
    // a staff decision stands: a rejected applicant is not made one by the rule later
    const rejected = await member('被拒');
    expectStatus(await as(rejected.token)('POST', '/api/v1/member/distribution/apply', {}), 201);
    expectStatus(await as(admin)('POST', `/api/v1/distributors/${rejected.id}/reject`, { reason: '不符合' }), 200);
    await paid(rejected, sku, 2);
    assert.equal((await account(rejected.id)).status, 'rejected');
    await settings({ rule_min_spend: 0, rule_tag_id: null });
  });
});

describe('binding', () => {
  test('first touch keeps, last touch replaces and renews; the period; never oneself, never a loop; unknown codes', async () => {
    await settings({ enabled: true, binding_mode: 'first', binding_days: 0 });
    const p = await distributor('张三丰');
    const q = await distributor('李四');
    const m = await member('王五');
    const first = await bind(m, p.code);
    expectStatus(first, 200);
    assert.deepEqual(first.json, { outcome: 'bound', distributor: { name: '张**' }, expires_at: null });
    const kept = await bind(m, q.code);
    expectStatus(kept, 200);
    assert.deepEqual([kept.json.outcome, kept.json.distributor.name], ['kept', '张**']);
    assert.equal((await as(m.token)('GET', '/api/v1/member/distribution')).json.bound_to.name, '张**');
    await settings({ binding_mode: 'last', binding_days: 3 });
    const replaced = await bind(m, q.code);
    assert.deepEqual([replaced.json.outcome, replaced.json.distributor.name], ['replaced', '李**']);
    const days = (Date.parse(replaced.json.expires_at) - Date.now()) / 86400000;
    assert.ok(days > 2.99 && days <= 3, `expires in ${days} days`);
    assert.equal((await bind(m, q.code)).json.outcome, 'renewed');
    const members = await as(admin)('GET', `/api/v1/distributors/${q.id}/members`);
    expectStatus(members, 200);
    assert.deepEqual(members.json.items.map((x) => [x.customer_id, x.name]), [[m.id, '王五']]);
    assert.equal((await account(q.id)).members, 1);
    assert.equal((await account(p.id)).members, 0);
    // never oneself
    const self = await bind(p, p.code);
    assertProblem(self, 409);
    assert.equal(self.json.errors[0].field, 'code');
    // never a loop: p -> q, so q cannot bind to p; r -> p, so q cannot bind to r either (q -> r -> p -> q)
    expectStatus(await bind(p, q.code), 200);
    const loop = await bind(q, p.code);
    assertProblem(loop, 409);
    assert.equal(loop.json.errors[0].field, 'code');
    const r = await distributor('赵六');
    expectStatus(await bind(r, p.code), 200);
    assertProblem(await bind(q, r.code), 409);
    // codes that are not codes, and unknown ones
    assertProblem(await bind(m, 'zzzzzzzzzzzzzzzz'), 404);
    for (const [body, field] of [[{ code: '' }, 'code'], [{ code: 'a'.repeat(65) }, 'code'], [{ code: 42 }, 'code'], [{}, 'code'],
      [{ code: p.code, extra: 1 }, 'extra']])
      assertFieldError(await as(m.token)('POST', '/api/v1/member/distribution/bind', body), field, JSON.stringify(body));
    assertProblem(await as(admin)('POST', '/api/v1/member/distribution/bind', { code: p.code }), 403);
    // first touch holds a member only while their distributor is active
    await settings({ binding_mode: 'first' });
    const n = await member('新人');
    expectStatus(await bind(n, r.code), 200);
    assert.equal((await bind(n, q.code)).json.outcome, 'kept');
    expectStatus(await as(admin)('POST', `/api/v1/distributors/${r.id}/disable`, { reason: '离职' }), 200);
    assert.equal((await bind(n, q.code)).json.outcome, 'replaced');
  });

  test('forty pairs of distributors binding to each other at once: never a loop', async () => {
    await settings({ enabled: true, binding_mode: 'last', binding_days: 0 });
    const pairs = await Promise.all(Array.from({ length: 40 }, async (_, i) => [await distributor(`甲${i}`), await distributor(`乙${i}`)]));
    const rs = await Promise.all(pairs.flatMap(([a, b], i) => [bind(a, b.code, i % 2 ? api : api2), bind(b, a.code, i % 2 ? api2 : api)]));
    for (let i = 0; i < pairs.length; i++) {
      const [ra, rb] = [rs[2 * i], rs[2 * i + 1]];
      assert.equal([ra, rb].filter((x) => x.status === 200).length, 1, `pair ${i}: one binding, the other refused`);
      for (const x of [ra, rb]) if (x.status !== 200) assertProblem(x, 409);
    }
  });
});

describe('commissions', () => {
  test('a chain of four pays two levels; refunds reverse in proportion; released after completion; what is owed is netted', async () => {
    await settings({ enabled: true, binding_mode: 'first', binding_days: 0, rate_unit: 'percent', level1_rate: 10, level2_rate: 5, settle_days: 0 });
    // a <- b <- c <- d <- buyer: four distributors above the buyer
    const [a, b, c, d] = [await distributor('甲级'), await distributor('乙级'), await distributor('丙级'), await distributor('丁级')];
    expectStatus(await bind(b, a.code), 200);
    expectStatus(await bind(c, b.code), 200);
    expectStatus(await bind(d, c.code), 200);
    const buyer = await member('买家');
    expectStatus(await bind(buyer, d.code), 200);
    const sku = await product(5000);
    const o = await paid(buyer, sku, 2);
    assert.equal(o.total, 10000);
    const made = await commissions(`order_id=${o.id}`);
    assert.deepEqual(made.map((x) => [x.level, x.distributor_id, x.buyer_id, x.base, x.rate, x.rate_unit, x.amount, x.status]).sort(),
      [[1, d.id, buyer.id, 10000, 10, 'percent', 1000, 'frozen'], [2, c.id, buyer.id, 10000, 5, 'percent', 500, 'frozen']]);
    for (const x of [a, b]) assert.equal((await commissions(`distributor_id=${x.id}`)).length, 0, 'no third level, nor a fourth');
    assert.equal((await account(d.id)).balance.frozen, 1000);
    // a member sees their own, without the buyer
    const mine = await as(d.token)('GET', '/api/v1/member/distribution/commissions');
    expectStatus(mine, 200);
    assert.deepEqual(mine.json.items.map((x) => [x.order_id, x.level, x.amount, x.status, x.buyer_id]), [[o.id, 1, 1000, 'frozen', undefined]]);
    // half refunded while frozen: half reversed
    const item = (await as(admin)('GET', `/api/v1/mall-orders/${o.id}`)).json.items[0].id;
    expectStatus(await as(admin)('POST', `/api/v1/mall-orders/${o.id}/refunds`, { reason: '少发一件', lines: [{ item_id: item, quantity: 1 }] }), 201);
    assert.deepEqual((await commissions(`order_id=${o.id}`)).map((x) => [x.level, x.reversed, x.refunded, x.status]).sort(),
      [[1, 500, 5000, 'frozen'], [2, 250, 5000, 'frozen']]);
    assert.equal((await account(d.id)).balance.frozen, 500);
    // frozen until the order completes; then released by the sweep (the window is 0 days here)
    await sleep(1500);
    assert.equal((await account(d.id)).balance.withdrawable, 0, 'not before the order completes');
    await shipAndComplete(buyer, o);
    await until(async () => (await account(d.id)).balance.withdrawable === 500, 'the release');
    assert.deepEqual((await account(c.id)).balance, { frozen: 0, withdrawable: 250, owed: 0, withdrawing: 0, withdrawn: 0 });
    const released = await commissions(`order_id=${o.id}&status=released`);
    assert.equal(released.length, 2);
    assert.ok(released.every((x) => x.released_at && x.release_at));
    // d withdraws 400, paid out; then the rest is refunded: 500 comes back out of 100 withdrawable, 400 is owed
    const w = await as(d.token)('POST', '/api/v1/member/distribution/withdrawals', { amount: 400 });
    expectStatus(w, 201);
    expectStatus(await as(admin)('POST', `/api/v1/distribution/withdrawals/${w.json.id}/approve`, { payout_ref: '银行转账 20260101' }), 200);
    expectStatus(await as(admin)('POST', `/api/v1/mall-orders/${o.id}/refunds`, { reason: '整单退货' }), 201);
    assert.deepEqual((await account(d.id)).balance, { frozen: 0, withdrawable: 0, owed: 400, withdrawing: 0, withdrawn: 400 });
    assert.deepEqual((await account(c.id)).balance, { frozen: 0, withdrawable: 0, owed: 0, withdrawing: 0, withdrawn: 0 });
    assert.deepEqual((await commissions(`order_id=${o.id}`)).map((x) => [x.level, x.reversed, x.status]).sort(),
      [[1, 1000, 'reversed'], [2, 500, 'reversed']]);
    // the next releases pay what is owed first: 1000 earned, 400 owed, 600 withdrawable
    const o2 = await paid(buyer, sku, 1);
    const o3 = await paid(buyer, sku, 1);
    await shipAndComplete(buyer, o2);
    await shipAndComplete(buyer, o3);
    await until(async () => (await account(d.id)).balance.frozen === 0, 'the second release');
    assert.deepEqual((await account(d.id)).balance, { frozen: 0, withdrawable: 600, owed: 0, withdrawing: 0, withdrawn: 400 });
  });

  test('an open after-sales ticket holds the release; a window of days keeps it frozen', async () => {
    await settings({ enabled: true, binding_mode: 'first', level1_rate: 10, level2_rate: 0, settle_days: 0 });
    const d = await distributor('售后');
    const buyer = await member('售后买家');
    expectStatus(await bind(buyer, d.code), 200);
    const sku = await product(2000);
    const o = await paid(buyer, sku);
    await shipAndComplete(buyer, o);
    // a ticket opened at once may or may not beat the first sweep; a second order with a ticket before completion
    const o2 = await paid(buyer, sku);
    expectStatus(await as(admin)('POST', `/api/v1/mall-orders/${o2.id}/ship`, { carrier: '顺丰', tracking_no: uniq('SF') }), 200);
    const t = await as(buyer.token)('POST', '/api/v1/after-sales', { order_id: o2.id, kind: 'return', reason: '不合适' });
    expectStatus(t, 201);
    expectStatus(await as(buyer.token)('POST', `/api/v1/mall-orders/${o2.id}/complete`), 200);
    await until(async () => (await account(d.id)).balance.withdrawable === 200, 'the first order\'s release');
    await sleep(2000);
    assert.equal((await account(d.id)).balance.frozen, 200, 'the ticket holds the second');
    expectStatus(await as(admin)('POST', `/api/v1/after-sales/${t.json.id}/resolve`, { status: 'rejected', resolution: '不符合退货条件' }), 200);
    await until(async () => (await account(d.id)).balance.withdrawable === 400, 'the release after the ticket closed');
    // a window of a week: completed, still frozen, due in seven days
    await settings({ settle_days: 7 });
    const o3 = await paid(buyer, sku);
    await shipAndComplete(buyer, o3);
    await sleep(1500);
    const [c3] = await commissions(`order_id=${o3.id}`);
    assert.equal(c3.status, 'frozen');
    const due = (Date.parse(c3.release_at) - Date.now()) / 86400000;
    assert.ok(due > 6.99 && due <= 7, `due in ${due} days`);
    await settings({ settle_days: 0 });
  });

  test('sixty orders paid at once through two instances while their buyers switch bindings: each order pays its two levels once', async () => {
    await settings({ enabled: true, binding_mode: 'last', binding_days: 0, rate_unit: 'permille', level1_rate: 100, level2_rate: 30, settle_days: 7 });
    const [u, v, x, y] = [await distributor('上甲'), await distributor('上乙'), await distributor('中甲'), await distributor('中乙')];
    expectStatus(await bind(x, u.code), 200);
    expectStatus(await bind(y, v.code), 200);
    const sku = await product(1234);
    const buyers = await Promise.all(Array.from({ length: 60 }, (_, i) => member(`抢购${i}`)));
    await Promise.all(buyers.map((m) => bind(m, x.code)));
    const orders = await Promise.all(buyers.map((m, i) => order(m, sku, 1 + (i % 3))));
    const txns = orders.map(() => uniq('sbx'));
    const rs = await Promise.all(orders.flatMap((o, i) => [pay(o, txns[i], i % 2 ? api : api2), bind(buyers[i], y.code, i % 2 ? api2 : api)]));
    for (const r of rs) expectStatus(r, 200);
    // told again, the same payment changes nothing; another transaction for a paid order is refused
    for (const [i, o] of orders.entries()) {
      expectStatus(await pay(o, txns[i], i % 2 ? api2 : api), 200);
      assertProblem(await pay(o, uniq('other')), 409);
    }
    const expected = new Map();
    const add = (id, n) => expected.set(id, (expected.get(id) || 0) + n);
    for (const o of orders) {
      const cs = await commissions(`order_id=${o.id}`);
      assert.equal(cs.length, 2, `order ${o.id}: two levels, once each`);
      const [l1, l2] = [cs.find((c) => c.level === 1), cs.find((c) => c.level === 2)];
      assert.ok([x.id, y.id].includes(l1.distributor_id));
      assert.equal(l2.distributor_id, l1.distributor_id === x.id ? u.id : v.id, 'the second level is the first one\'s own distributor');
      assert.equal(l1.amount, Math.floor(o.total * 100 / 1000));
      assert.equal(l2.amount, Math.floor(o.total * 30 / 1000));
      add(l1.distributor_id, l1.amount);
      add(l2.distributor_id, l2.amount);
    }
    for (const dd of [u, v, x, y]) assert.equal((await account(dd.id)).balance.frozen, expected.get(dd.id) || 0);
  });
});

describe('withdrawals', () => {
  test('forty requests at once through two instances never take the balance below zero; approve, reject, audited', async () => {
    await settings({ enabled: true, binding_mode: 'first', binding_days: 0, rate_unit: 'percent', level1_rate: 10, level2_rate: 0,
      settle_days: 0, withdraw_min: 100 });
    const d = await distributor('提现人');
    const buyer = await member('提现买家');
    expectStatus(await bind(buyer, d.code), 200);
    const o = await paid(buyer, await product(10000));
    await shipAndComplete(buyer, o);
    await until(async () => (await account(d.id)).balance.withdrawable === 1000, 'the release');
    for (const [body, field] of [[{ amount: 99 }, 'amount'], [{ amount: 0 }, 'amount'], [{ amount: -5 }, 'amount'], [{ amount: 1.5 }, 'amount'],
      [{ amount: '100' }, 'amount'], [{}, 'amount'], [{ amount: 1e9 }, 'amount'], [{ amount: 100, to: 'bank' }, 'to']])
      assertFieldError(await as(d.token)('POST', '/api/v1/member/distribution/withdrawals', body), field, JSON.stringify(body));
    const stranger = await member('非分销员');
    assertProblem(await as(stranger.token)('POST', '/api/v1/member/distribution/withdrawals', { amount: 100 }), 404);
    const rs = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      as(d.token, i % 2 ? api : api2)('POST', '/api/v1/member/distribution/withdrawals', { amount: 150 })));
    const ok = rs.filter((r) => r.status === 201);
    assert.equal(ok.length, 6, '6 x 150 of 1000');
    for (const r of rs) if (r.status !== 201) {
      assertProblem(r, 409);
      assert.equal(r.json.errors[0].field, 'amount');
    }
    assert.deepEqual((await account(d.id)).balance, { frozen: 0, withdrawable: 100, owed: 0, withdrawing: 900, withdrawn: 0 });
    // the same request with the same Idempotency-Key is made once
    const key = uniq('idem');
    const k1 = await as(d.token)('POST', '/api/v1/member/distribution/withdrawals', { amount: 100 }, { 'Idempotency-Key': key });
    const k2 = await as(d.token)('POST', '/api/v1/member/distribution/withdrawals', { amount: 100 }, { 'Idempotency-Key': key });
    expectStatus(k1, 201);
    assert.equal(k2.json.id, k1.json.id);
    assert.equal((await account(d.id)).balance.withdrawable, 0);
    // staff review: one approved with the payout's reference, one rejected (its amount comes back)
    const pending = await as(admin)('GET', `/api/v1/distribution/withdrawals?status=pending&limit=200`);
    expectStatus(pending, 200);
    assert.equal(pending.json.items.filter((x) => x.customer_id === d.id).length, 7);
    const [w1, w2] = ok.map((r) => r.json.id);
    for (const [body, field] of [[{ payout_ref: 'x'.repeat(101) }, 'payout_ref'], [{ paid: true }, 'paid'], [{ note: 7 }, 'note']])
      assertFieldError(await as(admin)('POST', `/api/v1/distribution/withdrawals/${w1}/approve`, body), field, JSON.stringify(body));
    const approved = await as(admin)('POST', `/api/v1/distribution/withdrawals/${w1}/approve`, { payout_ref: 'WX-TRANSFER-001', note: '微信转账' });
    expectStatus(approved, 200);
    assert.deepEqual([approved.json.status, approved.json.payout_ref, approved.json.customer_id], ['paid', 'WX-TRANSFER-001', d.id]);
    assertProblem(await as(admin)('POST', `/api/v1/distribution/withdrawals/${w1}/reject`, { reason: '晚了' }), 409);
    assertFieldError(await as(admin)('POST', `/api/v1/distribution/withdrawals/${w2}/reject`, {}), 'reason');
    const rejected = await as(admin)('POST', `/api/v1/distribution/withdrawals/${w2}/reject`, { reason: '收款信息有误' });
    expectStatus(rejected, 200);
    assert.equal(rejected.json.status, 'rejected');
    assertProblem(await as(admin)('POST', `/api/v1/distribution/withdrawals/${w2}/approve`, {}), 409);
    assertProblem(await as(admin)('POST', '/api/v1/distribution/withdrawals/999999999/approve', {}), 404);
    assert.deepEqual((await account(d.id)).balance, { frozen: 0, withdrawable: 150, owed: 0, withdrawing: 700, withdrawn: 150 });
    const mine = await as(d.token)('GET', '/api/v1/member/distribution/withdrawals?limit=200');
    expectStatus(mine, 200);
    assert.equal(mine.json.items.length, 7);
    assert.equal(mine.json.items[0].customer_id, undefined);
    assertFieldError(await as(d.token)('GET', '/api/v1/member/distribution/withdrawals?status=lost'), 'status');
    for (const [id, action] of [[w1, 'distribution_withdrawal.approve'], [w2, 'distribution_withdrawal.reject'], [w1, 'distribution_withdrawal.request']]) {
      const au = await as(admin)('GET', `/api/v1/audit?entity=distribution_withdrawal&entity_id=${id}&limit=10`);
      assert.ok(au.json.items.some((e) => e.action === action), `${action} for ${id}`);
    }
    const analyst = await makeStaff(api, admin, 'analyst');
    assertProblem(await as(analyst.token)('POST', `/api/v1/distribution/withdrawals/${w1}/approve`, {}), 403);
  });
});

describe('leaderboard and merges', () => {
  test('staff see names and ids, members masked names and their own row; by commission or sales; bad input', async () => {
    await settings({ enabled: true, binding_mode: 'first', binding_days: 0, rate_unit: 'percent', level1_rate: 20, level2_rate: 10, settle_days: 7 });
    const top = await distributor('榜首大王');
    const second = await distributor('榜眼');
    expectStatus(await bind(second, top.code), 200);
    const buyer = await member('榜单买家');
    expectStatus(await bind(buyer, second.code), 200);
    await paid(buyer, await product(100000)); // second: 20000 (level 1, sales 100000), top: 10000 (level 2)
    const board = await as(admin)('GET', '/api/v1/distribution/leaderboard?limit=200');
    expectStatus(board, 200);
    assert.equal(board.json.by, 'commission');
    const rowOf = (items, id) => items.find((x) => x.customer_id === id);
    assert.deepEqual(rowOf(board.json.items, second.id), { rank: rowOf(board.json.items, second.id).rank, customer_id: second.id, name: '榜眼', commission: 20000, sales: 100000, orders: 1 });
    assert.ok(rowOf(board.json.items, second.id).rank < rowOf(board.json.items, top.id).rank);
    const sales = await as(admin)('GET', '/api/v1/distribution/leaderboard?by=sales&limit=200');
    assert.equal(rowOf(sales.json.items, top.id), undefined, 'level 2 alone brings no sales');
    const ranks = board.json.items.map((x) => x.rank);
    assert.deepEqual(ranks, ranks.map((_, i) => i + 1));
    const commissionsInOrder = board.json.items.map((x) => x.commission);
    assert.deepEqual(commissionsInOrder, [...commissionsInOrder].sort((p, q) => q - p));
    const past = await as(admin)('GET', `/api/v1/distribution/leaderboard?from=${iso(Date.now() - 86400000 * 400)}&to=${iso(Date.now() - 86400000 * 300)}`);
    assert.deepEqual(past.json.items, []);
    const seen = await as(second.token)('GET', '/api/v1/member/distribution/leaderboard?limit=200');
    expectStatus(seen, 200);
    const mineRow = seen.json.items.find((x) => x.me);
    assert.deepEqual(mineRow, { rank: mineRow.rank, name: '榜**', me: true, commission: 20000, sales: 100000, orders: 1 });
    assert.ok(seen.json.items.every((x) => x.customer_id === undefined && /\*\*$/.test(x.name)));
    for (const [q, field] of [['by=fame', 'by'], ['from=yesterday', 'from'], ['to=2020-13-01', 'to'], ['limit=0', 'limit'],
      [`from=${iso(Date.now())}&to=${iso(Date.now() - 1000)}`, 'to']])
      assertFieldError(await as(admin)('GET', `/api/v1/distribution/leaderboard?${q}`), field, q);
    assertFieldError(await as(admin)('GET', '/api/v1/distribution/commissions?status=lost'), 'status');
    assertFieldError(await as(admin)('GET', '/api/v1/distribution/commissions?order_id=abc'), 'order_id');
  });

  test('a member merged into the distributor they were bound to is bound to nobody; the distributor keeps their members', async () => {
    await settings({ enabled: true, binding_mode: 'first', binding_days: 0 });
    const d = await distributor('合并分销员');
    const m = await member('同一个人');
    const other = await member('别的会员');
    expectStatus(await bind(m, d.code), 200);
    expectStatus(await bind(other, d.code), 200);
    expectStatus(await as(admin)('POST', `/api/v1/customers/${d.id}/merge`, { from: m.id }), 200);
    const after = await as(d.token)('GET', '/api/v1/member/distribution');
    assert.equal(after.json.bound_to, null, 'not bound to themselves');
    assert.equal(after.json.distributor.status, 'active');
    assert.equal((await account(d.id)).members, 1);
    // the absorbed record's distributor page is the survivor's
    assert.equal((await account(m.id)).customer_id, d.id);
  });
});
