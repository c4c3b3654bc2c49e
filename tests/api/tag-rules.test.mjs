// Auto-tag rules: applied to everyone when made, again after later writes, with a history; event triggers;
// rule sets that would loop are refused with the loop named; bad input changes nothing.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, expectStatus, makeStaff, uniq } from '../lib/client.mjs';

let srv, api, admin;
before(async () => {
  srv = await startServer({ name: 'tag-rules' });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

const as = (t) => (m, p, body) => api(m, p, { token: t, body });
const count = async (query) => (await as(admin)('POST', '/api/v1/segments/preview', { query, sample: 0 })).json.count;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function eventually(fn, want, ms = 10000) {
  const t0 = Date.now();
  let got;
  while ((got = await fn()) !== want && Date.now() - t0 < ms) await sleep(50);
  return got;
}
async function customer(body) {
  const r = await as(admin)('POST', '/api/v1/customers', { name: '规则客户', ...body });
  expectStatus(r, 201);
  return r.json.id;
}

describe('auto-tag rules', () => {
  test('a condition rule tags everyone it matches at once, and later matches soon after their write', async () => {
    const mum = uniq('宝妈'), club = uniq('会员群');
    await customer({ tags: [mum] });
    await customer({ tags: [mum] });
    await customer({});
    const r = await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('宝妈入群'), query: `tag = "${mum}"`, add: [club] });
    expectStatus(r, 201);
    assert.deepEqual(r.json.applied, { added: 2, removed: 0 });
    assert.equal(r.json.rule.query, `tag = "${mum}"`);
    assert.deepEqual(r.json.rule.add, [club]);
    assert.equal(await count(`tag = "${club}"`), 2);
    const later = await customer({ tags: [mum] });
    assert.equal(await eventually(() => count(`tag = "${club}"`), 3), 3, 'a new match is tagged by the follower');
    const c = await as(admin)('GET', `/api/v1/customers/${later}`);
    assert.ok(c.json.tags.includes(club));
    const h = await as(admin)('GET', `/api/v1/tag-rules/${r.json.rule.id}/history?limit=10`);
    expectStatus(h, 200);
    assert.equal(h.json.items.length, 3);
    assert.ok(h.json.items.every((e) => e.action === 'add' && e.tag === club));
    assert.ok(h.json.items.some((e) => e.customer_id === later));
  });

  test('a rule removes tags, and changing a rule applies it again', async () => {
    const sleepy = uniq('沉睡'), active = uniq('活跃');
    const id = await customer({ tags: [sleepy, active] });
    const r = await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('沉睡去活跃'), query: `tag = "${sleepy}"`, remove: [active] });
    assert.deepEqual(r.json.applied, { added: 0, removed: 1 });
    assert.ok(!(await as(admin)('GET', `/api/v1/customers/${id}`)).json.tags.includes(active));
    const other = uniq('其他');
    const p = await as(admin)('PATCH', `/api/v1/tag-rules/${r.json.rule.id}`, { add: [other] });
    expectStatus(p, 200);
    assert.equal(p.json.applied.added, 1);
    const off = await as(admin)('PATCH', `/api/v1/tag-rules/${r.json.rule.id}`, { active: false });
    assert.equal(off.json.rule.active, false);
    expectStatus(await as(admin)('DELETE', `/api/v1/tag-rules/${r.json.rule.id}`), 204);
    assertProblem(await as(admin)('GET', `/api/v1/tag-rules/${r.json.rule.id}`), 404);
  });

  test('an event trigger tags customers who had the event in the window', async () => {
    const claimed = uniq('领券');
    const unionid = uniq('u');
    const id = await customer({ unionid });
    const type = 'coupon_redeemed';
    const r = await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('领券用户'), event: { type, within: '30d' }, add: [claimed] });
    expectStatus(r, 201);
    assert.deepEqual(r.json.rule.event, { type, within: '30d' });
    assert.equal(r.json.applied.added, 0);
    expectStatus(await as(admin)('POST', '/api/v1/events', { events: [{ customer: { unionid }, type }] }), 200);
    assert.equal(await eventually(() => count(`tag = "${claimed}"`), 1), 1);
    assert.ok((await as(admin)('GET', `/api/v1/customers/${id}`)).json.tags.includes(claimed));
  });

  test('a rule set that would loop is refused with the loop named; nothing is saved', async () => {
    const a = uniq('甲'), b = uniq('乙'), c = uniq('丙');
    expectStatus(await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('甲到乙'), query: `tag = "${a}"`, add: [b] }), 201);
    expectStatus(await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('乙到丙'), query: `tag = "${b}"`, add: [c] }), 201);
    const before = (await as(admin)('GET', '/api/v1/tag-rules?limit=200')).json.items.length;
    const loop = await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('丙到甲'), query: `any_tag ["${c}"]`, add: [a] });
    assertProblem(loop, 422);
    assert.equal(loop.json.cycle.length, 4);
    assert.equal(loop.json.cycle[0], loop.json.cycle[3]);
    assert.deepEqual(new Set(loop.json.cycle), new Set([a, b, c]));
    assert.match(loop.json.detail, new RegExp(`${a}|${b}|${c}`));
    const self = await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('自己'), query: `not tag = "${a}"`, add: [a] });
    assertProblem(self, 422, 'a rule reading the tag it writes loops');
    assert.equal((await as(admin)('GET', '/api/v1/tag-rules?limit=200')).json.items.length, before, 'nothing saved');
    // a loop through the lifecycle stage: a rule that reads the stage writes a tag a stage rule reads
    const partner = uniq('合伙');
    const put = await as(admin)('PUT', '/api/v1/audience/lifecycle/rules', { items: [{ stage: 'partner', query: `tag = "${partner}"` }, { stage: 'customer', query: 'orders >= 1' }] });
    expectStatus(put, 200);
    const viaStage = await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('阶段'), query: 'lifecycle = "partner"', remove: [partner] });
    assertProblem(viaStage, 422, 'tag -> stage -> tag');
    assert.ok(viaStage.json.cycle.includes('(lifecycle stage)'));
    // a condition reading many tags is checked whole
    const many = Array.from({ length: 300 }, (_, i) => `"m${i}"`);
    const big = await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('多标签'), query: `any_tag [${many.join(', ')}, "${a}"]`, remove: [a] });
    assertProblem(big, 422, 'a rule reading the tag it removes, past 256 names');
    // an inactive rule joins no loop
    expectStatus(await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('停用'), query: `tag = "${c}"`, add: [a], active: false }), 201);
  });

  test('two instances saving the two halves of a loop at once: never both', async () => {
    const twin = await startServer({ name: 'tag-rules-twin', shareWith: srv });
    try {
      const other = client(twin.baseUrl);
      const token = await other.login('admin', srv.adminPassword);
      for (let round = 0; round < 8; round++) {
        const x = uniq('竞甲'), y = uniq('竞乙');
        const [one, two] = await Promise.all([
          as(admin)('POST', '/api/v1/tag-rules', { name: uniq('竞一'), query: `tag = "${x}"`, add: [y] }),
          other.api('POST', '/api/v1/tag-rules', { token, body: { name: uniq('竞二'), query: `tag = "${y}"`, add: [x] } }),
        ]);
        const statuses = [one.status, two.status].sort();
        assert.deepEqual(statuses, [201, 422], `round ${round}: one is saved, the other names the loop (${one.status}, ${two.status})`);
        const refused = one.status === 422 ? one : two;
        assert.deepEqual(new Set(refused.json.cycle), new Set([x, y]));
      }
    } finally { await twin.stop(); }
  });

  test('bad input is a clear 4xx', async () => {
    assertProblem(await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('x'), query: 'tag = ', add: ['a'] }), 422);
    const pos = await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('x'), query: 'spend_9d > 1', add: ['a'] });
    assertProblem(pos, 422);
    assert.equal(pos.json.position, 0);
    assertProblem(await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('x'), query: 'tag = "a"' }), 400, 'adds or removes nothing');
    assertProblem(await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('x'), query: 'tag = "a"', add: ['b'], remove: ['b'] }), 400);
    assertProblem(await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('x'), add: ['b'] }), 400, 'no condition');
    assertProblem(await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('x'), event: { type: 'checkin', within: '0d' }, add: ['b'] }), 400);
    assertProblem(await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('x'), event: { type: 'no_such_event' }, add: ['b'] }), 422, 'unknown event type');
    assertProblem(await as(admin)('POST', '/api/v1/tag-rules', { name: uniq('x'), event: { type: 'x' }, query: 'tag = "a"', add: ['b'] }), 400);
    assertProblem(await as(admin)('POST', '/api/v1/tag-rules', { name: '', query: 'tag = "a"', add: ['b'] }), 400);
    const n = uniq('重名');
    expectStatus(await as(admin)('POST', '/api/v1/tag-rules', { name: n, query: 'tag = "a"', add: ['b'] }), 201);
    assertProblem(await as(admin)('POST', '/api/v1/tag-rules', { name: n, query: 'tag = "a"', add: ['c'] }), 409);
    const editor = await makeStaff(api, admin, 'editor');
    assertProblem(await as(editor.token)('POST', '/api/v1/tag-rules', { name: uniq('x'), query: 'tag = "a"', add: ['b'] }), 403);
    expectStatus(await as(editor.token)('GET', '/api/v1/tag-rules'), 200);
  });
});
