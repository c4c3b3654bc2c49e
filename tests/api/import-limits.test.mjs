// Import limits: names checked like any customer name, phone/email cells charged to a masked role's budget,
// one upload import at a time, and other writes getting in between an import's chunks.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, expectStatus, makeStaff, serverErrors, uniq, uniqPhone } from '../lib/client.mjs';

let srv, api, admin;
before(async () => {
  // no per-address or per-token request limit: the long-import test polls, and its 429 must be the import's
  srv = await startServer({ name: 'import-limits', args: ['--rate-limit-per-ip', '0', '--rate-limit-per-token', '0'] });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

function upload(token, kind, csv, query = '') {
  return api('POST', `/api/v1/import/${kind}${query}`, { token, raw: csv, headers: { 'Content-Type': 'text/csv' }, timeoutMs: 600000 });
}

async function findByName(token, name) {
  const r = expectStatus(await api('GET', `/api/v1/customers?q=${encodeURIComponent(name)}&limit=50`, { token }), 200);
  return r.items.filter((c) => c.name === name);
}

const orderHead = 'customer_ref,ordered_on,quantity,amount,buyer_name,phone\n';

describe('order imports check names like any customer name', () => {
  test('over-long names, control characters and line breaks are line-numbered errors', async () => {
    const good = uniq('好名字'), ref = uniq('r');
    const csv = orderHead
      + `${ref}a,2024-01-02,1,10.00,${'长'.repeat(5000)},\n`   // line 2: 5,000 characters
      + `${ref}b,2024-01-02,1,10.00,bad\u0007bell,\n`           // line 3: a control character
      + `${ref}c,2024-01-02,1,10.00,"two\nlines",\n`             // line 4-5: a line break in the name
      + `${ref}d,2024-01-02,1,10.00,\ttabbed,\n`                 // line 6: a tab
      + `${ref}e,2024-01-02,1,12.34,${good},\n`                  // line 7: fine
      + `${ref}f,2024-01-02,1,1.00,,\n`;                         // line 8: no name is fine
    const r = expectStatus(await upload(admin, 'orders', csv, '?platform=namecheck&map=name=buyer_name'), 200);
    assert.equal(r.imported, 2, JSON.stringify(r));
    assert.equal(r.skipped, 4);
    assert.deepEqual(r.errors.map((e) => e.line), [2, 3, 4, 6]);
    for (const e of r.errors) assert.match(e.message, /^name: /);
    assert.equal(r.customers_created, 2);
    const found = await findByName(admin, good);
    assert.equal(found.length, 1, 'the good name is stored');
    const all = expectStatus(await api('GET', '/api/v1/customers?limit=200', { token: admin }), 200).items;
    for (const c of all) {
      assert.ok([...c.name].length <= 64, 'no over-long name stored');
      assert.doesNotMatch(c.name, /[\u0000-\u001f]/, 'no control character stored');
    }
  });
});

describe('a role without pii.read cannot test phones through an import', () => {
  let op;
  before(async () => { op = await makeStaff(api, admin, 'operator'); });

  test('a customers file with more phones and emails than the budget is refused whole', async () => {
    const names = [];
    let csv = 'name,phone,email\n';
    for (let i = 0; i < 15; i++) {
      const n = uniq('探号');
      names.push(n);
      csv += `${n},${uniqPhone()},${uniq('m')}@example.com\n`;
    }
    const r = await upload(op.token, 'customers', csv);
    const p = assertProblem(r, 403);
    assert.equal(p.errors[0].field, 'file', JSON.stringify(p));
    assert.match(p.detail, /30 phone numbers or emails/);
    assert.match(p.detail, /pii\.read/);
    for (const n of names.slice(0, 3)) assert.equal((await findByName(admin, n)).length, 0, 'nothing written');
  });

  test('an orders file pairing guessed phones with markers is refused whole', async () => {
    let csv = orderHead;
    const ref = uniq('probe'), markers = [];
    for (let i = 0; i < 21; i++) {
      markers.push(uniq('记号'));
      csv += `${ref}${i},2024-03-01,1,1.00,${markers[i]},${uniqPhone()}\n`;
    }
    const r = await upload(op.token, 'orders', csv, '?platform=probe&map=name=buyer_name,phone=phone');
    const p = assertProblem(r, 403);
    assert.equal(p.errors[0].field, 'file');
    assert.match(p.detail, /21 phone numbers or emails/);
    for (const n of markers.slice(0, 3)) assert.equal((await findByName(admin, n)).length, 0, 'nothing written');
    // the same file without its phone column mapped holds no phones, and imports
    const ok = expectStatus(await upload(op.token, 'orders', csv, '?platform=probe&map=name=buyer_name'), 200);
    assert.equal(ok.imported, 21);
  });

  test('small files are charged to the same per-person budget: 429 once it is spent, and nothing written', async () => {
    const u = await makeStaff(api, admin, 'operator');
    const results = [];
    let lastNames = [];
    for (let k = 0; k < 5; k++) {
      lastNames = [uniq('小批'), uniq('小批')];
      const csv = `name,phone,email\n${lastNames[0]},${uniqPhone()},\n${lastNames[1]},,${uniq('e')}@example.com\n${uniq('无号')},,\n`
        + `${uniq('小批')},${uniqPhone()},${uniq('f')}@example.com\n`; // 4 cells a file
      const r = await upload(u.token, 'customers', csv);
      results.push(r.status);
      if (r.status === 429) {
        const p = assertProblem(r, 429);
        assert.ok(Number(r.headers.get('retry-after')) > 0, 'Retry-After');
        assert.equal(p.errors[0].field, 'file');
      } else expectStatus(r, 200);
    }
    assert.deepEqual(results, [200, 200, 200, 200, 200], '20 cells fit the budget');
    // five more cells: the bucket refills one cell every 3 s, so even a slow run has not earned them back
    let more = 'name,phone\n';
    for (let i = 0; i < 5; i++) more += `${uniq('超额')},${uniqPhone()}\n`;
    const sixth = await upload(u.token, 'customers', more);
    assertProblem(sixth, 429);
    // the refused file wrote nothing
    assert.equal((await findByName(admin, lastNames[0])).length, 1);
    // a file without phones or emails costs nothing
    const plain = uniq('无号客户');
    expectStatus(await upload(u.token, 'customers', `name,city\n${plain},杭州\n`), 200);
    assert.equal((await findByName(admin, plain)).length, 1);
  });

  test('callers with pii.read are not charged', async () => {
    let csv = 'name,phone\n';
    for (let i = 0; i < 40; i++) csv += `${uniq('全量')},${uniqPhone()}\n`;
    const r = expectStatus(await upload(admin, 'customers', csv), 200);
    assert.equal(r.imported, 40);
  });
});

/* One request on a connection of its own (another client): a connection belongs to the server thread
 * that accepted it, and the import runs on one of them, so no keep-alive connection is reused here. A GET
 * whose connection was accepted by that thread just before the import began waits for it (and is dropped
 * at the head deadline): it is sent again once. */
async function fresh(method, path, opts = {}) {
  try {
    return await fresh1(method, path, opts);
  } catch (e) {
    if (method !== 'GET') throw e;
    return fresh1(method, path, opts);
  }
}

function fresh1(method, path, { token, body, raw, type } = {}) {
  const u = new URL(path, srv.baseUrl);
  const data = raw !== undefined ? Buffer.from(raw) : body !== undefined ? Buffer.from(JSON.stringify(body)) : null;
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname + u.search, method, agent: false,
      headers: { Authorization: `Bearer ${token}`, Connection: 'close', ...(data ? { 'Content-Type': type || 'application/json', 'Content-Length': data.length } : {}) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json; try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: { get: (k) => res.headers[k.toLowerCase()] }, json, text, contentType: res.headers['content-type'] || '' });
      });
    });
    req.setTimeout(600000, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => reject(new Error(`${method} ${path}: ${e.message}`)));
    if (data) req.write(data);
    req.end();
  });
}

