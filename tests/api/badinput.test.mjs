// Hostile and malformed input: bad JSON, wrong types, oversized and non-UTF-8 bodies, SQL metacharacters, bad routes.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, assertFieldError, expectStatus, rawHttp, serverErrors, uniq, uniqPhone } from '../lib/client.mjs';

const META = [`'; DROP TABLE customers; --`, `" OR 1=1 --`, `%_\\`];

let srv, api, token;

before(async () => {
  srv = await startServer({ name: 'badinput' });
  ({ api } = client(srv.baseUrl));
  token = await client(srv.baseUrl).login('admin', srv.adminPassword);
});

after(async () => { if (srv) await srv.stop(); });

function post(path, body, extra = {}) { return api('POST', path, { token, body, ...extra }); }
function raw(method, path, data, contentType = 'application/json', extra = {}) {
  const headers = { ...(extra.headers || {}) };
  if (contentType !== null) headers['Content-Type'] = contentType;
  return api(method, path, { token, raw: data, headers });
}

describe('malformed JSON', () => {
  const bodies = [
    '{', '{"name":}', '{"name":"a",}', '[', "{'name':'a'}", '{"name":"a"} trailing', 'NaN', '{"name": NaN}',
    '{"name":"a"', '"just a string', '{"name":"\\x41"}', '{"name":"a"}}', '\u0000', 'nul', '{"name":tru}',
  ];
  for (const b of bodies) {
    test(`POST /customers with ${JSON.stringify(b)} -> 400`, async () => {
      const r = await raw('POST', '/api/v1/customers', b);
      assertProblem(r, 400);
    });
  }
  test('empty body on a JSON route -> 400', async () => {
    const r = await raw('POST', '/api/v1/customers', '');
    assertProblem(r, 400);
  });
  test('JSON that is not an object (array, number, null) -> 400', async () => {
    for (const b of ['[]', '[{"name":"a"}]', '42', 'null', '"name"']) {
      const r = await raw('POST', '/api/v1/customers', b);
      assertProblem(r, 400, b);
    }
  });
  test('malformed JSON on login, events, tags, remarks -> 400', async () => {
    const c = expectStatus(await post('/api/v1/customers', { name: '坏输入' }), 201);
    for (const p of ['/api/v1/auth/login', '/api/v1/events', '/api/v1/tags', `/api/v1/customers/${c.id}/remarks`, '/api/v1/tokens', '/api/v1/staff']) {
      const r = await raw('POST', p, '{"x":');
      assertProblem(r, 400, p);
    }
    const r = await raw('PATCH', `/api/v1/customers/${c.id}`, '{"name":');
    assertProblem(r, 400, 'PATCH');
  });
  test('deeply nested JSON is rejected without crashing', async () => {
    const depth = 100000;
    const r = await raw('POST', '/api/v1/customers', `{"name":"a","nickname":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    assert.ok(r.status === 400 || r.status === 413, `status ${r.status}`);
    assertProblem(r, r.status);
    const h = await api('GET', '/healthz');
    assert.equal(h.status, 200);
  });
});

describe('wrong types and validation', () => {
  const cases = [
    [{ name: 123 }, 'name'],
    [{ name: null }, 'name'],
    [{ name: ['王'] }, 'name'],
    [{ name: { a: 1 } }, 'name'],
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(65) }, 'name'],
    [{ name: '鱼'.repeat(65) }, 'name'],
    [{ name: 'ok', nickname: 5 }, 'nickname'],
    [{ name: 'ok', member_level: 'high' }, 'member_level'],
    [{ name: 'ok', member_level: 1.5 }, 'member_level'],
    [{ name: 'ok', member_level: 1e400 }, 'member_level'],
    [{ name: 'ok', points: '100' }, 'points'],
    [{ name: 'ok', points: 99999999999999999999999 }, 'points'],
    [{ name: 'ok', gender: 'robot' }, 'gender'],
    [{ name: 'ok', gender: 1 }, 'gender'],
    [{ name: 'ok', birthday: '2020-13-40' }, 'birthday'],
    [{ name: 'ok', birthday: 'yesterday' }, 'birthday'],
    [{ name: 'ok', birthday: 20200101 }, 'birthday'],
    [{ name: 'ok', lifecycle_stage: 'vip' }, 'lifecycle_stage'],
    [{ name: 'ok', avatar_url: 'javascript:alert(1)' }, 'avatar_url'],
    [{ name: 'ok', avatar_url: 'ftp://x.test/a.png' }, 'avatar_url'],
    [{ name: 'ok', avatar_url: 42 }, 'avatar_url'],
    [{ name: 'ok', tags: '宝妈' }, 'tags'],
    [{ name: 'ok', tags: [1, 2] }, 'tags'],
    [{ name: 'ok', buyer_ids: 'x' }, 'buyer_ids'],
    [{ name: 'ok', buyer_ids: [{ platform: 5, id: 'a' }] }, 'buyer_ids'],
    [{ name: 'ok', store_id: 'one' }, 'store_id'],
    [{ name: 'ok', owner_id: true }, 'owner_id'],
    [{ name: 'ok', unionid: 12345 }, 'unionid'],
  ];
  for (const [body, field] of cases) {
    const label = JSON.stringify(body).slice(0, 80);
    test(`POST /customers ${label} -> 400 naming ${field}`, async () => {
      const text = body.member_level === 1e400 ? '{"name":"ok","member_level":1e400}'
        : body.points === 99999999999999999999999 ? '{"name":"ok","points":99999999999999999999999}'
          : JSON.stringify(body);
      const r = await raw('POST', '/api/v1/customers', text);
      assertFieldError(r, field);
    });
  }
  test('name of exactly 64 Chinese characters is accepted (length counts characters, not bytes)', async () => {
    const r = await post('/api/v1/customers', { name: '鱼'.repeat(64) });
    expectStatus(r, 201);
    assert.equal(r.json.name, '鱼'.repeat(64));
  });
  test('PATCH with wrong types -> 400 naming the field', async () => {
    const c = expectStatus(await post('/api/v1/customers', { name: '补丁' }), 201);
    assertFieldError(await api('PATCH', `/api/v1/customers/${c.id}`, { token, body: { name: 123 } }), 'name');
    assertFieldError(await api('PATCH', `/api/v1/customers/${c.id}`, { token, body: { points: 'many' } }), 'points');
    assertFieldError(await api('PATCH', `/api/v1/customers/${c.id}`, { token, body: { consent: { marketing: 'maybe' } } }), 'consent.marketing');
    const g = expectStatus(await api('GET', `/api/v1/customers/${c.id}`, { token }), 200);
    assert.equal(g.name, '补丁', 'failed PATCH must not change anything');
  });
  test('login with wrong types -> 400', async () => {
    const r = await api('POST', '/api/v1/auth/login', { body: { username: 123, password: 'x' } });
    assertFieldError(r, 'username');
    const r2 = await api('POST', '/api/v1/auth/login', { body: { username: 'admin', password: ['x'] } });
    assertFieldError(r2, 'password');
  });
  test('events with wrong top-level types -> 400', async () => {
    assertFieldError(await post('/api/v1/events', { events: 'nope' }), 'events');
    assertFieldError(await post('/api/v1/events', { events: [] }), 'events');
    assertFieldError(await post('/api/v1/events', {}), 'events');
  });
  test('tag and remark validation', async () => {
    assertFieldError(await post('/api/v1/tags', { name: 7 }), 'name');
    assertFieldError(await post('/api/v1/tags', { name: '' }), 'name');
    const c = expectStatus(await post('/api/v1/customers', { name: '备注类型' }), 201);
    assertFieldError(await post(`/api/v1/customers/${c.id}/remarks`, { body: 99 }), 'body');
    assertFieldError(await post(`/api/v1/customers/${c.id}/remarks`, { body: '好', kind: 'shout' }), 'kind');
  });
  test('NUL and control characters in strings: rejected naming the field, or stored verbatim', async () => {
    for (const name of ['a\u0000b', 'tab\there\nline\u001f', 'bell\u0007']) {
      const r = await post('/api/v1/customers', { name });
      assert.ok(r.status === 201 || r.status === 400, `status ${r.status}`);
      if (r.status === 400) {
        assertProblem(r, 400);
        const fields = (r.json.errors || []).map((e) => e.field);
        assert.ok(fields.includes('name') || fields.includes('body'), `errors name the field or the body: ${fields}`);
        continue;
      }
      const g = expectStatus(await api('GET', `/api/v1/customers/${r.json.id}`, { token }), 200);
      assert.equal(g.name, name, 'accepted control characters must be returned verbatim (not truncated)');
    }
  });
  test('lone surrogate escapes never cause a 500', async () => {
    const r = await raw('POST', '/api/v1/customers', '{"name":"x\\ud800y"}');
    assert.ok(r.status === 201 || r.status === 400, `status ${r.status}`);
  });
  test('list parameters out of range -> 400, garbage cursor -> 400', async () => {
    assertProblem(await api('GET', '/api/v1/customers?limit=0', { token }), 400, 'limit=0');
    assertProblem(await api('GET', '/api/v1/customers?limit=abc', { token }), 400, 'limit=abc');
    assertProblem(await api('GET', '/api/v1/customers?limit=-5', { token }), 400, 'limit=-5');
    const big = await api('GET', '/api/v1/customers?limit=201', { token });
    assert.ok(big.status === 400 || (big.status === 200 && big.json.items.length <= 200), `limit=201 -> ${big.status}`);
    assertProblem(await api('GET', '/api/v1/customers?cursor=%27%3B%20DROP%20TABLE%20customers%3B--', { token }), 400, 'cursor');
    assertProblem(await api('GET', '/api/v1/customers?cursor=zzzz', { token }), 400, 'cursor');
  });
});

describe('body size, encoding and content type', () => {
  test('body over 1 MiB -> 413', async () => {
    const body = JSON.stringify({ name: 'big', nickname: 'x'.repeat(1024 * 1024 + 100) });
    const r = await raw('POST', '/api/v1/customers', body);
    assertProblem(r, 413);
  });
  test('events batches may exceed 1 MiB but a body over 16 MiB -> 413', { timeout: 120000 }, async () => {
    const events = [];
    for (let i = 0; i < 9000; i++) events.push({ customer: { external_userid: `big-${i}` }, type: 'checkin', properties: { pad: 'y'.repeat(1900) } });
    const body = JSON.stringify({ events });
    assert.ok(body.length > 16 * 1024 * 1024);
    // refused from the head alone: a client that waits for "100 Continue" never sends the body
    const head = await rawHttp(srv.baseUrl, ['POST /api/v1/events HTTP/1.1', `Host: ${new URL(srv.baseUrl).host}`,
      'Content-Type: application/json', `Authorization: Bearer ${token}`, `Content-Length: ${Buffer.byteLength(body)}`,
      'Expect: 100-continue'].join('\r\n'));
    assert.equal(head.status, 413, head.text);
    assert.doesNotMatch(head.text, /100 Continue/);
  });
  test('chunked body over 1 MiB (no Content-Length) -> 413', async () => {
    const http = await import('node:http');
    const u = new URL(`${srv.baseUrl}/api/v1/customers`);
    const status = await new Promise((resolve, reject) => {
      const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('error', reject);
      req.setTimeout(30000, () => req.destroy(new Error('timeout')));
      req.write('{"name":"chunked","nickname":"');
      const chunk = 'z'.repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 20) {
          sent += 1;
          if (!req.write(chunk)) { req.once('drain', pump); return; }
        }
        req.end('"}');
      };
      pump();
    }).catch((e) => `error: ${e.message}`);
    assert.equal(status, 413);
  });
  test('very long URL and query string -> 4xx, not a crash', async () => {
    const r = await api('GET', `/api/v1/customers?q=${'长'.repeat(20000)}`, { token });
    assert.ok(r.status >= 400 && r.status < 500 || r.status === 200, `status ${r.status}`);
    const r2 = await api('GET', `/api/v1/${'x'.repeat(100000)}`, { token });
    assert.ok(r2.status >= 400 && r2.status < 500, `status ${r2.status}`);
    assert.equal((await api('GET', '/healthz')).status, 200);
  });
  test('invalid UTF-8 in a JSON body -> 400', async () => {
    const variants = [
      Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
      Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),          // overlong '/'
      Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xe4, 0xb8]), Buffer.from('"}')]),          // truncated 3-byte seq
      Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),    // encoded surrogate
      Buffer.concat([Buffer.from('{"name":"ok","city":"'), Buffer.from([0x80]), Buffer.from('"}')]),    // lone continuation
    ];
    for (const v of variants) {
      const r = await raw('POST', '/api/v1/customers', v);
      assertProblem(r, 400, v.toString('hex'));
    }
  });
  test('wrong content type on a JSON route -> 415', async () => {
    const body = JSON.stringify({ name: '类型' });
    assertProblem(await raw('POST', '/api/v1/customers', body, 'text/plain'), 415, 'text/plain');
    assertProblem(await raw('POST', '/api/v1/customers', body, 'application/x-www-form-urlencoded'), 415, 'form');
    assertProblem(await raw('POST', '/api/v1/customers', body, 'text/csv'), 415, 'csv');
    assertProblem(await raw('POST', '/api/v1/customers', Buffer.from(body), null), 415, 'none');
    assertProblem(await raw('POST', '/api/v1/auth/login', JSON.stringify({ username: 'admin', password: srv.adminPassword }), 'text/plain'), 415, 'login');
  });
  test('application/json with charset parameter is accepted', async () => {
    const r = await raw('POST', '/api/v1/customers', JSON.stringify({ name: '字符集' }), 'application/json; charset=utf-8');
    expectStatus(r, 201);
  });
});

describe('SQL metacharacters are data', () => {
  for (const [i, m] of META.entries()) {
    test(`customer fields, identities, tags, remarks and search with ${JSON.stringify(m)}`, async () => {
      const tag = `${m}标签${i}`;
      const body = {
        name: `${m}名${i}`,
        nickname: `${m}昵称`,
        city: `${m}城`,
        avatar_url: `https://img.example.com/a.png?q=${encodeURIComponent(m)}`,
        buyer_ids: [{ platform: 'tmall', id: `${m}buyer${i}${uniq()}` }],
        tags: [tag],
      };
      const r = await post('/api/v1/customers', body);
      expectStatus(r, 201);
      const c = r.json;
      for (const k of ['name', 'nickname', 'city', 'avatar_url']) assert.equal(c[k], body[k], k);
      assert.deepEqual(c.tags, [tag]);
      const idv = (cust, kind) => (cust.identities.find((x) => x.kind === kind) || {}).value;
      assert.equal(idv(c, 'buyer'), body.buyer_ids[0].id);

      const g = expectStatus(await api('GET', `/api/v1/customers/${c.id}`, { token }), 200);
      for (const k of ['name', 'nickname', 'city', 'avatar_url']) assert.equal(g[k], body[k], `GET ${k}`);

      // identity values: may be restricted to a safe alphabet (400 naming the field); if accepted, verbatim and exactly findable
      for (const k of ['unionid', 'openid', 'external_userid']) {
        const v = `${m}${k}${i}${uniq()}`;
        const ir = await post('/api/v1/customers', { name: `${k}-${i}`, [k]: v });
        assert.ok(ir.status === 201 || ir.status === 400, `${k}: status ${ir.status}`);
        if (ir.status === 400) assertFieldError(ir, k);
        else assert.equal(idv(ir.json, k), v, `${k} verbatim`);
        const l = await api('GET', `/api/v1/customers?${k}=${encodeURIComponent(v)}`, { token });
        assert.ok(l.status === 200 || l.status === 400, `lookup by ${k}: ${l.status}`);
        if (l.status === 200) assert.deepEqual(l.json.items.map((x) => x.id), ir.status === 201 ? [ir.json.id] : [], `lookup by ${k}`);
      }
      // substring search
      const s = expectStatus(await api('GET', `/api/v1/customers?q=${encodeURIComponent(`${m}名${i}`)}`, { token }), 200);
      assert.deepEqual(s.items.map((x) => x.id), [c.id], 'q by name');
      // tag filter
      const t = expectStatus(await api('GET', `/api/v1/customers?tag=${encodeURIComponent(tag)}`, { token }), 200);
      assert.deepEqual(t.items.map((x) => x.id), [c.id], 'tag filter');
      // remark
      const rbody = `${m} 备注 ${i} ${m}`;
      const rm = expectStatus(await post(`/api/v1/customers/${c.id}/remarks`, { body: rbody }), 201);
      assert.equal(rm.body, rbody);
      const rl = expectStatus(await api('GET', `/api/v1/customers/${c.id}/remarks`, { token }), 200);
      assert.ok(rl.items.some((x) => x.body === rbody), 'remark listed verbatim');
      const sr = expectStatus(await api('GET', `/api/v1/customers?q=${encodeURIComponent(`${m} 备注 ${i}`)}`, { token }), 200);
      assert.deepEqual(sr.items.map((x) => x.id), [c.id], 'q by remark');
      // standalone tag with metacharacters, then remove it from the customer through the URL-encoded path
      const nt = expectStatus(await post('/api/v1/tags', { name: `${m}独立${i}` }), 201);
      assert.equal(nt.name, `${m}独立${i}`);
      const tl = expectStatus(await api('GET', '/api/v1/tags', { token }), 200);
      assert.ok(tl.items.some((x) => x.name === `${m}独立${i}`));
      const del = expectStatus(await api('DELETE', `/api/v1/customers/${c.id}/tags/${encodeURIComponent(tag)}`, { token }), 200);
      assert.deepEqual(del.tags, []);
      // phone and email may be validated, but must never fail with 5xx and, if stored, are stored verbatim
      const pe = await post('/api/v1/customers', { name: `meta-pe-${i}`, email: `a${i}${m}@example.com` });
      assert.ok(pe.status === 201 || pe.status === 400, `email status ${pe.status}`);
      if (pe.status === 201) assert.equal((pe.json.identities.find((x) => x.kind === 'email') || {}).value.toLowerCase(), `a${i}${m}@example.com`.toLowerCase(), 'email verbatim (up to case)');
      else assertFieldError(pe, 'email');
      const pp = await post('/api/v1/customers', { name: `meta-pp-${i}`, phone: `138${m}` });
      assert.ok(pp.status === 201 || pp.status === 400, `phone status ${pp.status}`);
      if (pp.status === 400) assertFieldError(pp, 'phone');
      // search q with only metacharacters never 500s
      const q2 = await api('GET', `/api/v1/customers?q=${encodeURIComponent(m)}`, { token });
      expectStatus(q2, 200);
      assert.ok(q2.json.items.some((x) => x.id === c.id));
    });
  }

  test('LIKE wildcards in q are literal', async () => {
    const tag = uniq('lk');
    const a = expectStatus(await post('/api/v1/customers', { name: `百分之${tag}%_\\尾`, tags: [tag] }), 201);
    const b = expectStatus(await post('/api/v1/customers', { name: `百分之${tag}XY尾`, tags: [tag] }), 201);
    const c = expectStatus(await post('/api/v1/customers', { name: `百分之${tag}X_尾`, tags: [tag] }), 201);
    const s1 = expectStatus(await api('GET', `/api/v1/customers?q=${encodeURIComponent(`${tag}%_`)}`, { token }), 200);
    assert.deepEqual(s1.items.map((x) => x.id), [a.id], '% and _ must match literally');
    const s2 = expectStatus(await api('GET', `/api/v1/customers?q=${encodeURIComponent(`${tag}X_`)}`, { token }), 200);
    assert.deepEqual(s2.items.map((x) => x.id), [c.id], '_ must not match any character');
    const s3 = expectStatus(await api('GET', `/api/v1/customers?q=${encodeURIComponent('_\\尾')}`, { token }), 200);
    assert.deepEqual(s3.items.map((x) => x.id), [a.id], 'backslash literal');
    assert.ok(b.id);
  });

  test('tables survive: listing and counting still work', async () => {
    const l = expectStatus(await api('GET', '/api/v1/customers?limit=200', { token }), 200);
    assert.ok(l.items.length >= 3);
    const t = expectStatus(await api('GET', '/api/v1/tags', { token }), 200);
    assert.ok(t.items.length >= 3);
  });

  test('metacharacters in a username and password of a failed login -> 401, not 500', async () => {
    for (const m of META) {
      const r = await api('POST', '/api/v1/auth/login', { body: { username: m, password: m } });
      assertProblem(r, 401, m);
    }
  });
});

