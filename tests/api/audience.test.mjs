// Audience reports on the demo brand (CDNOW history ending today): the RFM grid and groups, the fitted
// lifetime-value model and its distribution, one customer's scores and predictions, segments on them.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, expectStatus, makeStaff } from '../lib/client.mjs';

let srv, api, admin;
before(async () => {
  srv = await startServer({ name: 'audience', demo: true, startTimeoutMs: 180000 });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
}, { timeout: 200000 });
after(async () => { if (srv) await srv.stop(); });

const as = (t) => (m, p, body) => api(m, p, { token: t, body });

describe('the living demo', () => {
  test('the demo history ends today, so recent figures are not empty', async () => {
    const r = await as(admin)('POST', '/api/v1/segments/preview', { query: 'last_order within 7d', sample: 0 });
    expectStatus(r, 200);
    assert.ok(r.json.count > 0, `customers who bought this week: ${r.json.count}`);
    const old = await as(admin)('POST', '/api/v1/segments/preview', { query: 'first_order before 2020-01-01', sample: 0 });
    assert.equal(old.json.count, 0, 'nothing is dated in 1997');
  });
});

describe('RFM', () => {
  test('the grid covers every buyer once and the groups partition them', async () => {
    const r = await as(admin)('GET', '/api/v1/audience/rfm');
    expectStatus(r, 200);
    assert.equal(r.json.buyers, 23570, 'every CDNOW customer bought');
    assert.equal(r.json.grid.length, 25);
    assert.equal(r.json.grid.reduce((s, c) => s + c.count, 0), r.json.buyers);
    assert.equal(r.json.groups.length, 8);
    assert.equal(r.json.groups.reduce((s, g) => s + g.count, 0), r.json.buyers);
    const vip = r.json.groups.find((g) => g.name === '重要价值客户');
    const seg = await as(admin)('POST', '/api/v1/segments/preview', { query: 'rfm_group = "重要价值客户"', sample: 0 });
    assert.equal(seg.json.count, vip.count);
    const top = r.json.grid.filter((c) => c.r >= 4 && c.f >= 4).reduce((s, c) => s + c.count, 0);
    const q = await as(admin)('POST', '/api/v1/segments/preview', { query: 'rfm_r >= 4 and rfm_f >= 4', sample: 0 });
    assert.equal(q.json.count, top);
    assertProblem(await as(admin)('POST', '/api/v1/segments/preview', { query: 'rfm_r = 6' }), 422);
    assertProblem(await as(admin)('POST', '/api/v1/segments/preview', { query: 'rfm_group = "土豪"' }), 422);
  });
});

