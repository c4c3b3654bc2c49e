// Role permissions: write bans for read-only roles, guide ownership scoping, phone masking without pii.read.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, assertFieldError, expectStatus, listAll, serverErrors, makeStaff, uniq } from '../lib/client.mjs';

let srv, api, admin;
const R = {};   // role -> {staff, token, ...}
let shared;     // a customer owned by nobody in particular (created by admin)
const PHONE = '13812341234';
const MASKED = '138****1234';

before(async () => {
  srv = await startServer({ name: 'permissions' });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
  for (const role of ['admin', 'operator', 'editor', 'guide', 'service', 'analyst']) R[role] = await makeStaff(api, admin, role);
  R.guide2 = await makeStaff(api, admin, 'guide');
  shared = expectStatus(await api('POST', '/api/v1/customers', { token: admin, body: { name: '共享客户', phone: PHONE, unionid: uniq('un'), tags: ['宝妈'] } }), 201);
});
after(async () => { if (srv) await srv.stop(); });

const as = (role) => (method, path, body) => api(method, path, { token: R[role] ? R[role].token : role, ...(body !== undefined ? { body } : {}) });

describe('staff management', () => {
  test('staff JSON, duplicate username 409, short password 400, bad role 400', async () => {
    const s = R.operator.staff;
    assert.equal(typeof s.id, 'number');
    assert.equal(s.role, 'operator');
    assert.equal(s.active, true);
    assert.ok('display_name' in s && 'store_id' in s && 'created_at' in s && 'username' in s);
    assert.ok(!('password' in s) && !('password_hash' in s));
    assertProblem(await api('POST', '/api/v1/staff', { token: admin, body: { username: R.operator.username, display_name: 'dup', role: 'editor', password: 'longenough1' } }), 409);
    assertFieldError(await api('POST', '/api/v1/staff', { token: admin, body: { username: uniq('s'), display_name: 'x', role: 'editor', password: 'short7!' } }), 'password');
    assertFieldError(await api('POST', '/api/v1/staff', { token: admin, body: { username: uniq('s'), display_name: 'x', role: 'emperor', password: 'longenough1' } }), 'role');
    const l = expectStatus(await api('GET', '/api/v1/staff', { token: admin }), 200);
    assert.ok(l.items.some((x) => x.username === 'admin' && x.role === 'owner'));
    assert.ok(l.items.some((x) => x.id === s.id));
    assert.ok(!JSON.stringify(l).includes('password'));
  });
  test('role change takes effect for the staff member', async () => {
    const s = await makeStaff(api, admin, 'editor');
    assertProblem(await as(s.token)('POST', '/api/v1/customers', { name: '改角色前' }), 403);
    expectStatus(await api('PATCH', `/api/v1/staff/${s.staff.id}`, { token: admin, body: { role: 'service', display_name: '客服一号' } }), 200);
    const t = await client(srv.baseUrl).login(s.username, s.password);
    expectStatus(await as(t)('POST', '/api/v1/customers', { name: '改角色后' }), 201);
  });
  test('stores: admin creates, others without stores.write get 403', async () => {
    const st = expectStatus(await api('POST', '/api/v1/stores', { token: admin, body: { name: '西湖店', city: '杭州' } }), 201);
    assert.equal(st.name, '西湖店');
    assert.equal(st.city, '杭州');
    assert.match(String(st.created_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, 'store JSON has created_at');
    const l = expectStatus(await api('GET', '/api/v1/stores', { token: admin }), 200);
    assert.ok(l.items.some((x) => x.id === st.id));
    for (const role of ['operator', 'editor', 'guide', 'service', 'analyst']) {
      assertProblem(await as(role)('POST', '/api/v1/stores', { name: 'x', city: 'y' }), 403, role);
    }
  });
});

describe('analyst is read-only', () => {
  test('reads succeed', async () => {
    const a = as('analyst');
    expectStatus(await a('GET', '/api/v1/customers'), 200);
    expectStatus(await a('GET', `/api/v1/customers/${shared.id}`), 200);
    expectStatus(await a('GET', '/api/v1/staff'), 200);
    expectStatus(await a('GET', '/api/v1/audit'), 200);
    expectStatus(await a('GET', '/api/v1/tags'), 200);
  });
  test('every write -> 403 and changes nothing', async () => {
    const a = as('analyst');
    const id = shared.id;
    const writes = [
      ['POST', '/api/v1/customers', { name: '分析师' }],
      ['PATCH', `/api/v1/customers/${id}`, { name: '改名' }],
      ['POST', `/api/v1/customers/${id}/identities`, { kind: 'unionid', value: uniq('x') }],
      ['POST', `/api/v1/customers/${id}/tags`, { tags: ['分析'] }],
      ['DELETE', `/api/v1/customers/${id}/tags/${encodeURIComponent('宝妈')}`],
      ['POST', `/api/v1/customers/${id}/remarks`, { body: '不能写' }],
      ['POST', '/api/v1/customers/bulk/tags', { customer_ids: [id], add: ['x'] }],
      ['POST', '/api/v1/customers/bulk/transfer', { customer_ids: [id], owner_id: R.analyst.staff.id }],
      ['POST', '/api/v1/events', { events: [{ customer: { id }, type: 'checkin' }] }],
      ['POST', '/api/v1/tags', { name: '分析标签' }],
      ['POST', '/api/v1/tag-groups', { name: '分析组' }],
      ['POST', '/api/v1/staff', { username: uniq('s'), display_name: 'x', role: 'editor', password: 'longenough1' }],
      ['PATCH', `/api/v1/staff/${R.analyst.staff.id}`, { role: 'admin' }],
      ['POST', '/api/v1/tokens', { name: 't', scopes: ['customers.read'] }],
      ['POST', '/api/v1/stores', { name: 's', city: 'c' }],
      ['GET', `/api/v1/customers/${id}/export`],
      ['POST', `/api/v1/customers/${id}/erase`, {}],
    ];
    for (const [m, p, b] of writes) assertProblem(await a(m, p, b), 403, `${m} ${p}`);
    const imp = await api('POST', '/api/v1/import/orders?platform=cdnow', { token: R.analyst.token, raw: 'customer_ref,ordered_on,quantity,amount\n1,1997-01-01,1,1.00\n', headers: { 'Content-Type': 'text/csv' } });
    assertProblem(imp, 403, 'import');
    const g = expectStatus(await api('GET', `/api/v1/customers/${id}`, { token: admin }), 200);
    assert.equal(g.name, '共享客户');
    assert.deepEqual(g.tags, ['宝妈']);
    assert.equal(expectStatus(await api('GET', `/api/v1/customers/${id}/remarks`, { token: admin }), 200).items.length, 0);
    assert.equal(expectStatus(await api('GET', `/api/v1/customers/${id}/events`, { token: admin }), 200).items.length, 0);
    assert.equal(expectStatus(await api('GET', '/api/v1/me', { token: R.analyst.token }), 200).user.role, 'analyst');
  });
});

describe('other roles', () => {
  test('editor: read and tag only', async () => {
    const e = as('editor');
    expectStatus(await e('GET', '/api/v1/customers'), 200);
    const c = expectStatus(await api('POST', '/api/v1/customers', { token: admin, body: { name: '编辑用' } }), 201);
    expectStatus(await e('POST', `/api/v1/customers/${c.id}/tags`, { tags: ['编辑加的'] }), 200);
    assertProblem(await e('POST', '/api/v1/tags', { name: uniq('编辑') }), 403, 'managing the tag list is tags.manage');
    assertProblem(await e('POST', '/api/v1/customers', { name: 'x' }), 403);
    assertProblem(await e('PATCH', `/api/v1/customers/${c.id}`, { name: 'x' }), 403);
    assertProblem(await e('POST', '/api/v1/events', { events: [{ customer: { id: c.id }, type: 'checkin' }] }), 403);
    assertProblem(await e('GET', '/api/v1/staff'), 403);
    assertProblem(await e('GET', '/api/v1/audit'), 403);
  });
  test('service: customers read/write, tags; no events, staff, audit, import', async () => {
    const s = as('service');
    const c = expectStatus(await s('POST', '/api/v1/customers', { name: '客服建的' }), 201);
    expectStatus(await s('PATCH', `/api/v1/customers/${c.id}`, { city: '宁波' }), 200);
    expectStatus(await s('POST', `/api/v1/customers/${c.id}/remarks`, { body: '客服备注' }), 201);
    assertProblem(await s('POST', '/api/v1/events', { events: [{ customer: { id: c.id }, type: 'checkin' }] }), 403);
    assertProblem(await s('GET', '/api/v1/staff'), 403);
    assertProblem(await s('GET', '/api/v1/audit'), 403);
  });
  test('operator: events, staff.read, import; no staff.write, audit, tokens', async () => {
    const o = as('operator');
    expectStatus(await o('POST', '/api/v1/events', { events: [{ customer: { id: shared.id }, type: 'checkin', key: uniq('op') }] }), 200);
    expectStatus(await o('GET', '/api/v1/staff'), 200);
    assertProblem(await o('POST', '/api/v1/staff', { username: uniq('s'), display_name: 'x', role: 'owner', password: 'longenough1' }), 403);
    assertProblem(await o('PATCH', `/api/v1/staff/${R.operator.staff.id}`, { role: 'admin' }), 403, 'self promotion');
    assertProblem(await o('GET', '/api/v1/audit'), 403);
    assertProblem(await o('POST', '/api/v1/tokens', { name: 't', scopes: ['customers.read'] }), 403);
    assert.equal(expectStatus(await api('GET', '/api/v1/me', { token: R.operator.token }), 200).user.role, 'operator');
  });
});

describe('guide sees only own customers', () => {
  let mine, theirs;
  before(async () => {
    mine = expectStatus(await as('guide')('POST', '/api/v1/customers', { name: '导购自己的', tags: ['导购'] }), 201);
    theirs = expectStatus(await as('guide2')('POST', '/api/v1/customers', { name: '别人的客户', tags: ['导购'] }), 201);
  });
  test('a guide creating a customer becomes its owner', () => {
    assert.equal(mine.owner_id, R.guide.staff.id);
    assert.equal(theirs.owner_id, R.guide2.staff.id);
  });
  test('own customer is fully usable', async () => {
    const g = as('guide');
    expectStatus(await g('GET', `/api/v1/customers/${mine.id}`), 200);
    expectStatus(await g('PATCH', `/api/v1/customers/${mine.id}`, { city: '苏州' }), 200);
    expectStatus(await g('POST', `/api/v1/customers/${mine.id}/remarks`, { body: '导购备注' }), 201);
    expectStatus(await g('POST', `/api/v1/customers/${mine.id}/tags`, { tags: ['熟客'] }), 200);
    expectStatus(await g('GET', `/api/v1/customers/${mine.id}/events`), 200);
    const ev = expectStatus(await g('POST', '/api/v1/events', { events: [{ customer: { id: mine.id }, type: 'checkin' }] }), 200);
    assert.equal(ev.accepted, 1);
  });
  test("others' customers -> 404 on every route, and absent from lists and search", async () => {
    const g = as('guide');
    for (const id of [theirs.id, shared.id]) {
      const probes = [
        ['GET', `/api/v1/customers/${id}`], ['PATCH', `/api/v1/customers/${id}`, { city: '偷改' }],
        ['GET', `/api/v1/customers/${id}/remarks`], ['POST', `/api/v1/customers/${id}/remarks`, { body: 'x' }],
        ['GET', `/api/v1/customers/${id}/events`], ['GET', `/api/v1/customers/${id}/orders`],
        ['POST', `/api/v1/customers/${id}/tags`, { tags: ['x'] }], ['DELETE', `/api/v1/customers/${id}/tags/${encodeURIComponent('导购')}`],
        ['POST', `/api/v1/customers/${id}/identities`, { kind: 'unionid', value: uniq('g') }],
        ['POST', `/api/v1/customers/${mine.id}/merge`, { from: id }],
      ];
      for (const [m, p, b] of probes) assertProblem(await g(m, p, b), 404, `${m} ${p}`);
    }
    const all = await listAll(api, '/api/v1/customers', R.guide.token, { limit: 200 });
    assert.ok(all.items.every((c) => c.owner_id === R.guide.staff.id), 'guide lists only own customers');
    assert.ok(all.items.some((c) => c.id === mine.id));
    const s = expectStatus(await g('GET', `/api/v1/customers?q=${encodeURIComponent('别人')}`), 200);
    assert.deepEqual(s.items, []);
    const t = expectStatus(await g('GET', `/api/v1/customers?tag=${encodeURIComponent('导购')}`), 200);
    assert.deepEqual(t.items.map((c) => c.id), [mine.id]);
    const ph = expectStatus(await g('GET', `/api/v1/customers?phone=${PHONE}`), 200);
    assert.deepEqual(ph.items, [], 'identity lookup does not leak');
    // events for someone else's customer are rejected per item and not stored
    const ev = expectStatus(await g('POST', '/api/v1/events', { events: [{ customer: { id: theirs.id }, type: 'checkin' }] }), 200);
    assert.equal(ev.accepted, 0);
    assert.equal(ev.errors.length, 1);
    assert.equal(expectStatus(await api('GET', `/api/v1/customers/${theirs.id}/events`, { token: admin }), 200).items.length, 0);
    // bulk actions do not touch others' customers
    const bt = await g('POST', '/api/v1/customers/bulk/tags', { customer_ids: [theirs.id], add: ['被偷加'] });
    assert.ok(bt.status === 400 || bt.status === 404 || (bt.status === 200 && bt.json.updated === 0), `bulk tags -> ${bt.status} ${bt.text}`);
    if (bt.status === 400) assertFieldError(bt, 'customer_ids');
    const tr = await g('POST', '/api/v1/customers/bulk/transfer', { customer_ids: [theirs.id], owner_id: R.guide.staff.id });
    assert.ok([400, 403, 404].includes(tr.status) || (tr.status === 200 && tr.json.updated === 0), `bulk transfer -> ${tr.status} ${tr.text}`);
    const after = expectStatus(await api('GET', `/api/v1/customers/${theirs.id}`, { token: admin }), 200);
    assert.equal(after.owner_id, R.guide2.staff.id);
    assert.equal(after.city, theirs.city);
    assert.deepEqual(after.tags, ['导购']);
  });
  test('the other guide and admin see the customer', async () => {
    expectStatus(await as('guide2')('GET', `/api/v1/customers/${theirs.id}`), 200);
    expectStatus(await api('GET', `/api/v1/customers/${theirs.id}`, { token: admin }), 200);
    assertProblem(await as('guide2')('GET', `/api/v1/customers/${mine.id}`), 404);
  });
});

describe('phone masking', () => {
  test('roles without pii.read see "138****1234" everywhere; owner and admin see full digits', async () => {
    for (const role of ['operator', 'editor', 'service', 'analyst']) {
      const g = expectStatus(await as(role)('GET', `/api/v1/customers/${shared.id}`), 200, role);
      assert.equal(g.phone, MASKED, `${role} phone`);
      const pid = g.identities.find((x) => x.kind === 'phone');
      assert.ok(pid, `${role} sees a phone identity`);
      assert.equal(pid.value, MASKED, `${role} phone identity value`);
      const l = await listAll(api, '/api/v1/customers', R[role].token, { limit: 200 });
      const text = JSON.stringify(l.items);
      assert.ok(!text.includes(PHONE), `${role}: full phone absent from list`);
      assert.equal(l.items.find((c) => c.id === shared.id).phone, MASKED);
    }
    for (const t of [admin, R.admin.token]) {
      const g = expectStatus(await api('GET', `/api/v1/customers/${shared.id}`, { token: t }), 200);
      assert.equal(g.phone, PHONE);
      assert.equal(g.identities.find((x) => x.kind === 'phone').value, PHONE);
    }
    const gm = expectStatus(await as('guide')('POST', '/api/v1/customers', { name: '导购手机', phone: '13998765432' }), 201);
    assert.equal(gm.phone, '139****5432', 'guide sees own customer masked too');
  });
  test('pii.read is required for export and erase', async () => {
    for (const role of ['operator', 'service', 'guide']) {
      const id = role === 'guide' ? (expectStatus(await as('guide')('POST', '/api/v1/customers', { name: '导购导出' }), 201)).id : shared.id;
      assertProblem(await as(role)('GET', `/api/v1/customers/${id}/export`), 403, `${role} export`);
      assertProblem(await as(role)('POST', `/api/v1/customers/${id}/erase`, {}), 403, `${role} erase`);
    }
    const ex = expectStatus(await api('GET', `/api/v1/customers/${shared.id}/export`, { token: R.admin.token }), 200);
    assert.equal(ex.customer.phone, PHONE);
  });
  test('a scoped token without pii.read sees masked phones even for the owner', async () => {
    const t = expectStatus(await api('POST', '/api/v1/tokens', { token: admin, body: { name: 'no-pii', scopes: ['customers.read'] } }), 201);
    const g = expectStatus(await api('GET', `/api/v1/customers/${shared.id}`, { token: t.token }), 200);
    assert.equal(g.phone, MASKED);
  });
});

describe('audit', () => {
  test('writes are audited with the actor', async () => {
    const c = expectStatus(await as('service')('POST', '/api/v1/customers', { name: '审计' }), 201);
    const au = expectStatus(await as('analyst')('GET', `/api/v1/audit?actor_id=${R.service.staff.id}&limit=200`), 200);
    const e = au.items.find((x) => x.entity_id === c.id && /customer/.test(x.entity));
    assert.ok(e, 'audit entry for the create');
    assert.equal(e.actor_id, R.service.staff.id);
    assert.ok([R.service.username, R.service.staff.display_name].includes(e.actor), `actor ${e.actor}`);
    assert.ok(au.items.every((x) => x.actor_id === R.service.staff.id), 'actor_id filter');
  });
});

describe('no server errors', () => {
  test('no 5xx in this file', () => { assert.deepEqual(serverErrors(), []); });
});
