// Authentication: login, back-off, /me, logout, API tokens with scopes, revocation and expiry, bad bearers.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, assertFieldError, expectStatus, serverErrors, makeStaff, uniq } from '../lib/client.mjs';

const ALL = ['customers.read', 'customers.write', 'pii.read', 'tags.write', 'events.write', 'staff.read',
  'staff.write', 'audit.read', 'tokens.write', 'import.run', 'stores.write', 'tags.manage', 'segments.read', 'segments.write',
  'commerce.read', 'commerce.write', 'orders.write', 'points.write'];
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let srv, api, token;
before(async () => {
  srv = await startServer({ name: 'auth' });
  ({ api } = client(srv.baseUrl));
  token = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

describe('login', () => {
  test('good credentials -> 200 with token, expiry and staff', async () => {
    const r = await api('POST', '/api/v1/auth/login', { body: { username: 'admin', password: srv.adminPassword } });
    expectStatus(r, 200);
    assert.equal(typeof r.json.token, 'string');
    assert.ok(r.json.token.length >= 20, 'token has enough entropy');
    assert.match(r.json.expires_at, RFC3339);
    assert.ok(Date.parse(r.json.expires_at) > Date.now());
    assert.equal(r.json.user.username, 'admin');
    assert.equal(r.json.user.role, 'owner');
    assert.equal(r.json.user.active, true);
    assert.equal(typeof r.json.user.id, 'number');
    assert.ok(!('password' in r.json.user) && !('password_hash' in r.json.user), 'no password material');
    assert.ok(!r.text.includes(srv.adminPassword));
  });
  test('two logins give two different tokens', async () => {
    const a = await client(srv.baseUrl).login('admin', srv.adminPassword);
    const b = await client(srv.baseUrl).login('admin', srv.adminPassword);
    assert.notEqual(a, b);
  });
  test('bad password, unknown user, empty password -> 401 problem+json', async () => {
    const s = await makeStaff(api, token, 'editor');
    assertProblem(await api('POST', '/api/v1/auth/login', { body: { username: s.username, password: 'wrong-password' } }), 401);
    assertProblem(await api('POST', '/api/v1/auth/login', { body: { username: uniq('nobody'), password: 'whatever1' } }), 401);
    const empty = await api('POST', '/api/v1/auth/login', { body: { username: s.username, password: '' } });
    assert.ok(empty.status === 401 || empty.status === 400, `empty password -> ${empty.status}`);
    assertProblem(empty, empty.status);
  });
  test('missing fields -> 400', async () => {
    assertFieldError(await api('POST', '/api/v1/auth/login', { body: { username: 'admin' } }), 'password');
    assertFieldError(await api('POST', '/api/v1/auth/login', { body: { password: 'x' } }), 'username');
  });
  test('back-off: 5 failed logins for one username -> 429 with Retry-After, even with the right password; other users unaffected', async () => {
    const victim = await makeStaff(api, token, 'operator');
    const bystander = await makeStaff(api, token, 'operator');
    for (let i = 0; i < 5; i++) {
      const r = await api('POST', '/api/v1/auth/login', { body: { username: victim.username, password: `bad-${i}-password` } });
      assertProblem(r, 401, `failure ${i + 1}`);
    }
    const locked = await api('POST', '/api/v1/auth/login', { body: { username: victim.username, password: 'bad-again-pw' } });
    assertProblem(locked, 429, 'sixth attempt');
    const ra = locked.headers.get('retry-after');
    assert.ok(ra !== null, 'Retry-After header');
    assert.ok(/^\d+$/.test(ra) && Number(ra) > 0 && Number(ra) <= 15 * 60, `Retry-After "${ra}" is seconds within 15 minutes`);
    const right = await api('POST', '/api/v1/auth/login', { body: { username: victim.username, password: victim.password } });
    assertProblem(right, 429, 'correct password during back-off');
    assert.ok(right.headers.get('retry-after'));
    const other = await api('POST', '/api/v1/auth/login', { body: { username: bystander.username, password: bystander.password } });
    expectStatus(other, 200, 'another username is not locked');
    // the session the victim already had keeps working
    expectStatus(await api('GET', '/api/v1/me', { token: victim.token }), 200);
  });
  test('inactive staff cannot log in and their sessions stop working', async () => {
    const s = await makeStaff(api, token, 'service');
    expectStatus(await api('PATCH', `/api/v1/staff/${s.staff.id}`, { token, body: { active: false } }), 200);
    assertProblem(await api('POST', '/api/v1/auth/login', { body: { username: s.username, password: s.password } }), 401);
    assertProblem(await api('GET', '/api/v1/me', { token: s.token }), 401);
  });
});

describe('/me and logout', () => {
  test('/me returns the user and the permissions of the role', async () => {
    const me = expectStatus(await api('GET', '/api/v1/me', { token }), 200);
    assert.equal(me.user.username, 'admin');
    assert.deepEqual([...me.permissions].sort(), [...ALL].sort());
    const expect = {
      operator: ['customers.read', 'customers.write', 'tags.write', 'events.write', 'staff.read', 'import.run', 'tags.manage',
        'segments.read', 'segments.write', 'commerce.read', 'commerce.write', 'orders.write', 'points.write'],
      editor: ['customers.read', 'tags.write', 'segments.read'],
      guide: ['customers.read', 'customers.write', 'tags.write', 'events.write', 'segments.read', 'orders.write'],
      service: ['customers.read', 'customers.write', 'tags.write', 'segments.read', 'commerce.read', 'orders.write', 'points.write'],
      analyst: ['customers.read', 'staff.read', 'audit.read', 'segments.read', 'commerce.read'],
      admin: ALL,
    };
    for (const [role, perms] of Object.entries(expect)) {
      const s = await makeStaff(api, token, role);
      const m = expectStatus(await api('GET', '/api/v1/me', { token: s.token }), 200, role);
      assert.equal(m.user.role, role);
      assert.deepEqual([...m.permissions].sort(), [...perms].sort(), `permissions of ${role}`);
    }
  });
  test('logout -> 204 and revokes only that session', async () => {
    const t1 = await client(srv.baseUrl).login('admin', srv.adminPassword);
    const t2 = await client(srv.baseUrl).login('admin', srv.adminPassword);
    const r = await api('POST', '/api/v1/auth/logout', { token: t1 });
    assert.equal(r.status, 204, r.text);
    assertProblem(await api('GET', '/api/v1/me', { token: t1 }), 401);
    assertProblem(await api('GET', '/api/v1/customers', { token: t1 }), 401);
    expectStatus(await api('GET', '/api/v1/me', { token: t2 }), 200);
  });
});

describe('bearer handling', () => {
  test('missing, garbage and malformed Authorization -> 401 problem+json', async () => {
    for (const p of ['/api/v1/me', '/api/v1/customers', '/api/v1/tags']) assertProblem(await api('GET', p), 401, `${p} no token`);
    assertProblem(await api('POST', '/api/v1/customers', { body: { name: 'x' } }), 401, 'write without token');
    const variants = ['garbage', 'Bearer', 'Bearer ', `Basic ${Buffer.from(`admin:${srv.adminPassword}`).toString('base64')}`,
      `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `bearer${token}`, 'Bearer \' OR 1=1 --', `Bearer ${'a'.repeat(5000)}`];
    for (const v of variants) {
      const r = await api('GET', '/api/v1/me', { headers: { Authorization: v } });
      assertProblem(r, 401, `Authorization: ${v.slice(0, 40)}`);
    }
  });
  test('ops endpoints need no token', async () => {
    assert.equal((await api('GET', '/healthz')).status, 200);
    assert.equal((await api('GET', '/readyz')).status, 200);
    assert.equal((await api('GET', '/metrics')).status, 200);
  });
});

describe('API tokens', () => {
  test('create with scopes, use within scope, forbidden outside scope, list never shows the secret, revoke -> 401', async () => {
    const r = await api('POST', '/api/v1/tokens', { token, body: { name: '同步脚本', scopes: ['customers.read', 'events.write'], ttl_days: 30 } });
    expectStatus(r, 201);
    const t = r.json;
    assert.equal(typeof t.id, 'number');
    assert.equal(typeof t.token, 'string');
    assert.equal(t.name, '同步脚本');
    assert.deepEqual([...t.scopes].sort(), ['customers.read', 'events.write']);
    assert.match(t.expires_at, RFC3339);
    const days = (Date.parse(t.expires_at) - Date.now()) / 86400000;
    assert.ok(days > 29 && days < 31, `expires in ~30 days (${days})`);

    expectStatus(await api('GET', '/api/v1/customers', { token: t.token }), 200, 'scoped read');
    const ev = await api('POST', '/api/v1/events', { token: t.token, body: { events: [{ customer: { external_userid: uniq('tk') }, type: 'checkin' }] } });
    expectStatus(ev, 200, 'scoped events.write');
    assertProblem(await api('POST', '/api/v1/customers', { token: t.token, body: { name: '越权' } }), 403, 'customers.write not in scope');
    assertProblem(await api('GET', '/api/v1/staff', { token: t.token }), 403, 'staff.read not in scope');
    assertProblem(await api('POST', '/api/v1/tokens', { token: t.token, body: { name: 'x', scopes: ['customers.read'] } }), 403, 'tokens.write not in scope');
    const me = await api('GET', '/api/v1/me', { token: t.token });
    if (me.status === 200) assert.deepEqual([...me.json.permissions].sort(), ['customers.read', 'events.write'], '/me with a token shows its scopes');

    const l = expectStatus(await api('GET', '/api/v1/tokens', { token }), 200);
    const item = l.items.find((x) => x.id === t.id);
    assert.ok(item, 'token listed');
    assert.equal(item.name, '同步脚本');
    assert.equal(item.revoked_at, null);
    assert.match(item.created_at, RFC3339);
    assert.ok(!JSON.stringify(l).includes(t.token), 'the secret is never listed');

    const d = await api('DELETE', `/api/v1/tokens/${t.id}`, { token });
    assert.equal(d.status, 204, d.text);
    assertProblem(await api('GET', '/api/v1/customers', { token: t.token }), 401, 'revoked token');
    const l2 = expectStatus(await api('GET', '/api/v1/tokens', { token }), 200);
    assert.match(l2.items.find((x) => x.id === t.id).revoked_at, RFC3339);
    assertProblem(await api('DELETE', '/api/v1/tokens/987654321', { token }), 404);
  });
  test('scopes must be a subset of the caller\'s permissions', async () => {
    const op = await makeStaff(api, token, 'operator');
    // operator lacks tokens.write in the role table, so creating a token at all is forbidden
    assertProblem(await api('POST', '/api/v1/tokens', { token: op.token, body: { name: 'x', scopes: ['customers.read'] } }), 403);
    const adm = await makeStaff(api, token, 'admin');
    expectStatus(await api('POST', '/api/v1/tokens', { token: adm.token, body: { name: 'all', scopes: ALL, ttl_days: 1 } }), 201);
    // a scoped token with tokens.write cannot mint a wider token
    const narrow = expectStatus(await api('POST', '/api/v1/tokens', { token, body: { name: 'narrow', scopes: ['tokens.write', 'customers.read'], ttl_days: 1 } }), 201);
    assertFieldError(await api('POST', '/api/v1/tokens', { token: narrow.token, body: { name: 'wider', scopes: ['customers.read', 'pii.read'] } }), 'scopes');
    expectStatus(await api('POST', '/api/v1/tokens', { token: narrow.token, body: { name: 'same', scopes: ['customers.read'] } }), 201);
    assertFieldError(await api('POST', '/api/v1/tokens', { token, body: { name: 'bogus', scopes: ['customers.read', 'root'] } }), 'scopes');
    assertFieldError(await api('POST', '/api/v1/tokens', { token, body: { name: 'bad', scopes: 'customers.read' } }), 'scopes');
    assertFieldError(await api('POST', '/api/v1/tokens', { token, body: { name: 'neg', scopes: ['customers.read'], ttl_days: -1 } }), 'ttl_days');
  });
  test('a token is limited by its owner: deactivating the owner kills the token', async () => {
    const adm = await makeStaff(api, token, 'admin');
    const t = expectStatus(await api('POST', '/api/v1/tokens', { token: adm.token, body: { name: 'owner-bound', scopes: ['customers.read'] } }), 201);
    expectStatus(await api('GET', '/api/v1/customers', { token: t.token }), 200);
    expectStatus(await api('PATCH', `/api/v1/staff/${adm.staff.id}`, { token, body: { active: false } }), 200);
    assertProblem(await api('GET', '/api/v1/customers', { token: t.token }), 401);
  });
  test('expired token -> 401 (token created with ttl_days 0 is already expired, or CLI --ttl-days 0)', async () => {
    const r = await api('POST', '/api/v1/tokens', { token, body: { name: 'zero', scopes: ['customers.read'], ttl_days: 0 } });
    if (r.status === 201) {
      assert.ok(Date.parse(r.json.expires_at) <= Date.now() + 1000, 'ttl_days 0 expires immediately');
      assertProblem(await api('GET', '/api/v1/customers', { token: r.json.token }), 401, 'expired');
    } else {
      assertFieldError(r, 'ttl_days');
    }
  });
});

describe('no server errors', () => {
  test('no 5xx in this file', () => { assert.deepEqual(serverErrors(), []); });
});

describe('tokens across instances', () => {
  test('a token revoked on one instance stops working on another within a second', async () => {
    const twin = await startServer({ name: 'auth-twin', shareWith: srv });
    try {
      const b = client(twin.baseUrl);
      const admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
      const minted = await api('POST', '/api/v1/tokens', { token: admin, body: { name: uniq('tmp'), scopes: ['customers.read'] } });
      expectStatus(minted, 201);
      const t = minted.json.token;
      expectStatus(await b.api('GET', '/api/v1/me', { token: t }), 200); // resolved (and remembered) on the twin
      expectStatus(await api('DELETE', `/api/v1/tokens/${minted.json.id}`, { token: admin }), 204);
      assertProblem(await api('GET', '/api/v1/me', { token: t }), 401, 'at once where it was revoked');
      const t0 = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - t0 < 3000) {
        status = (await b.api('GET', '/api/v1/me', { token: t })).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(status, 401);
      assert.ok(Date.now() - t0 <= 1500, `took ${Date.now() - t0} ms`);
    } finally {
      await twin.stop();
    }
  });
});