describe('lifetime value', () => {
  test('the model is fitted at start and predicts for every buyer; refitting on the CDNOW calibration period gives the published scale', async () => {
    const r = await as(admin)('GET', '/api/v1/audience/clv');
    expectStatus(r, 200);
    assert.ok(r.json.model, 'a model was fitted at start');
    assert.equal(r.json.customers, 23570);
    assert.equal(r.json.p_alive.reduce((s, b) => s + b.count, 0), 23570);
    assert.ok(r.json.p_alive_mean > 0 && r.json.p_alive_mean < 1);
    assert.equal(r.json.p_alive[0].to, 0.1, 'edges are written as short numbers');
    const low = await as(admin)('POST', '/api/v1/segments/preview', { query: 'p_alive < 0.1', sample: 0 });
    assert.equal(low.json.count, r.json.p_alive[0].count);
    const c = await as(admin)('GET', '/api/v1/customers/5/audience');
    expectStatus(c, 200);
    assert.ok(c.json.clv.p_alive >= 0 && c.json.clv.p_alive <= 1);
    assert.ok(c.json.clv.expected_orders_90d >= 0);
    assert.ok(Number.isInteger(c.json.clv.value_90d), 'value is whole fen');
    assert.ok(['重要价值客户', '重要发展客户', '重要保持客户', '重要挽留客户', '一般价值客户', '一般发展客户', '一般保持客户', '一般挽留客户'].includes(c.json.rfm.group));
    assert.ok(c.json.orders >= 1);
    const fit = await as(admin)('POST', '/api/v1/audience/clv/fit', { unit: 'day' });
    expectStatus(fit, 201);
    assert.equal(fit.json.unit, 'day');
    assert.ok(fit.json.bgnbd.r > 0 && fit.json.gamma_gamma.p > 0);
    assertProblem(await as(admin)('POST', '/api/v1/audience/clv/fit', { unit: 'month' }), 400);
    assertProblem(await as(admin)('POST', '/api/v1/audience/clv/fit', { until: '1990-01-01' }), 422, 'no orders before then');
    const audit = await as(admin)('GET', '/api/v1/audit?limit=5');
    assert.ok(audit.json.items.some((e) => e.action === 'clv.fit'));
  });

  test('after a restart the saved model predicts from the first build, without a new fit', async () => {
    const before = await as(admin)('GET', '/api/v1/audience/clv');
    const fits = (await as(admin)('GET', '/api/v1/audit?limit=100')).json.items.filter((e) => e.action === 'clv.fit').length;
    await srv.restart();
    ({ api } = client(srv.baseUrl));
    admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
    const after = await as(admin)('GET', '/api/v1/audience/clv');
    expectStatus(after, 200);
    assert.deepEqual(after.json.model, before.json.model, 'the latest saved model is the one in use');
    assert.equal(after.json.p_alive.reduce((s, b) => s + b.count, 0), 23570, 'every buyer has a prediction');
    assert.deepEqual(after.json.p_alive, before.json.p_alive);
    const now = (await as(admin)('GET', '/api/v1/audit?limit=100')).json.items.filter((e) => e.action === 'clv.fit').length;
    assert.equal(now, fits, 'nothing was fitted again');
  }, { timeout: 200000 });

  test('a guide sees only their own customers in the reports; an analyst cannot refit', async () => {
    const guide = await makeStaff(api, admin, 'guide');
    const r = await as(guide.token)('GET', '/api/v1/audience/rfm');
    expectStatus(r, 200);
    assert.equal(r.json.buyers, 0, 'a new guide owns nobody');
    assertProblem(await as(guide.token)('GET', '/api/v1/customers/5/audience'), 404);
    const analyst = await makeStaff(api, admin, 'analyst');
    expectStatus(await as(analyst.token)('GET', '/api/v1/audience/clv'), 200);
    assertProblem(await as(analyst.token)('POST', '/api/v1/audience/clv/fit', {}), 403);
  });
});

