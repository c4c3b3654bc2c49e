// Lotteries and red packets: staff make and watch them (checked input naming the field), members draw and claim
// for themselves. Draws use the free quota first, then points, never below zero; prize stock is never oversold
// however many draw at once; a few thousand draws follow the weights (chi-square) and each recorded draw can be
// replayed from its random value. Red packets pay out exactly their total to exactly `count` claimers, at least
// 1 fen each, claims are idempotent, the best luck is the largest share.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, assertFieldError, expectStatus, listAll, makeStaff, uniq } from '../lib/client.mjs';

let srv, api, admin;
before(async () => {
  // thousands of draws from one address within a minute
  srv = await startServer({ name: 'marketing', env: { YUTANG_RATE_LIMIT_PER_IP: '200000', YUTANG_RATE_LIMIT_PER_TOKEN: '200000' } });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

const as = (t) => (m, p, body, headers) => api(m, p, { token: t, body, headers });
const iso = (ms) => new Date(ms).toISOString();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function customer(name = '活动会员') {
  const r = await as(admin)('POST', '/api/v1/customers', { name });
  expectStatus(r, 201);
  return r.json.id;
}
async function give(id, delta) {
  expectStatus(await as(admin)('POST', `/api/v1/customers/${id}/points`, { delta, reason: 'adjust', note: '活动' }), 201);
}
async function link(id) {
  const r = await as(admin)('POST', `/api/v1/customers/${id}/member-links`, {});
  expectStatus(r, 201);
  return r.json.token;
}
/** A new customer with `points` and their member token. */
async function member(points = 0, name = '会员') {
  const id = await customer(name);
  if (points) await give(id, points);
  return { id, tok: await link(id) };
}
async function balance(id) {
  const r = await as(admin)('GET', `/api/v1/customers/${id}/points`);
  expectStatus(r, 200);
  return r.json.balance;
}

function lotteryBody(extra = {}) {
  return {
    name: uniq('幸运转盘'), starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000), cost_points: 10, free_per_day: 1,
    prizes: [{ name: '保温杯', kind: 'goods', stock: 1000, weight: 1 }],
    ...extra,
  };
}
async function lottery(extra) {
  const r = await as(admin)('POST', '/api/v1/lotteries', lotteryBody(extra));
  expectStatus(r, 201);
  return r.json;
}
const draw = (tok, id) => as(tok)('POST', `/api/v1/member/lotteries/${id}/draws`, {});

function packetBody(extra = {}) {
  return { name: uniq('新春红包'), total: 10000, count: 10, mode: 'lucky', starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000), ...extra };
}
async function packet(extra) {
  const r = await as(admin)('POST', '/api/v1/red-packets', packetBody(extra));
  expectStatus(r, 201);
  return r.json;
}
const claim = (tok, id) => as(tok)('POST', `/api/v1/member/red-packets/${id}/claims`, {});

/** Chi-square critical values at p = 10^-6 by degrees of freedom: a fair draw fails once in a million runs (at
 * p = 0.001 one CI run in a few hundred failed somewhere), a wrong one (a slot off by one) by far. */
const CHI2_CRITICAL = { 1: 23.928, 2: 27.631, 3: 30.664 };