describe('routing errors', () => {
  test('unknown routes -> 404 problem+json', async () => {
    for (const p of ['/api/v1/nope', '/nope', '/api/v2/customers', '/api/v1/customers/1/nothing', '/api/v1/']) {
      const r = await api('GET', p, { token });
      assertProblem(r, 404, p);
    }
  });
  test('unknown and non-numeric ids -> 404 (or 400 for non-numeric), never 500', async () => {
    assertProblem(await api('GET', '/api/v1/customers/999999999', { token }), 404);
    for (const p of ['/api/v1/customers/abc', '/api/v1/customers/-1', '/api/v1/customers/1.5', '/api/v1/customers/99999999999999999999999',
      `/api/v1/customers/${encodeURIComponent("1' OR '1'='1")}`, '/api/v1/customers/0x10']) {
      const r = await api('GET', p, { token });
      assert.ok(r.status === 404 || r.status === 400, `${p} -> ${r.status}`);
      assertProblem(r, r.status, p);
    }
    assertProblem(await api('PATCH', '/api/v1/customers/999999999', { token, body: { name: 'x' } }), 404);
    assertProblem(await api('DELETE', '/api/v1/tags/999999999', { token }), 404);
    assertProblem(await api('GET', '/api/v1/customers/999999999/events', { token }), 404);
  });
  test('wrong method -> 405 problem+json', async () => {
    const cases = [['DELETE', '/api/v1/customers'], ['PUT', '/api/v1/customers'], ['GET', '/api/v1/auth/login'],
      ['POST', '/healthz'], ['DELETE', '/api/v1/me'], ['GET', '/api/v1/events'], ['PUT', '/api/v1/tags']];
    const c = expectStatus(await post('/api/v1/customers', { name: '方法' }), 201);
    cases.push(['PUT', `/api/v1/customers/${c.id}`], ['POST', `/api/v1/customers/${c.id}`]);
    for (const [m, p] of cases) {
      const r = await api(m, p, { token, ...(m === 'GET' || m === 'DELETE' ? {} : { body: {} }) });
      assertProblem(r, 405, `${m} ${p}`);
    }
  });
});

describe('no server errors', () => {
  test('no response in this file had status >= 500 and the server is still healthy', async () => {
    const h = await api('GET', '/healthz');
    assert.equal(h.status, 200);
    assert.deepEqual(serverErrors(), []);
    assert.equal(srv.exitCode, undefined, 'server process must still be running');
  });
});