describe('lifecycle ladder', () => {
  test('every customer has one stage; the default rules moved lapsed buyers, counted as this week\'s flows', async () => {
    let r;
    for (let i = 0; i < 200; i++) { /* the follower applies the rules just after start */
      r = await as(admin)('GET', '/api/v1/audience/lifecycle?weeks=4');
      if (r.json.flows.length) break;
      await new Promise((ok) => setTimeout(ok, 100));
    }
    expectStatus(r, 200);
    assert.equal(r.json.stages.length, 9);
    assert.equal(r.json.stages.reduce((s, x) => s + x.count, 0), 23570);
    const dormant = r.json.stages.find((x) => x.stage === 'dormant').count;
    const seg = await as(admin)('POST', '/api/v1/segments/preview', { query: 'orders >= 1 and not last_order within 365d', sample: 0 });
    assert.equal(dormant, seg.json.count, 'the default dormant rule, exactly');
    assert.ok(r.json.flows.length > 0);
    assert.ok(r.json.flows.every((f) => /^\d{4}-\d{2}-\d{2}$/.test(f.week) && f.count > 0 && f.from !== f.to));
    const rules = await as(admin)('GET', '/api/v1/audience/lifecycle/rules');
    assert.equal(rules.json.default, true);
    assert.equal(rules.json.items[0].stage, 'partner');
  });

  test('new rules move customers at once; rules that read the stage or name unknown stages are refused', async () => {
    const put = await as(admin)('PUT', '/api/v1/audience/lifecycle/rules',
      { items: [{ stage: 'fan', query: 'orders >= 3' }, { stage: 'customer', query: 'orders >= 1' }] });
    expectStatus(put, 200);
    assert.equal(put.json.default, false);
    assert.ok(put.json.moved > 0);
    const r = await as(admin)('GET', '/api/v1/audience/lifecycle');
    const fans = (await as(admin)('POST', '/api/v1/segments/preview', { query: 'orders >= 3', sample: 0 })).json.count;
    assert.equal(r.json.stages.find((x) => x.stage === 'fan').count, fans);
    assert.equal(r.json.stages.find((x) => x.stage === 'dormant').count, 0);
    const self = await as(admin)('PUT', '/api/v1/audience/lifecycle/rules', { items: [{ stage: 'fan', query: 'lifecycle = "fan"' }] });
    assertProblem(self, 422);
    assert.equal(self.json.errors[0].field, 'items[0].query');
    const bad = await as(admin)('PUT', '/api/v1/audience/lifecycle/rules', { items: [{ stage: 'fan', query: 'orders >= ' }] });
    assertProblem(bad, 422);
    assert.equal(bad.json.position, 10);
    assertProblem(await as(admin)('PUT', '/api/v1/audience/lifecycle/rules', { items: [{ stage: 'vip', query: 'orders >= 1' }] }), 422);
    assertProblem(await as(admin)('PUT', '/api/v1/audience/lifecycle/rules', { items: [{ stage: 'stranger', query: 'orders >= 1' }] }), 422);
    assertProblem(await as(admin)('PUT', '/api/v1/audience/lifecycle/rules', { items: [] }), 400);
    assertProblem(await as(admin)('GET', '/api/v1/audience/lifecycle?weeks=1000'), 400);
    const kept = await as(admin)('GET', '/api/v1/audience/lifecycle/rules');
    assert.equal(kept.json.items.length, 2, 'a refused change changes nothing');
    // a stage set by hand stays until it is handed back with auto
    const pinned = await as(admin)('PATCH', '/api/v1/customers/5', { lifecycle_stage: 'partner' });
    expectStatus(pinned, 200);
    assert.equal(pinned.json.lifecycle_pinned, true);
    const put2 = await as(admin)('PUT', '/api/v1/audience/lifecycle/rules', { items: [{ stage: 'customer', query: 'orders >= 1' }] });
    expectStatus(put2, 200);
    assert.equal((await as(admin)('GET', '/api/v1/customers/5')).json.lifecycle_stage, 'partner');
    const auto = await as(admin)('PATCH', '/api/v1/customers/5', { lifecycle_stage: 'auto' });
    assert.equal(auto.json.lifecycle_pinned, false);
    let stage;
    for (let i = 0; i < 200 && stage !== 'customer'; i++) {
      stage = (await as(admin)('GET', '/api/v1/customers/5')).json.lifecycle_stage;
      if (stage !== 'customer') await new Promise((ok) => setTimeout(ok, 50));
    }
    assert.equal(stage, 'customer', 'the rules place it again');
    assertProblem(await as(admin)('POST', '/api/v1/customers', { name: 'x', lifecycle_stage: 'auto' }), 400);
  });
});

describe('payback', () => {
  test('months to pay back per channel: cost per customer against the expected monthly margin', async () => {
    const hz = (await as(admin)('POST', '/api/v1/segments/preview', { query: 'city = "杭州"', sample: 0 })).json.count;
    const r = await as(admin)('POST', '/api/v1/audience/payback', {
      margin_rate: 0.3,
      channels: [{ name: '杭州地推', cost: 50 * hz * 100, query: 'city = "杭州"' }, { name: '无人渠道', cost: 100, query: 'tag = "没有这个标签"' }],
    });
    expectStatus(r, 200);
    const [a, b] = r.json.items;
    assert.equal(a.customers, hz);
    assert.equal(a.cac, 5000, '50 yuan a customer');
    assert.ok(a.monthly_margin > 0);
    assert.ok(Math.abs(a.months - a.cac / a.monthly_margin) < 0.1);
    assert.equal(b.customers, 0);
    assert.equal(b.months, null, 'nothing expected, no payback');
    assertProblem(await as(admin)('POST', '/api/v1/audience/payback', { margin_rate: 2, channels: [{ name: 'x', cost: 1, query: 'orders >= 1' }] }), 400);
    const bad = await as(admin)('POST', '/api/v1/audience/payback', { channels: [{ name: 'x', cost: 1, query: 'orders >=' }] });
    assertProblem(bad, 422);
    assert.equal(bad.json.errors[0].field, 'channels[0]');
    assertProblem(await as(admin)('POST', '/api/v1/audience/payback', { channels: [{ name: 'x', cost: -1, query: 'orders >= 1' }] }), 400);
    assertProblem(await as(admin)('POST', '/api/v1/audience/payback', { channels: [] }), 400);
  });
});
