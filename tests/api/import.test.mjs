// CSV import of orders (CDNOW sample) and customers, money in exact fen, idempotent re-runs, line-numbered errors, CSV export.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, expectStatus, listAll, serverErrors, uniq, uniqPhone } from '../lib/client.mjs';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'cdnow-sample.csv');
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Minimal RFC 4180 parser: returns rows of fields. */
export function parseCsv(text) {
  const rows = []; let row = []; let f = ''; let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"') { if (text[i + 1] === '"') { f += '"'; i++; } else q = false; } else f += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(f); f = ''; } else if (ch === '\r' && text[i + 1] === '\n') { /* skip */ } else if (ch === '\n') { row.push(f); rows.push(row); row = []; f = ''; } else f += ch;
  }
  if (f.length || row.length) { row.push(f); rows.push(row); }
  return rows;
}

/** Dollars string with up to two decimals -> integer cents, exactly (no floating point). */
function fen(s) {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  assert.ok(m, `fixture amount ${s}`);
  return Number(m[1]) * 100 + Number((m[2] || '0').padEnd(2, '0'));
}

let srv, api, token;
const fixtureText = fs.readFileSync(FIXTURE, 'utf8');
const fixtureRows = parseCsv(fixtureText).slice(1).filter((r) => r.length === 4);
const byRef = new Map();
for (const [ref, day, qty, amount] of fixtureRows) {
  if (!byRef.has(ref)) byRef.set(ref, []);
  byRef.get(ref).push({ day, qty: Number(qty), fen: fen(amount) });
}
const TOTAL_FEN = fixtureRows.reduce((s, r) => s + fen(r[3]), 0);

before(async () => {
  srv = await startServer({ name: 'import' });
  ({ api } = client(srv.baseUrl));
  token = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

function importCsv(kind, csv, query = '', headers = {}) {
  return api('POST', `/api/v1/import/${kind}${query}`, { token, raw: csv, headers: { 'Content-Type': 'text/csv', ...headers }, timeoutMs: 300000 });
}

async function customersByRef(platform = 'cdnow') {
  const all = await listAll(api, '/api/v1/customers', token, { limit: 200, maxPages: 500 });
  const m = new Map();
  for (const c of all.items) {
    for (const idn of c.identities || []) {
      if (idn.kind === 'buyer' && idn.platform === platform) m.set(idn.value, c);
    }
  }
  return m;
}

async function ordersOf(id) { return (await listAll(api, `/api/v1/customers/${id}/orders`, token, { limit: 200 })).items; }

async function pool(items, n, fn) {
  const out = new Array(items.length); let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i], i); }
  }));
  return out;
}

function sameDay(ts, day) {
  const t = Date.parse(ts);
  const utc = new Date(t).toISOString().slice(0, 10);
  const cst = new Date(t + 8 * 3600 * 1000).toISOString().slice(0, 10);
  return utc === day || cst === day;
}

describe('orders import: CDNOW sample', () => {
  let first;
  test('fixture sanity', () => {
    assert.equal(fixtureRows.length, 6919);
    assert.equal(byRef.size, 2357);
    assert.equal(TOTAL_FEN, 24409194);
  });
  test('import counts are exact', { timeout: 300000 }, async () => {
    const r = await importCsv('orders', fixtureText, '?platform=cdnow');
    expectStatus(r, 200, 'import');
    first = r.json;
    assert.equal(first.read, 6919, 'rows read');
    assert.deepEqual(first.errors, []);
    assert.equal(first.imported, 6919, 'every purchase imported (same-day identical purchases are separate orders)');
    assert.equal(first.skipped, 0);
    assert.equal(first.duplicates || 0, 0);
    assert.equal(first.customers_created, 2357);
  });
  test('money converted to fen exactly, dates and quantities kept, refs keep leading zeros', { timeout: 300000 }, async () => {
    const map = await customersByRef();
    assert.equal(map.size, 2357, 'one customer per CDNOW ref, found by buyer identity with leading zeros');
    const c4 = map.get('00004');
    assert.ok(c4, 'customer 00004');
    const o4 = await ordersOf(c4.id);
    const got = o4.map((o) => ({ qty: o.quantity, fen: o.amount_fen })).sort((a, b) => a.fen - b.fen);
    const want = byRef.get('00004').map((x) => ({ qty: x.qty, fen: x.fen })).sort((a, b) => a.fen - b.fen);
    assert.deepEqual(got, want);
    assert.ok(o4.some((o) => o.amount_fen === 2933), '29.33 -> 2933');
    for (const o of o4) {
      assert.equal(o.platform, 'cdnow');
      assert.match(o.ordered_at, RFC3339);
      assert.equal(typeof o.external_id, 'string');
      assert.ok(Number.isInteger(o.amount_fen));
    }
    for (const x of byRef.get('00004')) assert.ok(o4.some((o) => sameDay(o.ordered_at, x.day) && o.amount_fen === x.fen), `order on ${x.day}`);
    // every customer's orders match the fixture exactly: counts and total fen
    const refs = [...byRef.keys()];
    let total = 0; let count = 0;
    const mismatches = [];
    await pool(refs, 8, async (ref) => {
      const c = map.get(ref);
      if (!c) { mismatches.push(`${ref}: no customer`); return; }
      const os = await ordersOf(c.id);
      const got2 = os.map((o) => o.amount_fen).sort((a, b) => a - b);
      const want2 = byRef.get(ref).map((x) => x.fen).sort((a, b) => a - b);
      if (JSON.stringify(got2) !== JSON.stringify(want2)) mismatches.push(`${ref}: got ${got2} want ${want2}`);
      total += got2.reduce((s, v) => s + v, 0);
      count += os.length;
    });
    assert.deepEqual(mismatches.slice(0, 10), []);
    assert.equal(count, 6919);
    assert.equal(total, TOTAL_FEN);
  });
  test('re-running the same file imports nothing new', { timeout: 300000 }, async () => {
    const r = await importCsv('orders', fixtureText, '?platform=cdnow');
    expectStatus(r, 200);
    assert.equal(r.json.read, 6919);
    assert.equal(r.json.imported, 0);
    assert.equal(r.json.skipped + (r.json.duplicates || 0), 6919, 'every row reported as skipped or duplicate');
    assert.equal(r.json.customers_created, 0);
    assert.deepEqual(r.json.errors, []);
    const map = await customersByRef();
    assert.equal(map.size, 2357);
    const o4 = await ordersOf(map.get('00004').id);
    assert.equal(o4.length, byRef.get('00004').length);
  });
});