describe('lotteries', () => {
  test('made, read and stopped by staff; bad input names the field', async () => {
    const l = await lottery({
      cost_points: 20, free_per_day: 2, max_draws_per_day: 5,
      prizes: [
        { name: '100积分', kind: 'points', points: 100, stock: 10, weight: 1 },
        { name: '优惠券', kind: 'coupon_placeholder', stock: 50, weight: 9 },
        { name: '谢谢参与', kind: 'none', weight: 90 },
      ],
    });
    assert.equal(l.state, 'running');
    assert.equal(l.draws, 0);
    assert.deepEqual(l.prizes.map((p) => [p.kind, p.points, p.stock, p.stock_left, p.weight, p.probability, p.draws]),
      [['points', 100, 10, 10, 1, 0.01, 0], ['coupon_placeholder', null, 50, 50, 9, 0.09, 0], ['none', null, null, null, 90, 0.9, 0]]);
    const got = await as(admin)('GET', `/api/v1/lotteries/${l.id}`);
    expectStatus(got, 200);
    assert.deepEqual(got.json, l);
    const list = await as(admin)('GET', '/api/v1/lotteries?limit=200');
    expectStatus(list, 200);
    assert.deepEqual(list.json.items.find((x) => x.id === l.id), l);

    const many = Array.from({ length: 21 }, (_, i) => ({ name: `奖${i}`, kind: 'goods', stock: 1, weight: 1 }));
    const prize = (p) => ({ prizes: [{ name: '奖', kind: 'goods', stock: 5, weight: 1, ...p }] });
    for (const [extra, field] of [
      [{ prizes: many }, 'prizes'], [{ prizes: [] }, 'prizes'], [{ prizes: 'x' }, 'prizes'], [{ prizes: [5] }, 'prizes[0]'],
      [prize({ weight: 0 }), 'prizes[0].weight'], [prize({ weight: -3 }), 'prizes[0].weight'], [prize({ weight: 1.5 }), 'prizes[0].weight'],
      [prize({ weight: 1e7 }), 'prizes[0].weight'], [prize({ stock: 0 }), 'prizes[0].stock'], [prize({ stock: -1 }), 'prizes[0].stock'],
      [prize({ kind: 'cash' }), 'prizes[0].kind'], [prize({ kind: 'none', stock: 3 }), 'prizes[0].stock'],
      [prize({ kind: 'points' }), 'prizes[0].points'], [prize({ points: 5 }), 'prizes[0].points'], [prize({ colour: 'red' }), 'prizes[0].colour'],
      [prize({ name: '' }), 'prizes[0].name'], [prize({ name: 'x'.repeat(51) }), 'prizes[0].name'], [prize({ name: 7 }), 'prizes[0].name'],
      [{ prizes: [{ name: '空', kind: 'none', weight: 1 }] }, 'prizes'],
      [{ cost_points: -1 }, 'cost_points'], [{ cost_points: 1e12 }, 'cost_points'], [{ cost_points: 1e20 }, 'cost_points'],
      [{ cost_points: 0, free_per_day: 0 }, 'cost_points'], [{ free_per_day: 101 }, 'free_per_day'], [{ free_per_day: -1 }, 'free_per_day'],
      [{ max_draws_per_day: 0 }, 'max_draws_per_day'], [{ max_draws_per_day: 1001 }, 'max_draws_per_day'],
      [{ ends_at: iso(Date.now() - 5000) }, 'ends_at'], [{ starts_at: iso(Date.now() + 7200000) }, 'ends_at'],
      [{ starts_at: 'tomorrow' }, 'starts_at'], [{ ends_at: undefined }, 'ends_at'], [{ name: '' }, 'name'], [{ name: '转\u0007盘' }, 'name'],
      [{ name: 'a\u200bb' }, 'name'], [{ budget: 5 }, 'budget'],
    ]) assertFieldError(await as(admin)('POST', '/api/v1/lotteries', lotteryBody(extra)), field, JSON.stringify(extra).slice(0, 80));

    const analyst = await makeStaff(api, admin, 'analyst');
    expectStatus(await as(analyst.token)('GET', `/api/v1/lotteries/${l.id}`), 200);
    assertProblem(await as(analyst.token)('POST', '/api/v1/lotteries', lotteryBody()), 403);
    assertProblem(await as(analyst.token)('POST', `/api/v1/lotteries/${l.id}/stop`), 403);
    for (const p of ['/api/v1/lotteries/999999999', '/api/v1/lotteries/999999999/draws', '/api/v1/lotteries/abc'])
      assertProblem(await as(admin)('GET', p), 404, p);
    assertProblem(await as(admin)('POST', '/api/v1/lotteries/999999999/stop'), 404);

    const { tok } = await member(100);
    const stopped = await as(admin)('POST', `/api/v1/lotteries/${l.id}/stop`);
    expectStatus(stopped, 200);
    assert.equal(stopped.json.state, 'stopped');
    expectStatus(await as(admin)('POST', `/api/v1/lotteries/${l.id}/stop`), 200, 'stopping again changes nothing');
    const refused = await draw(tok, l.id);
    assertProblem(refused, 422);
    assert.equal(refused.json.errors[0].field, 'lottery');
  });

  test('a member draws: free draws first, then points, never below zero; prizes credited; limits', async () => {
    const l = await lottery({ cost_points: 10, free_per_day: 2, max_draws_per_day: 10 });
    const { id, tok } = await member(15, '抽奖达人');
    const seen = await as(tok)('GET', `/api/v1/member/lotteries/${l.id}`);
    expectStatus(seen, 200);
    assert.deepEqual([seen.json.free_left_today, seen.json.draws_today, seen.json.draws_left_today, seen.json.balance], [2, 0, 10, 15]);
    assert.deepEqual(seen.json.prizes.map((p) => [p.name, p.available, p.probability]), [['保温杯', true, 1]]);
    assert.equal(seen.json.prizes[0].stock_left, undefined, 'members do not see stock');
    const results = [];
    for (let i = 0; i < 3; i++) {
      const r = await draw(tok, l.id);
      expectStatus(r, 201, `draw ${i}`);
      results.push(r.json);
    }
    assert.deepEqual(results.map((r) => [r.free, r.cost, r.balance, r.free_left_today, r.prize.kind]),
      [[true, 0, 15, 1, 'goods'], [true, 0, 15, 0, 'goods'], [false, 10, 5, 0, 'goods']]);
    const poor = await draw(tok, l.id);
    assertProblem(poor, 409);
    assert.equal(poor.json.errors[0].field, 'points');
    assert.equal(await balance(id), 5);
    const after = await as(tok)('GET', `/api/v1/member/lotteries/${l.id}`);
    assert.deepEqual([after.json.free_left_today, after.json.draws_today, after.json.balance], [0, 3, 5]);
    const staff = await as(admin)('GET', `/api/v1/lotteries/${l.id}`);
    assert.deepEqual([staff.json.draws, staff.json.prizes[0].stock_left, staff.json.prizes[0].draws], [3, 997, 3]);
    const draws = await as(admin)('GET', `/api/v1/lotteries/${l.id}/draws`);
    expectStatus(draws, 200);
    assert.deepEqual(draws.json.items.map((d) => [d.customer_id, d.free, d.cost, d.prize.id]),
      [[id, false, 10, l.prizes[0].id], [id, true, 0, l.prizes[0].id], [id, true, 0, l.prizes[0].id]]);
    assert.ok(draws.json.items.every((d) => d.weight_total === 1 && d.random_value === 0));
    const ledger = await as(tok)('GET', '/api/v1/member/points/ledger');
    assert.deepEqual([ledger.json.items[0].delta, ledger.json.items[0].reason, ledger.json.items[0].ref], [-10, 'lottery', `lottery:${l.id}`]);

    // a points prize is credited; a lottery whose every prize is gone (and no 'none') refuses, spending nothing
    const p = await lottery({ cost_points: 5, free_per_day: 0, prizes: [{ name: '30积分', kind: 'points', points: 30, stock: 1, weight: 1 }] });
    const won = await draw(tok, p.id);
    expectStatus(won, 201);
    assert.deepEqual([won.json.prize.kind, won.json.prize.points, won.json.cost, won.json.balance], ['points', 30, 5, 30]);
    const gone = await draw(tok, p.id);
    assertProblem(gone, 409);
    assert.match(gone.json.type, /\/sold-out$/);
    assert.equal(gone.json.errors[0].field, 'prizes');
    assert.equal(await balance(id), 30);
    const ref = (await as(tok)('GET', '/api/v1/member/points/ledger')).json.items[0];
    assert.deepEqual([ref.delta, ref.ref], [30, `lottery_draw:${won.json.draw_id}`]);

    // the daily limit counts every draw; a free-only lottery stops at its free draws
    const capped = await lottery({ cost_points: 1, free_per_day: 0, max_draws_per_day: 2 });
    for (let i = 0; i < 2; i++) expectStatus(await draw(tok, capped.id), 201);
    const cap = await draw(tok, capped.id);
    assertProblem(cap, 409);
    assert.match(cap.json.type, /\/limit-reached$/);
    assert.equal(cap.json.errors[0].field, 'max_draws_per_day');
    const freeOnly = await lottery({ cost_points: 0, free_per_day: 1 });
    expectStatus(await draw(tok, freeOnly.id), 201);
    const none = await draw(tok, freeOnly.id);
    assertProblem(none, 409);
    assert.match(none.json.type, /\/limit-reached$/);
    assert.equal(none.json.errors[0].field, 'free_per_day');
  });

  test('windows, unknown ids, and who may draw', async () => {
    const { id, tok } = await member(100);
    const upcoming = await lottery({ starts_at: iso(Date.now() + 3600000), ends_at: iso(Date.now() + 7200000) });
    assert.equal(upcoming.state, 'upcoming');
    const early = await draw(tok, upcoming.id);
    assertProblem(early, 422);
    assert.equal(early.json.errors[0].field, 'lottery');
    const brief = await lottery({ ends_at: iso(Date.now() + 1500) });
    await sleep(1700);
    assertProblem(await draw(tok, brief.id), 422);
    assert.equal((await as(admin)('GET', `/api/v1/lotteries/${brief.id}`)).json.state, 'over');
    assert.equal(await balance(id), 100, 'refused draws spend nothing');
    assertProblem(await draw(tok, 999999999), 404);
    assertProblem(await as(tok)('GET', '/api/v1/member/lotteries/999999999'), 404);
    const l = await lottery();
    assertProblem(await draw(admin, l.id), 403, 'a staff token is no member');
    assertProblem(await as(admin)('GET', `/api/v1/member/lotteries/${l.id}`), 403);
    assertProblem(await as(tok)('GET', `/api/v1/lotteries/${l.id}`), 403, 'a member is no staff');
    assertProblem(await as(tok)('POST', '/api/v1/lotteries', lotteryBody()), 403);
    assertFieldError(await as(tok)('POST', `/api/v1/member/lotteries/${l.id}/draws`, { customer_id: 1 }), 'customer_id');
  });

  test('many members drawing a prize with small stock at once: never oversold, totals add up', async () => {
    const l = await lottery({
      cost_points: 0, free_per_day: 1,
      prizes: [
        { name: '20积分', kind: 'points', points: 20, stock: 5, weight: 1000 },
        { name: '公仔', kind: 'goods', stock: 3, weight: 1000 },
        { name: '谢谢参与', kind: 'none', weight: 1 },
      ],
    });
    const members = await Promise.all(Array.from({ length: 40 }, () => member(0, '抢奖品')));
    const rs = await Promise.all(members.map((m) => draw(m.tok, l.id)));
    for (const r of rs) expectStatus(r, 201);
    const kinds = rs.map((r) => (r.json.prize ? r.json.prize.kind : 'none'));
    const count = (k) => kinds.filter((x) => x === k).length;
    assert.equal(count('points'), 5);
    assert.equal(count('goods'), 3);
    assert.equal(count('none'), 32);
    const g = await as(admin)('GET', `/api/v1/lotteries/${l.id}`);
    assert.deepEqual(g.json.prizes.map((p) => [p.stock_left, p.draws]), [[0, 5], [0, 3], [null, 32]]);
    assert.equal(g.json.draws, 40);
    const { items } = await listAll(api, `/api/v1/lotteries/${l.id}/draws`, admin, { limit: 7 });
    assert.equal(items.length, 40);
    assert.equal(new Set(items.map((d) => d.customer_id)).size, 40);
    const winners = members.filter((m, i) => kinds[i] === 'points');
    for (const w of winners) assert.equal(await balance(w.id), 20);
  });

  test('one member\'s concurrent draws never pass the free quota nor take points below zero', async () => {
    const l = await lottery({ cost_points: 10, free_per_day: 3 });
    const { id, tok } = await member(25, '连点');
    const rs = await Promise.all(Array.from({ length: 20 }, () => draw(tok, l.id)));
    const ok = rs.filter((r) => r.status === 201);
    for (const r of rs) if (r.status !== 201) { assertProblem(r, 409); assert.equal(r.json.errors[0].field, 'points'); }
    assert.equal(ok.length, 5, '3 free and 2 paid');
    assert.equal(ok.filter((r) => r.json.free).length, 3);
    assert.equal(await balance(id), 5);
    const ledger = await as(admin)('GET', `/api/v1/customers/${id}/points/ledger?limit=200`);
    assert.ok(ledger.json.items.every((e) => e.balance_after >= 0));
    assert.equal(ledger.json.items.filter((e) => e.reason === 'lottery').length, 2);
    assert.equal((await as(admin)('GET', `/api/v1/lotteries/${l.id}`)).json.draws, 5);
  });

  test('two thousand draws follow the weights, and each recorded draw replays from its random value', async () => {
    const weights = [1, 2, 7];
    const l = await lottery({
      cost_points: 0, free_per_day: 100,
      prizes: weights.map((w, i) => ({ name: `奖品${i}`, kind: 'goods', stock: 1000000, weight: w })),
    });
    const members = await Promise.all(Array.from({ length: 20 }, () => member(0, '常客')));
    const seen = [0, 0, 0];
    const ids = l.prizes.map((p) => p.id);
    await Promise.all(members.map(async (m) => {
      for (let i = 0; i < 100; i++) {
        const r = await draw(m.tok, l.id);
        expectStatus(r, 201);
        seen[ids.indexOf(r.json.prize.id)] += 1;
      }
    }));
    const n = 2000;
    const total = weights.reduce((a, b) => a + b, 0);
    const expected = weights.map((w) => (n * w) / total);
    const chi2 = seen.reduce((s, o, i) => s + ((o - expected[i]) ** 2) / expected[i], 0);
    assert.ok(chi2 < CHI2_CRITICAL[2], `chi-square ${chi2.toFixed(2)} for ${seen} against ${expected}`);
    // and each prize within five standard deviations of its share (as rare by chance)
    seen.forEach((o, i) => assert.ok(Math.abs(o - expected[i]) < 5 * Math.sqrt(expected[i] * (1 - weights[i] / total)), `prize ${i}: ${o} of ${n}`));
    const g = await as(admin)('GET', `/api/v1/lotteries/${l.id}`);
    assert.deepEqual(g.json.prizes.map((p) => p.draws), seen);
    // the audit trail: the random value, laid over the weights, names the prize drawn
    const { items } = await listAll(api, `/api/v1/lotteries/${l.id}/draws`, admin, { limit: 200 });
    assert.equal(items.length, n);
    for (const d of items) {
      assert.equal(d.weight_total, total);
      let v = d.random_value;
      let k = 0;
      while (v >= weights[k]) v -= weights[k++];
      assert.equal(d.prize.id, ids[k], `draw ${d.id}`);
    }
  });
});

