// Segments: preview, saved segments with live counts, members, export; errors with positions; what a
// guide sees; a write counted at once on this instance and on a second one sharing the store.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, expectStatus, makeStaff, uniq } from '../lib/client.mjs';

let srv, api, admin;
before(async () => {
  srv = await startServer({ name: 'segments' });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

const as = (t) => (m, p, body, headers) => api(m, p, { token: t, body, headers });
const preview = (t, query, extra = {}) => as(t)('POST', '/api/v1/segments/preview', { query, ...extra });

async function customer(body) {
  const r = await as(admin)('POST', '/api/v1/customers', { name: '客户', ...body });
  expectStatus(r, 201);
  return r.json.id;
}

describe('preview', () => {
  test('counts and samples the members; money is fen; JSON and text give the same answer', async () => {
    const tag = uniq('宝妈');
    const ids = [await customer({ tags: [tag] }), await customer({ tags: [tag] }), await customer({ tags: [uniq('别的')] })];
    const r = await preview(admin, `tag = "${tag}"`, { sample: 5 });
    expectStatus(r, 200);
    assert.equal(r.json.count, 2);
    assert.deepEqual(r.json.sample.map((c) => c.id).sort(), ids.slice(0, 2).sort());
    assert.deepEqual(r.json.unknown, []);
    const j = await preview(admin, { and: [{ tag }, { not: { attr: 'orders', op: '>=', value: 1 } }] });
    expectStatus(j, 200);
    assert.equal(j.json.count, 2);
    assert.equal(j.json.query, `tag = "${tag}" and not orders >= 1`);
    const none = await preview(admin, `tag = "${tag}" and spend >= 1`);
    assert.equal(none.json.count, 0, 'nobody has spent');
  });

  test('a tag no one has yet is flagged, not refused', async () => {
    const r = await preview(admin, 'tag = "明天才建的标签" or tag = "另一个不存在的"');
    expectStatus(r, 200);
    assert.equal(r.json.count, 0);
    assert.deepEqual(r.json.unknown.sort(), ['另一个不存在的', '明天才建的标签'].sort());
  });

  test('mistakes are 422 problems naming the position (characters, not bytes) and what was expected', async () => {
    const cases = [
      ['tag = "宝妈" adn x = 1', 11, /expected 'and', 'or'/],
      ['tag = "宝妈" and spend_9d >= 3', 15, /unknown attribute 'spend_9d'/],
      ['spend_90d >= "三百"', 13, /takes a number/],
      ['(tag = "a"', 10, /expected '\)'/],
      ['last_order within 99999999d', 18, /window/],
      ['gender = "mail"', 9, /gender is one of male, female, unknown/],
      ['orders >= 99999999999999999999999', 10, /./],
      ['', 0, /expected a condition/],
    ];
    for (const [q, pos, says] of cases) {
      const r = await preview(admin, q);
      assertProblem(r, 422, q);
      assert.equal(r.json.position, pos, `${q}: position`);
      assert.match(r.json.detail, says, q);
      assert.equal(r.json.errors[0].field, 'query');
    }
    const j = await preview(admin, { and: [{ tag: 'a' }, { attr: 'orders', op: '=>', value: 1 }] });
    assertProblem(j, 422);
    assert.match(j.json.path, /and\[1\]\.op/);
    assertProblem(await preview(admin, 42), 400, 'query must be text or an object');
    assertProblem(await as(admin)('POST', '/api/v1/segments/preview', {}), 400, 'query is required');
    assertProblem(await preview(admin, 'tag = "a"', { sample: 1000 }), 400, 'sample is capped');
    assertProblem(await preview(admin, 'tag = "a"', { bogus: 1 }), 400, 'unknown members are refused');
  });
});

describe('saved segments', () => {
  test('create, read with a live count, list, rename, members by cursor, export, delete', async () => {
    const tag = uniq('会员');
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await customer({ tags: [tag], city: '杭州' }));
    const name = uniq('杭州会员');
    const c = await as(admin)('POST', '/api/v1/segments', { name, query: `tag = "${tag}" and city = "杭州"` });
    expectStatus(c, 201);
    assert.equal(c.json.count, 5);
    assert.equal(c.json.name, name);
    const id = c.json.id;
    assertProblem(await as(admin)('POST', '/api/v1/segments', { name, query: 'tag = "x"' }), 409, 'names are unique');
    assertProblem(await as(admin)('POST', '/api/v1/segments', { name: uniq('s'), query: 'tag = ' }), 422, 'not saved');
    assertProblem(await as(admin)('POST', '/api/v1/segments', { name: '', query: 'tag = "x"' }), 400);

    // a new member counts at once
    ids.push(await customer({ tags: [tag], city: '杭州' }));
    const g = await as(admin)('GET', `/api/v1/segments/${id}`);
    expectStatus(g, 200);
    assert.equal(g.json.count, 6);
    assert.equal(g.json.query, `tag = "${tag}" and city = "杭州"`);

    const seen = [];
    let cursor = '';
    for (let page = 0; page < 10; page++) {
      const m = await as(admin)('GET', `/api/v1/segments/${id}/members?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expectStatus(m, 200);
      seen.push(...m.json.items.map((x) => x.id));
      if (!m.json.next_cursor) break;
      cursor = m.json.next_cursor;
    }
    assert.deepEqual(seen, [...ids].sort((a, b) => b - a), 'every member once, newest first');

    const list = await as(admin)('GET', '/api/v1/segments?limit=200');
    expectStatus(list, 200);
    assert.equal(list.json.items.find((s) => s.id === id).count, 6);

    const csv = await as(admin)('GET', `/api/v1/segments/${id}/export`);
    expectStatus(csv, 200);
    assert.match(csv.contentType, /text\/csv/);
    const rows = csv.text.trim().split('\r\n');
    assert.equal(rows.length, 7, 'a header and the six members');

    const renamed = await as(admin)('PATCH', `/api/v1/segments/${id}`, { name: `${name}-改`, query: `tag = "${tag}" and city != "杭州"` });
    expectStatus(renamed, 200);
    assert.equal(renamed.json.count, 0);
    assertProblem(await as(admin)('PATCH', `/api/v1/segments/${id}`, { query: 'city in [' }), 422);
    const audit = await as(admin)('GET', '/api/v1/audit?limit=20');
    assert.ok(audit.json.items.some((e) => e.action === 'segment.update'), 'writes are audited');
    expectStatus(await as(admin)('DELETE', `/api/v1/segments/${id}`), 204);
    assertProblem(await as(admin)('GET', `/api/v1/segments/${id}`), 404);
  });

  test('a guide counts and lists only their own customers; an editor cannot save segments', async () => {
    const guide = await makeStaff(api, admin, 'guide');
    const tag = uniq('导购');
    const mine = await customer({ tags: [tag], owner_id: guide.staff.id });
    await customer({ tags: [tag] });
    const r = await preview(guide.token, `tag = "${tag}"`);
    expectStatus(r, 200);
    assert.equal(r.json.count, 1);
    assert.deepEqual(r.json.sample.map((c) => c.id), [mine]);
    const s = await as(admin)('POST', '/api/v1/segments', { name: uniq('导购段'), query: `tag = "${tag}"` });
    assert.equal(s.json.count, 2);
    const g = await as(guide.token)('GET', `/api/v1/segments/${s.json.id}`);
    assert.equal(g.json.count, 1);
    const m = await as(guide.token)('GET', `/api/v1/segments/${s.json.id}/members`);
    assert.deepEqual(m.json.items.map((c) => c.id), [mine]);
    const editor = await makeStaff(api, admin, 'editor');
    assertProblem(await as(editor.token)('POST', '/api/v1/segments', { name: uniq('x'), query: 'tag = "x"' }), 403);
  });
});

describe('bulk actions on a segment', () => {
  test('tag, untag and assign act on the members as they are now, audited; rights follow the action', async () => {
    const tag = uniq('批量');
    const ids = [await customer({ tags: [tag] }), await customer({ tags: [tag] }), await customer({ tags: [tag] })];
    const s = await as(admin)('POST', '/api/v1/segments', { name: uniq('批量段'), query: `tag = "${tag}"` });
    const added = uniq('活动');
    const t = await as(admin)('POST', `/api/v1/segments/${s.json.id}/actions`, { action: 'tag', tags: [added] });
    expectStatus(t, 200);
    assert.deepEqual(t.json, { members: 3, affected: 3 });
    assert.equal((await preview(admin, `tag = "${added}"`)).json.count, 3, 'counted at once');
    const again = await as(admin)('POST', `/api/v1/segments/${s.json.id}/actions`, { action: 'tag', tags: [added] });
    assert.equal(again.json.affected, 0, 'tagging twice changes nothing');
    const c = await as(admin)('GET', `/api/v1/customers/${ids[0]}`);
    assert.ok(c.json.tags.includes(added));
    const u = await as(admin)('POST', `/api/v1/segments/${s.json.id}/actions`, { action: 'untag', tags: [added] });
    assert.equal(u.json.affected, 3);
    assert.equal((await preview(admin, `tag = "${added}"`)).json.count, 0);
    const guide = await makeStaff(api, admin, 'guide');
    const a = await as(admin)('POST', `/api/v1/segments/${s.json.id}/actions`, { action: 'assign', owner_id: guide.staff.id });
    assert.equal(a.json.affected, 3);
    assert.equal((await preview(guide.token, `tag = "${tag}"`)).json.count, 3, 'the guide now sees them');
    const audit = await as(admin)('GET', '/api/v1/audit?limit=10');
    assert.ok(audit.json.items.some((e) => e.action === 'segment.assign'));
    const editor = await makeStaff(api, admin, 'editor');
    assertProblem(await as(editor.token)('POST', `/api/v1/segments/${s.json.id}/actions`, { action: 'assign', owner_id: guide.staff.id }), 403);
    expectStatus(await as(editor.token)('POST', `/api/v1/segments/${s.json.id}/actions`, { action: 'tag', tags: [uniq('编')] }), 200);
    assertProblem(await as(admin)('POST', `/api/v1/segments/${s.json.id}/actions`, { action: 'delete' }), 400);
    assertProblem(await as(admin)('POST', `/api/v1/segments/${s.json.id}/actions`, { action: 'tag', tags: [] }), 400);
    assertProblem(await as(admin)('POST', `/api/v1/segments/${s.json.id}/actions`, { action: 'tag', tags: ['bad\u202Ename'] }), 400);
    assertProblem(await as(admin)('POST', `/api/v1/segments/${s.json.id}/actions`, { action: 'tag', tags: [''] }), 400);
    assertProblem(await as(admin)('POST', `/api/v1/segments/${s.json.id}/actions`, { action: 'assign', owner_id: 999999 }), 400);
  });
});

describe('entries and exits', () => {
  test('a customer entering or leaving a saved segment gets a segment_entered or segment_exited event', async () => {
    const tag = uniq('进出');
    const stay = await customer({ tags: [tag] });
    const s = await as(admin)('POST', '/api/v1/segments', { name: uniq('进出段'), query: `tag = "${tag}"` });
    assert.equal(s.json.count, 1);
    const id = await customer({});
    expectStatus(await as(admin)('POST', `/api/v1/customers/${id}/tags`, { tags: [tag] }), 200);
    const types = async (cid) => (await as(admin)('GET', `/api/v1/customers/${cid}/events?limit=50`)).json.items
      .filter((e) => e.type.startsWith('segment_')).map((e) => `${e.type}:${e.properties.segment_id}`);
    let got = [];
    for (let i = 0; i < 200 && got.length < 1; i++) {
      got = await types(id);
      if (!got.length) await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(got, [`segment_entered:${s.json.id}`]);
    await as(admin)('DELETE', `/api/v1/customers/${id}/tags/${encodeURIComponent(tag)}`);
    for (let i = 0; i < 200 && got.length < 2; i++) {
      got = await types(id);
      if (got.length < 2) await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(got.sort(), [`segment_entered:${s.json.id}`, `segment_exited:${s.json.id}`].sort());
    assert.deepEqual(await types(stay), [], 'a member from the start did not enter');
    const n = await as(admin)('POST', '/api/v1/segments/preview', { query: 'count(segment_entered, 1d) >= 1', sample: 0 });
    assert.ok(n.json.count >= 1, 'the events can be segmented on');
  });
});

describe('freshness', () => {
  test('tags set by a profile update count at once; long flat segments evaluate', async () => {
    const tag = uniq('改档案');
    const id = await customer({});
    expectStatus(await as(admin)('PATCH', `/api/v1/customers/${id}`, { tags: [tag] }), 200);
    assert.equal((await preview(admin, `tag = "${tag}"`)).json.count, 1);
    const long = Array.from({ length: 250 }, () => 'orders >= 0').join(' and ');
    const r = await preview(admin, long);
    expectStatus(r, 200, '250 conditions in one chain');
  });

  test('a tag is counted by the next read on this instance', async () => {
    const tag = uniq('即时');
    const id = await customer({});
    const s = await as(admin)('POST', '/api/v1/segments', { name: uniq('即时段'), query: `tag = "${tag}"` });
    assert.equal(s.json.count, 0);
    expectStatus(await as(admin)('POST', `/api/v1/customers/${id}/tags`, { tags: [tag] }), 200);
    assert.equal((await as(admin)('GET', `/api/v1/segments/${s.json.id}`)).json.count, 1);
    const untag = await as(admin)('DELETE', `/api/v1/customers/${id}/tags/${encodeURIComponent(tag)}`);
    assert.ok(untag.status === 200 || untag.status === 204, `untag: ${untag.status}`);
    assert.equal((await as(admin)('GET', `/api/v1/segments/${s.json.id}`)).json.count, 0);
  });

  test('a tag written through one instance counts on another sharing the store within 100 ms; a restarted one catches up', async () => {
    const twin = await startServer({ name: 'segments-twin', shareWith: srv });
    try {
      const other = client(twin.baseUrl);
      const tag = uniq('双实例');
      const id = await customer({});
      const s = await as(admin)('POST', '/api/v1/segments', { name: uniq('双实例段'), query: `tag = "${tag}"` });
      const count = async () => (await other.api('GET', `/api/v1/segments/${s.json.id}`, { token: admin })).json.count;
      assert.equal(await count(), 0);
      for (let round = 0; round < 5; round++) {
        const add = round % 2 === 0;
        const w = add ? await as(admin)('POST', `/api/v1/customers/${id}/tags`, { tags: [tag] })
          : await as(admin)('DELETE', `/api/v1/customers/${id}/tags/${encodeURIComponent(tag)}`);
        assert.ok(w.status === 200 || w.status === 204);
        const t0 = performance.now();
        let seen;
        while ((seen = await count()) !== (add ? 1 : 0) && performance.now() - t0 < 1000) { /* poll */ }
        const took = performance.now() - t0;
        assert.equal(seen, add ? 1 : 0, `round ${round}: instance B sees the change`);
        // 100 ms is the target; a sanitizer build runs several times slower
        assert.ok(took < (process.env.YT_SANITIZED ? 400 : 100), `round ${round}: seen after ${took.toFixed(1)} ms`);
      }
      // the twin stops, writes go on, a new twin starts and counts them
      await twin.stop();
      const more = [await customer({ tags: [tag] }), await customer({ tags: [tag] })];
      assert.equal(more.length, 2);
      const again = await startServer({ name: 'segments-twin2', shareWith: srv });
      try {
        const r = await client(again.baseUrl).api('GET', `/api/v1/segments/${s.json.id}`, { token: admin });
        assert.equal(r.json.count, 3);
      } finally { await again.stop(); }
    } finally { await twin.stop().catch(() => {}); }
  });
});
