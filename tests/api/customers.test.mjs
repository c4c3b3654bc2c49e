// Customers: CRUD, identities, search, tags, pagination, merge, remarks, bulk actions, PIPL export/erase, tag groups.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, assertFieldError, expectStatus, listAll, serverErrors, uniq, uniqPhone, makeStaff } from '../lib/client.mjs';

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let srv, api, token;

before(async () => {
  srv = await startServer({ name: 'customers' });
  ({ api } = client(srv.baseUrl));
  token = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

const get = (p) => api('GET', p, { token });
const post = (p, body) => api('POST', p, { token, body });
const patch = (p, body) => api('PATCH', p, { token, body });
const del = (p) => api('DELETE', p, { token });
async function create(body) { return expectStatus(await post('/api/v1/customers', body), 201, `create ${JSON.stringify(body).slice(0, 80)}`); }
async function ids(query) { return expectStatus(await get(`/api/v1/customers?${query}`), 200, query).items.map((c) => c.id); }
const idv = (c, kind) => (c.identities.find((x) => x.kind === kind) || {}).value;

describe('create, get, patch', () => {
  test('create returns the full customer with defaults', async () => {
    const phone = uniqPhone();
    const c = await create({ name: '张三', phone, city: '杭州', gender: 'male', birthday: '1990-05-17', tags: ['宝妈', '高价值'] });
    assert.equal(typeof c.id, 'number');
    assert.equal(c.name, '张三');
    assert.equal(c.city, '杭州');
    assert.equal(c.gender, 'male');
    assert.equal(c.birthday, '1990-05-17');
    assert.equal(c.phone, phone, 'admin has pii.read and sees the full phone');
    assert.equal(idv(c, 'phone'), phone);
    assert.deepEqual([...c.tags].sort(), ['宝妈', '高价值'].sort());
    assert.equal(c.erased, false);
    assert.equal(typeof c.member_level, 'number');
    assert.equal(typeof c.points, 'number');
    assert.ok(['stranger', 'weak_tie', 'customer', 'repeat_customer', 'fan', 'iron_fan', 'partner'].includes(c.lifecycle_stage));
    assert.equal(c.consent.marketing, 'unknown');
    assert.match(c.created_at, RFC3339);
    assert.match(c.updated_at, RFC3339);
    const g = expectStatus(await get(`/api/v1/customers/${c.id}`), 200);
    assert.deepEqual({ ...g, tags: [...g.tags].sort() }, { ...c, tags: [...c.tags].sort() });
  });

  test('minimal create: only name', async () => {
    const c = await create({ name: '阿' });
    assert.equal(c.name, '阿');
    assert.equal(c.gender, 'unknown');
    assert.equal(c.birthday, null);
    assert.equal(c.phone, null);
    assert.deepEqual(c.identities, []);
    assert.deepEqual(c.tags, []);
  });

  test('patch scalar fields and consent', async () => {
    const c = await create({ name: '李四' });
    const p = expectStatus(await patch(`/api/v1/customers/${c.id}`, {
      name: '李四四', nickname: '小四', city: '上海', gender: 'female', lifecycle_stage: 'fan', member_level: 3, points: 1200,
      avatar_url: 'https://img.example.com/4.png', birthday: '1988-02-29',
      consent: { marketing: 'granted', source: 'wecom' },
    }), 200);
    assert.equal(p.id, c.id);
    assert.equal(p.name, '李四四');
    assert.equal(p.nickname, '小四');
    assert.equal(p.city, '上海');
    assert.equal(p.gender, 'female');
    assert.equal(p.lifecycle_stage, 'fan');
    assert.equal(p.member_level, 3);
    assert.equal(p.points, 1200);
    assert.equal(p.birthday, '1988-02-29');
    assert.equal(p.avatar_url, 'https://img.example.com/4.png');
    assert.equal(p.consent.marketing, 'granted');
    assert.equal(p.consent.source, 'wecom');
    assert.match(p.consent.at, RFC3339);
    const g = expectStatus(await get(`/api/v1/customers/${c.id}`), 200);
    assert.equal(g.name, '李四四');
    assert.equal(g.consent.marketing, 'granted');
    const w = expectStatus(await patch(`/api/v1/customers/${c.id}`, { consent: { marketing: 'withdrawn', source: 'sms-reply' } }), 200);
    assert.equal(w.consent.marketing, 'withdrawn');
    assert.equal(w.name, '李四四', 'untouched fields stay');
    assertFieldError(await patch(`/api/v1/customers/${c.id}`, { name: '' }), 'name');
    assertFieldError(await patch(`/api/v1/customers/${c.id}`, { birthday: '1989-02-29' }), 'birthday');
  });

  test('unknown customer -> 404', async () => {
    assertProblem(await get('/api/v1/customers/987654321'), 404);
    assertProblem(await patch('/api/v1/customers/987654321', { name: 'x' }), 404);
  });
});

describe('identities', () => {
  test('identity values are unique across customers (409)', async () => {
    const phone = uniqPhone();
    const unionid = uniq('un');
    const a = await create({ name: '甲', phone, unionid, buyer_ids: [{ platform: 'tmall', id: uniq('tb') }] });
    assertProblem(await post('/api/v1/customers', { name: '乙', phone }), 409, 'dup phone');
    assertProblem(await post('/api/v1/customers', { name: '乙', unionid }), 409, 'dup unionid');
    const b = await create({ name: '乙' });
    assertProblem(await post(`/api/v1/customers/${b.id}/identities`, { kind: 'unionid', value: unionid }), 409, 'attach owned unionid');
    assertProblem(await post(`/api/v1/customers/${b.id}/identities`, { kind: 'phone', value: phone }), 409, 'attach owned phone');
    const buyer = idv(a, 'buyer');
    assertProblem(await post(`/api/v1/customers/${b.id}/identities`, { kind: 'buyer', platform: 'tmall', value: buyer }), 409, 'attach owned buyer');
    // same buyer id on a different platform is a different identity
    const ok = expectStatus(await post(`/api/v1/customers/${b.id}/identities`, { kind: 'buyer', platform: 'jd', value: buyer }), 201);
    assert.ok(ok.identities.some((x) => x.kind === 'buyer' && x.platform === 'jd' && x.value === buyer));
    // the failed attempts changed nothing
    const bg = expectStatus(await get(`/api/v1/customers/${b.id}`), 200);
    assert.equal(bg.phone, null);
    assert.equal(idv(bg, 'unionid'), undefined);
  });

  test('add identity and find by phone / unionid / openid / external_userid / email', async () => {
    const c = await create({ name: '查找' });
    const phone = uniqPhone(); const unionid = uniq('un'); const openid = uniq('op'); const ext = uniq('wm'); const email = `${uniq('e')}@example.com`;
    for (const [kind, value] of [['phone', phone], ['unionid', unionid], ['openid', openid], ['external_userid', ext], ['email', email]]) {
      const r = expectStatus(await post(`/api/v1/customers/${c.id}/identities`, { kind, value }), 201, kind);
      assert.equal(idv(r, kind), value);
    }
    assert.deepEqual(await ids(`phone=${phone}`), [c.id]);
    assert.deepEqual(await ids(`unionid=${encodeURIComponent(unionid)}`), [c.id]);
    assert.deepEqual(await ids(`openid=${encodeURIComponent(openid)}`), [c.id]);
    assert.deepEqual(await ids(`external_userid=${encodeURIComponent(ext)}`), [c.id]);
    assert.deepEqual(await ids(`email=${encodeURIComponent(email)}`), [c.id]);
    assert.deepEqual(await ids(`phone=${uniqPhone()}`), []);
    assert.deepEqual(await ids(`unionid=${uniq('none')}`), []);
    const g = expectStatus(await get(`/api/v1/customers/${c.id}`), 200);
    assert.equal(g.phone, phone);
    assertFieldError(await post(`/api/v1/customers/${c.id}/identities`, { kind: 'fax', value: '1' }), 'kind');
    assertFieldError(await post(`/api/v1/customers/${c.id}/identities`, { kind: 'unionid' }), 'value');
  });
});

describe('search', () => {
  let tag, wang, li, other;
  before(async () => {
    tag = uniq('srch');
    wang = await create({ name: '王小明', nickname: '明明', tags: [tag] });
    li = await create({ name: '李小红', nickname: '红红', tags: [tag] });
    other = await create({ name: '赵大海', tags: [tag] });
    expectStatus(await post(`/api/v1/customers/${other.id}/remarks`, { body: '喜欢有机蔬菜，周末来店' }), 201);
  });

  test('Chinese substring of the name: 3+ characters', async () => {
    assert.deepEqual(await ids(`q=${encodeURIComponent('王小明')}&tag=${tag}`), [wang.id]);
    assert.ok((await ids(`q=${encodeURIComponent('王小明')}`)).includes(wang.id));
  });
  test('Chinese substring of the name: 2 characters, in the middle and at the end', async () => {
    assert.deepEqual(await ids(`q=${encodeURIComponent('小明')}&tag=${tag}`), [wang.id]);
    assert.deepEqual(await ids(`q=${encodeURIComponent('王小')}&tag=${tag}`), [wang.id]);
    assert.deepEqual((await ids(`q=${encodeURIComponent('小')}&tag=${tag}`)).sort(), [wang.id, li.id].sort(), 'one character');
    const all = await ids(`q=${encodeURIComponent('小明')}`);
    assert.ok(all.includes(wang.id) && !all.includes(li.id));
  });
  test('search matches the nickname', async () => {
    assert.deepEqual(await ids(`q=${encodeURIComponent('红红')}&tag=${tag}`), [li.id]);
  });
  test('search matches remark text', async () => {
    assert.deepEqual(await ids(`q=${encodeURIComponent('有机蔬菜')}&tag=${tag}`), [other.id]);
    assert.deepEqual(await ids(`q=${encodeURIComponent('有机蔬菜')}`), [other.id]);
    assert.deepEqual(await ids(`q=${encodeURIComponent('周末')}&tag=${tag}`), [other.id]);
  });
  test('no match -> empty list', async () => {
    assert.deepEqual(await ids(`q=${encodeURIComponent('不存在的名字甲乙丙')}`), []);
  });
  test('search reflects renames', async () => {
    const c = await create({ name: '钱多多', tags: [tag] });
    expectStatus(await patch(`/api/v1/customers/${c.id}`, { name: '孙悟空' }), 200);
    assert.deepEqual(await ids(`q=${encodeURIComponent('多多')}&tag=${tag}`), []);
    assert.deepEqual(await ids(`q=${encodeURIComponent('悟空')}&tag=${tag}`), [c.id]);
  });
  test('ASCII substring search', async () => {
    const c = await create({ name: `Alice${tag}`, tags: [tag] });
    assert.deepEqual(await ids(`q=${encodeURIComponent(`lice${tag}`)}`), [c.id]);
  });
});

describe('tag filter', () => {
  test('single tag, several tags (all of them), lifecycle_stage filter', async () => {
    const t1 = uniq('t1'); const t2 = uniq('t2');
    const a = await create({ name: 'A', tags: [t1] });
    const b = await create({ name: 'B', tags: [t1, t2], lifecycle_stage: 'fan' });
    const c = await create({ name: 'C', tags: [t2] });
    assert.deepEqual(await ids(`tag=${t1}`), [b.id, a.id], 'newest first');
    assert.deepEqual(await ids(`tag=${t2}`), [c.id, b.id]);
    assert.deepEqual(await ids(`tag=${t1}&tag=${t2}`), [b.id]);
    assert.deepEqual(await ids(`tag=${t1}&lifecycle_stage=fan`), [b.id]);
    assert.deepEqual(await ids(`tag=${uniq('none')}`), []);
  });
  test('add and remove tags on one customer; missing tags are created', async () => {
    const t = uniq('新标签');
    const c = await create({ name: '标签人' });
    const r = expectStatus(await post(`/api/v1/customers/${c.id}/tags`, { tags: [t, '宝妈'] }), 200);
    assert.deepEqual([...r.tags].sort(), [t, '宝妈'].sort());
    const again = expectStatus(await post(`/api/v1/customers/${c.id}/tags`, { tags: [t] }), 200);
    assert.equal(again.tags.filter((x) => x === t).length, 1, 'adding twice is idempotent');
    const tl = expectStatus(await get('/api/v1/tags'), 200);
    assert.ok(tl.items.some((x) => x.name === t), 'tag created');
    const d = expectStatus(await del(`/api/v1/customers/${c.id}/tags/${encodeURIComponent(t)}`), 200);
    assert.deepEqual(d.tags, ['宝妈']);
    assert.deepEqual(await ids(`tag=${encodeURIComponent(t)}`), []);
  });
});

describe('cursor pagination', () => {
  test('pages are stable: no duplicates, none missing, id descending, even with concurrent inserts', async () => {
    const tag = uniq('page');
    const created = [];
    for (let i = 0; i < 123; i++) created.push((await create({ name: `翻页${i}`, tags: [tag] })).id);
    const seen = [];
    let cursor = null; let pages = 0;
    do {
      const r = expectStatus(await get(`/api/v1/customers?tag=${tag}&limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`), 200);
      assert.ok(r.items.length <= 10);
      if (r.next_cursor !== null) assert.equal(r.items.length, 10, 'only the last page may be short');
      seen.push(...r.items.map((c) => c.id));
      cursor = r.next_cursor;
      pages += 1;
      if (pages === 3) for (let i = 0; i < 5; i++) await create({ name: `插入${i}`, tags: [tag] });   // inserts while paging
      assert.ok(pages < 50);
    } while (cursor);
    assert.equal(new Set(seen).size, seen.length, 'no duplicates');
    const expected = [...created].sort((a, b) => b - a);
    assert.deepEqual(seen.filter((id) => created.includes(id)), expected, 'every original item exactly once, id descending');
    const sorted = [...seen].sort((a, b) => b - a);
    assert.deepEqual(seen, sorted, 'whole sequence id descending');
  });
  test('limit bounds and default', async () => {
    const l = expectStatus(await get('/api/v1/customers'), 200);
    assert.ok(l.items.length <= 50);
    assert.ok('next_cursor' in l);
    const all = await listAll(api, '/api/v1/customers', token, { limit: 200 });
    assert.equal(new Set(all.items.map((c) => c.id)).size, all.items.length);
    assert.ok(all.items.length >= 123);
  });
});

describe('merge', () => {
  test('absorbed customer resolves to the survivor; identities, tags, remarks, events move', async () => {
    const tA = uniq('mA'); const tB = uniq('mB');
    const extB = uniq('extB'); const unA = uniq('unA'); const phoneB = uniqPhone();
    const a = await create({ name: '合并甲', unionid: unA, tags: [tA] });
    const b = await create({ name: '合并乙', external_userid: extB, phone: phoneB, tags: [tB, tA] });
    expectStatus(await post(`/api/v1/customers/${a.id}/remarks`, { body: '甲的备注' }), 201);
    expectStatus(await post(`/api/v1/customers/${b.id}/remarks`, { body: '乙的备注' }), 201);
    const ev = expectStatus(await post('/api/v1/events', { events: [
      { customer: { id: a.id }, type: 'checkin', key: uniq('ka') },
      { customer: { id: b.id }, type: 'page_viewed', key: uniq('kb'), properties: { page: '/b' } },
      { customer: { external_userid: extB }, type: 'message_sent', key: uniq('kb2') },
    ] }), 200);
    assert.equal(ev.accepted, 3);

    const m = expectStatus(await post(`/api/v1/customers/${a.id}/merge`, { from: b.id }), 200);
    assert.equal(m.id, a.id);
    assert.equal(m.name, '合并甲');
    assert.equal(idv(m, 'external_userid'), extB);
    assert.equal(idv(m, 'unionid'), unA);
    assert.equal(idv(m, 'phone'), phoneB);
    assert.deepEqual([...m.tags].sort(), [tA, tB].sort());

    const gb = expectStatus(await get(`/api/v1/customers/${b.id}`), 200);
    assert.equal(gb.id, a.id, 'GET absorbed id returns the survivor');
    assert.deepEqual(await ids(`external_userid=${extB}`), [a.id]);
    assert.deepEqual(await ids(`phone=${phoneB}`), [a.id]);
    assert.deepEqual(await ids(`tag=${tB}`), [a.id]);
    assert.deepEqual(await ids(`tag=${tA}`), [a.id], 'absorbed customer no longer listed');

    const rm = expectStatus(await get(`/api/v1/customers/${a.id}/remarks`), 200);
    assert.deepEqual(rm.items.map((x) => x.body).sort(), ['乙的备注', '甲的备注'].sort());
    const evs = expectStatus(await get(`/api/v1/customers/${a.id}/events`), 200);
    assert.deepEqual(evs.items.map((x) => x.type).sort(), ['checkin', 'message_sent', 'page_viewed']);
    // new events addressed to the absorbed identity land on the survivor
    expectStatus(await post('/api/v1/events', { events: [{ customer: { external_userid: extB }, type: 'checkin' }] }), 200);
    const evs2 = expectStatus(await get(`/api/v1/customers/${a.id}/events`), 200);
    assert.equal(evs2.items.length, 4);
    // merge errors
    const self = await post(`/api/v1/customers/${a.id}/merge`, { from: a.id });
    assert.ok(self.status === 400 || self.status === 409, `self merge -> ${self.status}`);
    assertProblem(self, self.status, 'self merge');
    assertProblem(await post(`/api/v1/customers/${a.id}/merge`, { from: 987654321 }), 404, 'unknown from');
    assertFieldError(await post(`/api/v1/customers/${a.id}/merge`, { from: 'x' }), 'from');
  });
});

describe('remarks and follow-ups', () => {
  test('remarks and follow-ups are listed newest first with author', async () => {
    const c = await create({ name: '备注' });
    const r1 = expectStatus(await post(`/api/v1/customers/${c.id}/remarks`, { body: '第一条备注' }), 201);
    const r2 = expectStatus(await post(`/api/v1/customers/${c.id}/remarks`, { body: '电话回访，下周再约', kind: 'follow_up' }), 201);
    assert.equal(r1.kind, 'remark');
    assert.equal(r2.kind, 'follow_up');
    assert.equal(typeof r1.author, 'string');
    assert.ok(r1.author.length > 0);
    assert.equal(typeof r1.author_id, 'number');
    assert.match(r1.created_at, RFC3339);
    const l = expectStatus(await get(`/api/v1/customers/${c.id}/remarks`), 200);
    assert.deepEqual(l.items.map((x) => x.id), [r2.id, r1.id]);
    assert.deepEqual(l.items.map((x) => x.body), ['电话回访，下周再约', '第一条备注']);
    assert.equal(l.next_cursor, null);
    assertFieldError(await post(`/api/v1/customers/${c.id}/remarks`, { body: '' }), 'body');
    assertProblem(await post('/api/v1/customers/987654321/remarks', { body: 'x' }), 404);
  });
});

describe('bulk actions', () => {
  test('bulk tags add and remove', async () => {
    const keep = uniq('keep'); const drop = uniq('drop'); const add = uniq('add');
    const cs = [];
    for (let i = 0; i < 5; i++) cs.push(await create({ name: `批量${i}`, tags: [keep, drop] }));
    const r = expectStatus(await post('/api/v1/customers/bulk/tags', { customer_ids: cs.slice(0, 3).map((c) => c.id), add: [add], remove: [drop] }), 200);
    assert.equal(r.updated, 3);
    assert.deepEqual((await ids(`tag=${add}`)).sort(), cs.slice(0, 3).map((c) => c.id).sort());
    assert.deepEqual((await ids(`tag=${drop}`)).sort(), cs.slice(3).map((c) => c.id).sort());
    assert.equal((await ids(`tag=${keep}`)).length, 5);
    assertFieldError(await post('/api/v1/customers/bulk/tags', { customer_ids: 'all', add: [add] }), 'customer_ids');
  });
  test('bulk transfer to another owner', async () => {
    const op = await makeStaff(api, token, 'guide');
    const t = uniq('xfer');
    const cs = [];
    for (let i = 0; i < 4; i++) cs.push(await create({ name: `转移${i}`, tags: [t] }));
    const r = expectStatus(await post('/api/v1/customers/bulk/transfer', { customer_ids: cs.map((c) => c.id), owner_id: op.staff.id }), 200);
    assert.equal(r.updated, 4);
    for (const c of cs) assert.equal(expectStatus(await get(`/api/v1/customers/${c.id}`), 200).owner_id, op.staff.id);
    assert.deepEqual((await ids(`owner_id=${op.staff.id}&tag=${t}`)).sort(), cs.map((c) => c.id).sort());
    const bad = await post('/api/v1/customers/bulk/transfer', { customer_ids: [cs[0].id], owner_id: 987654321 });
    assert.ok(bad.status === 400 || bad.status === 404, `unknown owner -> ${bad.status}`);
    assertProblem(bad, bad.status);
  });
});

describe('PIPL export and erase', () => {
  test('export contains everything unmasked; erase removes PII but keeps audit', async () => {
    const phone = uniqPhone(); const unionid = uniq('pipl');
    const c = await create({ name: '个人信息', nickname: '隐私', phone, unionid, tags: ['宝妈'] });
    expectStatus(await post(`/api/v1/customers/${c.id}/remarks`, { body: '住在西湖区' }), 201);
    expectStatus(await post('/api/v1/events', { events: [{ customer: { id: c.id }, type: 'form_submitted', key: uniq('pk') }] }), 200);

    const ex = expectStatus(await get(`/api/v1/customers/${c.id}/export`), 200);
    assert.equal(ex.customer.name, '个人信息');
    assert.equal(ex.customer.phone, phone);
    assert.ok(ex.identities.some((x) => x.kind === 'phone' && x.value === phone));
    assert.ok(ex.identities.some((x) => x.kind === 'unionid' && x.value === unionid));
    assert.ok(JSON.stringify(ex.tags).includes('宝妈'));
    assert.ok(ex.remarks.some((x) => x.body === '住在西湖区'));
    assert.equal(ex.events.length, 1);
    assert.ok(Array.isArray(ex.orders));

    const er = expectStatus(await post(`/api/v1/customers/${c.id}/erase`, {}), 200);
    assert.equal(er.erased, true);
    const g = expectStatus(await get(`/api/v1/customers/${c.id}`), 200);
    assert.equal(g.erased, true);
    assert.equal(g.name, '');
    assert.ok(g.nickname === '' || g.nickname === null, 'nickname gone');
    assert.equal(g.phone, null);
    assert.deepEqual(g.identities, []);
    const text = JSON.stringify(g);
    assert.ok(!text.includes(phone) && !text.includes('个人信息') && !text.includes(unionid), 'no PII left in the customer');
    const rm = expectStatus(await get(`/api/v1/customers/${c.id}/remarks`), 200);
    assert.deepEqual(rm.items, []);
    assert.deepEqual(await ids(`phone=${phone}`), []);
    assert.deepEqual(await ids(`unionid=${unionid}`), []);
    assert.ok(!(await ids(`q=${encodeURIComponent('个人信息')}`)).includes(c.id));
    assert.ok(!(await ids(`q=${encodeURIComponent('西湖区')}`)).includes(c.id));
    const ex2 = expectStatus(await get(`/api/v1/customers/${c.id}/export`), 200);
    assert.ok(!JSON.stringify(ex2).includes(phone) && !JSON.stringify(ex2).includes('个人信息'));

    const au = expectStatus(await get(`/api/v1/audit?entity_id=${c.id}&limit=200`), 200);
    const mine = au.items.filter((x) => /customer/.test(x.entity) && x.entity_id === c.id);
    assert.ok(mine.length >= 2, `audit entries for create and erase kept: ${JSON.stringify(au.items).slice(0, 300)}`);
    assert.ok(mine.some((x) => /erase/.test(x.action)), 'an erase audit entry');
    assert.ok(!JSON.stringify(mine).includes(phone), 'the audit trail does not keep the erased phone');
    // the phone is free again for a new customer
    const n = await create({ name: '新人', phone });
    assert.equal(n.phone, phone);
  });
});

describe('tags and tag groups', () => {
  test('tags CRUD', async () => {
    const name = uniq('标签');
    const t = expectStatus(await post('/api/v1/tags', { name }), 201);
    assert.equal(t.name, name);
    assert.equal(typeof t.id, 'number');
    assertProblem(await post('/api/v1/tags', { name }), 409, 'duplicate tag');
    const c = await create({ name: '有标签', tags: [name] });
    let l = expectStatus(await get('/api/v1/tags'), 200);
    assert.equal(l.items.find((x) => x.id === t.id).customer_count, 1);
    const renamed = `${name}改`;
    const p = expectStatus(await patch(`/api/v1/tags/${t.id}`, { name: renamed }), 200);
    assert.equal(p.name, renamed);
    assert.deepEqual(expectStatus(await get(`/api/v1/customers/${c.id}`), 200).tags, [renamed]);
    assert.deepEqual(await ids(`tag=${encodeURIComponent(renamed)}`), [c.id]);
    assert.equal((await del(`/api/v1/tags/${t.id}`)).status, 204);
    assert.deepEqual(expectStatus(await get(`/api/v1/customers/${c.id}`), 200).tags, []);
    l = expectStatus(await get('/api/v1/tags'), 200);
    assert.ok(!l.items.some((x) => x.id === t.id));
    assertProblem(await del(`/api/v1/tags/${t.id}`), 404);
    assertProblem(await patch(`/api/v1/tags/${t.id}`, { name: 'x' }), 404);
  });
  test('tag groups: create, tags in group, rename, delete keeps tags ungrouped', async () => {
    const gname = uniq('人群');
    const g = expectStatus(await post('/api/v1/tag-groups', { name: gname }), 201);
    assert.equal(g.name, gname);
    const t = expectStatus(await post('/api/v1/tags', { name: uniq('组内'), group_id: g.id }), 201);
    assert.equal(t.group_id, g.id);
    const t2 = expectStatus(await post('/api/v1/tags', { name: uniq('后加') }), 201);
    const moved = expectStatus(await patch(`/api/v1/tags/${t2.id}`, { group_id: g.id }), 200);
    assert.equal(moved.group_id, g.id);
    await create({ name: '组员', tags: [t.name] });
    let gl = expectStatus(await get('/api/v1/tag-groups'), 200);
    let gg = gl.items.find((x) => x.id === g.id);
    assert.ok(gg, 'group listed');
    assert.deepEqual(gg.tags.map((x) => x.id).sort(), [t.id, t2.id].sort());
    assert.equal(gg.tags.find((x) => x.id === t.id).customer_count, 1);
    assertProblem(await post('/api/v1/tag-groups', { name: gname }), 409, 'duplicate group name');
    assertProblem(await patch(`/api/v1/tags/${t2.id}`, { name: t.name }), 409, 'rename a tag onto an existing name');
    const rn = expectStatus(await patch(`/api/v1/tag-groups/${g.id}`, { name: `${gname}2` }), 200);
    assert.equal(rn.name, `${gname}2`);
    assert.equal((await del(`/api/v1/tag-groups/${g.id}`)).status, 204);
    gl = expectStatus(await get('/api/v1/tag-groups'), 200);
    gg = gl.items.find((x) => x.id === g.id);
    assert.equal(gg, undefined);
    const tl = expectStatus(await get('/api/v1/tags'), 200);
    const kept = tl.items.find((x) => x.id === t.id);
    assert.ok(kept, 'tag kept');
    assert.equal(kept.group_id, null);
    assert.equal(kept.customer_count, 1);
    const bad = await post('/api/v1/tags', { name: uniq('x'), group_id: 987654321 });
    assert.ok(bad.status === 400 || bad.status === 404, `unknown group -> ${bad.status}`);
    assertProblem(bad, bad.status);
  });
});

describe('edge cases', () => {
  test('concurrent creates with the same phone: exactly one wins, the rest 409', async () => {
    const phone = uniqPhone();
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => post('/api/v1/customers', { name: `抢${i}`, phone })));
    const codes = rs.map((r) => r.status);
    assert.equal(codes.filter((c) => c === 201).length, 1, `codes ${codes}`);
    assert.equal(codes.filter((c) => c === 409).length, 19, `codes ${codes}`);
    assert.equal((await ids(`phone=${phone}`)).length, 1);
  });
  test('concurrent events with the same key are stored once', async () => {
    const c = await create({ name: '并发键' });
    const key = uniq('ck');
    const rs = await Promise.all(Array.from({ length: 10 }, () => post('/api/v1/events', { events: [{ customer: { id: c.id }, type: 'checkin', key }] })));
    assert.ok(rs.every((r) => r.status === 200), rs.map((r) => r.status).join());
    assert.equal(rs.reduce((n, r) => n + r.json.accepted, 0), 1);
    assert.equal(rs.reduce((n, r) => n + r.json.duplicates, 0), 9);
    assert.equal(expectStatus(await get(`/api/v1/customers/${c.id}/events`), 200).items.length, 1);
  });
  test('merge chains resolve to the final survivor', async () => {
    const a = await create({ name: '链甲' });
    const b = await create({ name: '链乙' });
    const c = await create({ name: '链丙' });
    expectStatus(await post(`/api/v1/customers/${b.id}/merge`, { from: a.id }), 200);
    expectStatus(await post(`/api/v1/customers/${c.id}/merge`, { from: b.id }), 200);
    assert.equal(expectStatus(await get(`/api/v1/customers/${a.id}`), 200).id, c.id);
    assert.equal(expectStatus(await get(`/api/v1/customers/${b.id}`), 200).id, c.id);
  });
  test('emoji and 4-byte characters in names and search', async () => {
    const t = uniq('emo');
    const c = await create({ name: '小鱼🐟𠮷', tags: [t] });
    assert.equal(c.name, '小鱼🐟𠮷');
    assert.deepEqual(await ids(`q=${encodeURIComponent('🐟')}&tag=${t}`), [c.id]);
    assert.deepEqual(await ids(`q=${encodeURIComponent('𠮷')}&tag=${t}`), [c.id]);
    assert.deepEqual(await ids(`q=${encodeURIComponent('鱼🐟')}&tag=${t}`), [c.id]);
  });
  test('tag names with slash, plus, space and percent work through the URL-encoded path', async () => {
    const broken = [];
    for (const tag of ['a+b', '两 个', '100%', '会员/金卡', '问号?井号#']) {
      const c = await create({ name: '路径标签', tags: [tag] });
      assert.ok((await ids(`tag=${encodeURIComponent(tag)}`)).includes(c.id), `filter ${tag}`);
      const d = await del(`/api/v1/customers/${c.id}/tags/${encodeURIComponent(tag)}`);
      if (d.status !== 200 || d.json.tags.length !== 0) broken.push(`${tag}: ${d.status} ${d.text.slice(0, 120)}`);
    }
    assert.deepEqual(broken, [], 'every tag name can be removed through its URL-encoded path');
  });
  test('search results paginate without duplicates', async () => {
    const t = uniq('sp');
    const made = [];
    for (let i = 0; i < 23; i++) made.push((await create({ name: `分页搜索${t}${i}` })).id);
    const all = await listAll(api, `/api/v1/customers?q=${encodeURIComponent(`分页搜索${t}`)}`, token, { limit: 5 });
    assert.deepEqual(all.items.map((x) => x.id), [...made].sort((a, b) => b - a));
  });
});

describe('no server errors', () => {
  test('no 5xx in this file', () => { assert.deepEqual(serverErrors(), []); });
});