describe('red packets', () => {
  test('made and read by staff; bad input names the field', async () => {
    const p = await packet({ total: 1000, count: 3, mode: 'fixed' });
    assert.deepEqual([p.mode, p.total, p.count, p.state, p.claimed, p.best_luck], ['fixed', 1000, 3, 'running', { count: 0, amount: 0 }, null]);
    const got = await as(admin)('GET', `/api/v1/red-packets/${p.id}`);
    assert.deepEqual(got.json, p);
    const list = await as(admin)('GET', '/api/v1/red-packets');
    assert.deepEqual(list.json.items.find((x) => x.id === p.id), p);
    for (const [extra, field] of [
      [{ total: 9, count: 10 }, 'total'], [{ count: 0 }, 'count'], [{ count: 1e12 }, 'count'], [{ count: 10001 }, 'count'],
      [{ count: 2.5 }, 'count'], [{ count: undefined }, 'count'], [{ total: -100 }, 'total'], [{ total: 0 }, 'total'],
      [{ total: 1e20 }, 'total'], [{ total: 1e9 }, 'total'], [{ total: '100' }, 'total'], [{ mode: 'even' }, 'mode'],
      [{ mode: undefined }, 'mode'], [{ ends_at: iso(Date.now() - 1) }, 'ends_at'], [{ starts_at: iso(Date.now() + 7200000) }, 'ends_at'],
      [{ starts_at: '2026-02-30T00:00:00Z' }, 'starts_at'], [{ name: '\u202e红包' }, 'name'], [{ greeting: '恭喜' }, 'greeting'],
    ]) assertFieldError(await as(admin)('POST', '/api/v1/red-packets', packetBody(extra)), field, JSON.stringify(extra));
    const analyst = await makeStaff(api, admin, 'analyst');
    assertProblem(await as(analyst.token)('POST', '/api/v1/red-packets', packetBody()), 403);
    expectStatus(await as(analyst.token)('GET', `/api/v1/red-packets/${p.id}`), 200);
    for (const path of ['/api/v1/red-packets/999999999', '/api/v1/red-packets/999999999/claims'])
      assertProblem(await as(admin)('GET', path), 404);
  });

  test('stopped early: nobody claims after the stop, claims made stay, a second stop changes nothing', async () => {
    const p = await packet({ total: 1000, count: 5, mode: 'lucky' });
    const [a, b] = await Promise.all([member(), member()]);
    const first = expectStatus(await claim(a.tok, p.id), 201);
    const analyst = await makeStaff(api, admin, 'analyst');
    assertProblem(await as(analyst.token)('POST', `/api/v1/red-packets/${p.id}/stop`), 403);
    assertProblem(await as(admin)('POST', '/api/v1/red-packets/999999999/stop'), 404);
    const stopped = expectStatus(await as(admin)('POST', `/api/v1/red-packets/${p.id}/stop`), 200);
    assert.equal(stopped.state, 'stopped');
    assert.equal(stopped.ends_at, stopped.stopped_at);
    assert.deepEqual(stopped.claimed, { count: 1, amount: first.amount });
    const late = await claim(b.tok, p.id);
    assertProblem(late, 422, 'after the stop');
    assert.equal(late.json.errors[0].field, 'red_packet');
    assert.equal(expectStatus(await claim(a.tok, p.id), 200, 'a claim made before is answered the same').amount, first.amount);
    const again = expectStatus(await as(admin)('POST', `/api/v1/red-packets/${p.id}/stop`), 200);
    assert.equal(again.stopped_at, stopped.stopped_at);
    const seen = expectStatus(await as(b.tok)('GET', `/api/v1/member/red-packets/${p.id}`), 200);
    assert.equal(seen.state, 'over', 'a member sees it over');
    const audit = expectStatus(await as(admin)('GET', '/api/v1/audit?limit=20'), 200);
    assert.equal(audit.items.filter((e) => e.action === 'red_packet.stop' && e.entity_id === p.id).length, 1);
  });

  test('more claimers than packets at once: exactly count claims, the total paid once, replays the same', async () => {
    const p = await packet({ total: 10000, count: 30, mode: 'lucky' });
    const members = await Promise.all(Array.from({ length: 60 }, () => member(0, '抢红包')));
    const rs = await Promise.all(members.map((m) => claim(m.tok, p.id)));
    const won = rs.map((r, i) => [r, members[i]]).filter(([r]) => r.status === 201);
    for (const r of rs) if (r.status !== 201) { assertProblem(r, 409); assert.match(r.json.type, /\/sold-out$/); }
    assert.equal(won.length, 30);
    const amounts = won.map(([r]) => r.json.amount);
    assert.ok(amounts.every((a) => Number.isInteger(a) && a >= 1));
    assert.equal(amounts.reduce((a, b) => a + b, 0), 10000);
    assert.ok(won.every(([r]) => r.json.balance === r.json.amount && r.json.replay === false));
    // replays: the same claim and amount, 200, however many at once
    const again = await Promise.all(won.flatMap(([r, m]) => [claim(m.tok, p.id), claim(m.tok, p.id)].map(async (q) => [await q, r])));
    for (const [q, r] of again) {
      expectStatus(q, 200);
      assert.deepEqual([q.json.claim_id, q.json.amount, q.json.replay], [r.json.claim_id, r.json.amount, true]);
      assert.equal(typeof q.json.best_luck, 'boolean', 'told once every share is claimed');
    }
    const g = await as(admin)('GET', `/api/v1/red-packets/${p.id}`);
    assert.deepEqual([g.json.state, g.json.claimed.count, g.json.claimed.amount], ['claimed', 30, 10000]);
    const max = Math.max(...amounts);
    assert.equal(g.json.best_luck.amount, max);
    assert.ok(won.some(([r, m]) => m.id === g.json.best_luck.customer_id && r.json.amount === max));
    const { items } = await listAll(api, `/api/v1/red-packets/${p.id}/claims`, admin, { limit: 8 });
    assert.equal(items.length, 30);
    assert.equal(items.filter((c) => c.best_luck).length, 1);
    assert.equal(items.find((c) => c.best_luck).customer_id, g.json.best_luck.customer_id);
    const [r0, m0] = won[0];
    const mine = await as(m0.tok)('GET', `/api/v1/member/red-packets/${p.id}`);
    expectStatus(mine, 200);
    assert.deepEqual([mine.json.claimed_count, mine.json.my_claim.amount, mine.json.balance], [30, r0.json.amount, r0.json.amount]);
    const loser = members.find((m) => !won.some(([, w]) => w.id === m.id));
    assert.equal((await as(loser.tok)('GET', `/api/v1/member/red-packets/${p.id}`)).json.my_claim, null);
  });

  test('one member claiming many times at once gets one share', async () => {
    const p = await packet({ total: 500, count: 5 });
    const { tok } = await member();
    const rs = await Promise.all(Array.from({ length: 10 }, () => claim(tok, p.id)));
    assert.equal(rs.filter((r) => r.status === 201).length, 1);
    assert.equal(rs.filter((r) => r.status === 200).length, 9);
    assert.equal(new Set(rs.map((r) => r.json.claim_id)).size, 1);
    assert.equal(rs[0].json.best_luck, null, 'not told while shares are left');
    const g = await as(admin)('GET', `/api/v1/red-packets/${p.id}`);
    assert.deepEqual([g.json.claimed.count, g.json.best_luck], [1, null]);
  });

  test('an Idempotency-Key is a member\'s own: the same key from another member runs their own claim', async () => {
    const p = await packet({ total: 200, count: 2, mode: 'fixed' });
    const a = await member();
    const b = await member();
    const headers = { 'Idempotency-Key': 'claim-once' };
    const ra = await as(a.tok)('POST', `/api/v1/member/red-packets/${p.id}/claims`, {}, headers);
    const rb = await as(b.tok)('POST', `/api/v1/member/red-packets/${p.id}/claims`, {}, headers);
    expectStatus(ra, 201);
    expectStatus(rb, 201);
    assert.notEqual(rb.json.claim_id, ra.json.claim_id);
    const again = await as(a.tok)('POST', `/api/v1/member/red-packets/${p.id}/claims`, {}, headers);
    expectStatus(again, 201, 'the stored answer');
    assert.deepEqual(again.json, ra.json);
    assert.equal((await as(admin)('GET', `/api/v1/red-packets/${p.id}`)).json.claimed.count, 2);
  });

  test('a fixed split gives the remainder to the first packets; windows; who may claim', async () => {
    const p = await packet({ total: 1000, count: 3, mode: 'fixed' });
    const ms = await Promise.all([0, 1, 2].map(() => member()));
    const got = [];
    for (const m of ms) got.push((await claim(m.tok, p.id)).json);
    assert.deepEqual(got.map((c) => c.amount), [334, 333, 333]);
    assert.deepEqual(got.map((c) => c.best_luck), [null, null, false]);
    const first = await claim(ms[0].tok, p.id);
    assert.equal(first.json.best_luck, true, 'the first of equals is best');
    const { tok } = await member();
    const upcoming = await packet({ starts_at: iso(Date.now() + 3600000), ends_at: iso(Date.now() + 7200000) });
    assert.equal(upcoming.state, 'upcoming');
    const early = await claim(tok, upcoming.id);
    assertProblem(early, 422);
    assert.equal(early.json.errors[0].field, 'red_packet');
    const brief = await packet({ ends_at: iso(Date.now() + 1500) });
    const mine = await claim(tok, brief.id);
    expectStatus(mine, 201);
    await sleep(1700);
    const other = await member();
    assertProblem(await claim(other.tok, brief.id), 422);
    const later = await claim(tok, brief.id);
    expectStatus(later, 200, 'a claim made is answered again after the end');
    assert.equal(later.json.amount, mine.json.amount);
    assertProblem(await claim(tok, 999999999), 404);
    assertProblem(await as(tok)('GET', '/api/v1/member/red-packets/999999999'), 404);
    assertProblem(await claim(admin, p.id), 403);
    assertProblem(await as(tok)('GET', `/api/v1/red-packets/${p.id}`), 403);
    assertFieldError(await as(tok)('POST', `/api/v1/member/red-packets/${p.id}/claims`, { amount: 1 }), 'amount');
  });
});