describe('orders import: edge cases', () => {
  test('bad lines are reported by line number; good lines imported', async () => {
    const csv = [
      'customer_ref,ordered_on,quantity,amount', // 1
      '90001,1997-02-01,1,10.00',                // 2 ok
      '90001,not-a-date,1,10.00',                // 3 bad date
      '90002,1997-02-03,1,12.5',                 // 4 ok -> 1250
      '90003,1997-02-04,1,abc',                  // 5 bad amount
      '90004,1997-02-05',                        // 6 missing columns
      '90005,1997-02-06,1,0.07',                 // 7 ok -> 7
      '90006,1997-02-30,1,1.00',                 // 8 impossible date
      '90007,1997-02-07,two,1.00',               // 9 bad quantity
      ',1997-02-08,1,1.00',                      // 10 missing customer
      '90008,1997-02-09,1,100',                  // 11 ok -> 10000
      '',
    ].join('\n');
    const r = await importCsv('orders', csv, '?platform=edge1');
    expectStatus(r, 200);
    assert.equal(r.json.imported, 4);
    assert.deepEqual(r.json.errors.map((e) => e.line).sort((a, b) => a - b), [3, 5, 6, 8, 9, 10]);
    for (const e of r.json.errors) { assert.equal(typeof e.message, 'string'); assert.ok(e.message.length > 0); }
    const map = await customersByRef('edge1');
    const amounts = {};
    for (const ref of ['90001', '90002', '90005', '90008']) {
      assert.ok(map.get(ref), `customer ${ref}`);
      amounts[ref] = (await ordersOf(map.get(ref).id)).map((o) => o.amount_fen);
    }
    assert.deepEqual(amounts, { 90001: [1000], 90002: [1250], 90005: [7], 90008: [10000] });
    assert.ok(!map.has('90003') || (await ordersOf(map.get('90003').id)).length === 0);
  });
  test('UTF-8 BOM, CRLF line endings and quoted fields', async () => {
    const csv = '\uFEFFcustomer_ref,ordered_on,quantity,amount\r\n"91001","1997-03-01","1","5.50"\r\n91002,1997-03-02,3,0.10\r\n';
    const r = await importCsv('orders', csv, '?platform=edge2');
    expectStatus(r, 200);
    assert.deepEqual(r.json.errors, []);
    assert.equal(r.json.imported, 2);
    const map = await customersByRef('edge2');
    assert.deepEqual((await ordersOf(map.get('91001').id)).map((o) => o.amount_fen), [550]);
    assert.deepEqual((await ordersOf(map.get('91002').id)).map((o) => [o.quantity, o.amount_fen]), [[3, 10]]);
  });
  test('column mapping with ?map=', async () => {
    const csv = '单号,客户,日期,件数,金额\nA1,92001,1997-04-01,2,19.99\n';
    const r = await importCsv('orders', csv, `?platform=edge3&map=${encodeURIComponent('customer_ref=客户,ordered_on=日期,quantity=件数,amount=金额')}`);
    expectStatus(r, 200);
    assert.deepEqual(r.json.errors, []);
    assert.equal(r.json.imported, 1);
    const map = await customersByRef('edge3');
    assert.deepEqual((await ordersOf(map.get('92001').id)).map((o) => o.amount_fen), [1999]);
  });
  test('wrong content type -> 415, empty body -> 400, header only -> 0 rows', async () => {
    assertProblem(await api('POST', '/api/v1/import/orders?platform=x', { token, body: { rows: [] } }), 415);
    const empty = await importCsv('orders', '', '?platform=x');
    assert.ok(empty.status === 400 || (empty.status === 200 && empty.json.imported === 0), `empty -> ${empty.status}`);
    const hdr = await importCsv('orders', 'customer_ref,ordered_on,quantity,amount\n', '?platform=x');
    expectStatus(hdr, 200);
    assert.equal(hdr.json.imported, 0);
    assert.equal(hdr.json.read, 0);
  });
  test('an upload over 1 MiB is accepted on the import route (limit is 256 MiB)', { timeout: 300000 }, async () => {
    const lines = ['customer_ref,ordered_on,quantity,amount'];
    for (let i = 0; i < 45000; i++) {
      lines.push(`${800000 + (i % 500)},1998-01-${String(1 + (i % 28)).padStart(2, '0')},1,${1 + (i % 100)}.${String(i % 100).padStart(2, '0')}`);
    }
    const csv = `${lines.join('\n')}\n`;
    assert.ok(csv.length > 1024 * 1024);
    const r = await importCsv('orders', csv, '?platform=big');
    expectStatus(r, 200);
    assert.equal(r.json.read, lines.length - 1);
    assert.deepEqual(r.json.errors.slice(0, 5), []);
  });
});