describe('a long import shares the writer and runs alone', () => {
  test('small writes and reads go between its chunks; a second import is 429 meanwhile', { timeout: 600000 }, async () => {
    const N = 120000;
    const lines = ['customer_ref,ordered_on,quantity,amount,order_id'];
    for (let i = 0; i < N; i++) {
      const day = 1 + (i % 28);
      lines.push(`b${i % 20000},2023-05-${String(day).padStart(2, '0')},1,${(i % 500) + 1}.${String(i % 100).padStart(2, '0')},o${i}`);
    }
    const csv = `${lines.join('\n')}\n`;
    const count = async () => expectStatus(await fresh('GET', '/api/v1/stats/overview', { token: admin }), 200).orders.count;
    const before0 = await count();
    let done = false;
    const big = fresh('POST', '/api/v1/import/orders?platform=longrun', { token: admin, raw: csv, type: 'text/csv' })
      .then((r) => { done = true; return r; });
    let interleaved = 0, limited = 0, secondOk = 0;
    while (!done) {
      const c0 = await count() - before0;
      if (c0 <= 0 || c0 >= N) { await new Promise((res) => setTimeout(res, 5)); continue; }
      // the import has committed a chunk and is still running: a small write must not wait for its end
      expectStatus(await fresh('POST', '/api/v1/tags', { token: admin, body: { name: uniq('t').slice(0, 30) } }), 201);
      const c1 = await count() - before0;
      if (c1 < N) interleaved++;
      if (limited === 0 && c1 < N) {
        const r2 = await fresh('POST', '/api/v1/import/orders?platform=second',
          { token: admin, raw: `customer_ref,ordered_on,quantity,amount\nx${uniq()},2024-01-01,1,1.00\n`, type: 'text/csv' });
        const c2 = await count() - before0;
        if (r2.status === 429) {
          assert.match(assertProblem(r2, 429).detail, /another import is running/);
          assert.ok(Number(r2.headers.get('retry-after')) > 0, 'Retry-After');
          limited++;
        } else if (c2 < N) secondOk++; // answered while the first still ran
      }
    }
    const r = expectStatus(await big, 200);
    assert.equal(r.imported, N);
    assert.equal(r.customers_created, 20000);
    assert.equal(await count() - before0, N);
    assert.ok(interleaved >= 1, 'a tag was created while the import ran');
    assert.equal(secondOk, 0, 'no second import ran alongside');
    assert.ok(limited >= 1, 'a second import was refused while the first ran');
    // after it, imports are accepted again
    expectStatus(await upload(admin, 'orders', `customer_ref,ordered_on,quantity,amount\nafter${uniq()},2024-01-01,1,1.00\n`, '?platform=second'), 200);
  });
});

describe('no server errors', () => {
  test('no 5xx', () => { assert.deepEqual(serverErrors(), []); });
});