describe('customers import and export', () => {
  test('customers CSV import with tags separated by |', async () => {
    const p1 = uniqPhone(); const p2 = uniqPhone(); const un = uniq('un');
    const csv = [
      'name,nickname,phone,unionid,external_userid,email,city,gender,birthday,tags',
      `王导入,小王,${p1},${un},,wang@example.com,杭州,male,1990-01-02,宝妈|高价值`,
      `"李, 导入","说""你好""",${p2},,,,上海,female,,`,
    ].join('\n');
    const r = await importCsv('customers', csv);
    expectStatus(r, 200);
    const a = (await api('GET', `/api/v1/customers?phone=${p1}`, { token })).json.items;
    assert.equal(a.length, 1);
    assert.equal(a[0].name, '王导入');
    assert.equal(a[0].nickname, '小王');
    assert.equal(a[0].city, '杭州');
    assert.equal(a[0].gender, 'male');
    assert.equal(a[0].birthday, '1990-01-02');
    assert.deepEqual([...a[0].tags].sort(), ['宝妈', '高价值'].sort());
    assert.ok(a[0].identities.some((x) => x.kind === 'unionid' && x.value === un));
    const b = (await api('GET', `/api/v1/customers?phone=${p2}`, { token })).json.items;
    assert.equal(b.length, 1);
    assert.equal(b[0].name, '李, 导入');
    assert.equal(b[0].nickname, '说"你好"');
    // re-import does not duplicate
    expectStatus(await importCsv('customers', csv), 200);
    assert.equal((await api('GET', `/api/v1/customers?phone=${p1}`, { token })).json.items.length, 1);
  });
  test('export customers CSV with BOM, properly quoted', async () => {
    const tricky = `导出,"引号";${uniq('x')}`;
    const c = expectStatus(await api('POST', '/api/v1/customers', { token, body: { name: tricky.slice(0, 64), city: '北京' } }), 201);
    const r = await api('GET', '/api/v1/export/customers?bom=1', { token, timeoutMs: 120000 });
    expectStatus(r, 200);
    assert.match(r.contentType, /^text\/csv/);
    assert.deepEqual([...r.buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
    const rows = parseCsv(r.text.slice(1));
    const header = rows[0];
    assert.ok(header.includes('name') && header.includes('id'), `header ${header}`);
    const idCol = header.indexOf('id'); const nameCol = header.indexOf('name');
    const row = rows.find((x) => x[idCol] === String(c.id));
    assert.ok(row, 'exported row for the new customer');
    assert.equal(row[nameCol], c.name, 'commas and quotes round-trip');
    assert.ok(rows.filter((x) => x.length > 1).length >= 2357, 'all customers exported');
    const nb = await api('GET', '/api/v1/export/customers', { token, timeoutMs: 120000 });
    expectStatus(nb, 200);
    assert.notDeepEqual([...nb.buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'no BOM unless asked');
  });
  test('export neutralises spreadsheet formulas or keeps them verbatim inside quotes', async () => {
    const c = expectStatus(await api('POST', '/api/v1/customers', { token, body: { name: '=HYPERLINK("http://evil.example","x")' } }), 201);
    const r = await api('GET', '/api/v1/export/customers', { token, timeoutMs: 120000 });
    const rows = parseCsv(r.text);
    const header = rows[0];
    const row = rows.find((x) => x[header.indexOf('id')] === String(c.id));
    assert.ok(row);
    const v = row[header.indexOf('name')];
    assert.ok(v === c.name || v === `'${c.name}`, `exported as ${v}`);
  });
});

describe('no server errors', () => {
  test('no 5xx in this file', () => { assert.deepEqual(serverErrors(), []); });
});
