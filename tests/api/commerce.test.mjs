// Commerce: the catalog with audited stock moves; flash sales whose stock and per-customer limits hold under a
// thousand concurrent buyers; sandbox payments verified by signature, exactly once; unpaid orders giving their
// stock back; and after kill -9 every acknowledged order is in the store and stock left = stock - paid - pending.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { startServer, storeQuery } from '../lib/server.mjs';
import { client, assertProblem, expectStatus, listAll, makeStaff, uniq } from '../lib/client.mjs';

const SECRET = 'sandbox-secret-for-tests';
let srv, api, admin;
before(async () => {
  srv = await startServer({ name: 'commerce', env: { YUTANG_PAY_SANDBOX_SECRET: SECRET } });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

const as = (t) => (m, p, body, headers) => api(m, p, { token: t, body, headers });
const iso = (ms) => new Date(ms).toISOString();

async function product(stock = 1000, price = 19900) {
  const r = await as(admin)('POST', '/api/v1/products', { name: uniq('爆款面霜'), category: '护肤', skus: [{ name: '50ml', price, stock, specs: { 规格: '50ml' } }] });
  expectStatus(r, 201);
  return r.json;
}

async function customers(n) {
  const ids = [];
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => as(admin)('POST', '/api/v1/customers', { name: '抢购客户' })));
    for (const r of batch) { expectStatus(r, 201); ids.push(r.json.id); }
  }
  return ids;
}

async function flashSale(body) {
  const p = await product();
  const r = await as(admin)('POST', '/api/v1/flash-sales', {
    name: uniq('双十二秒杀'), sku_id: p.skus[0].id, price: 9900, stock: 10, per_customer_limit: 1,
    starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000), ...body,
  });
  expectStatus(r, 201);
  return r.json;
}

const order = (saleId, customerId, quantity = 1, headers) =>
  as(admin)('POST', `/api/v1/flash-sales/${saleId}/orders`, { customer_id: customerId, quantity }, headers);

function notify(body, secret = SECRET, via = api) {
  const raw = JSON.stringify(body);
  const sig = crypto.createHmac('sha256', secret).update(raw).digest('hex');
  return via('POST', '/api/v1/payments/sandbox/notify', { raw, headers: { 'Content-Type': 'application/json', 'X-Sandbox-Signature': sig } });
}

describe('catalog', () => {
  test('a product with SKUs is created as the contract says; stock moves are recorded; bad input changes nothing', async () => {
    const r = await as(admin)('POST', '/api/v1/products', { name: '保湿面膜', skus: [{ name: '5片装', price: 5900, stock: 20 }, { name: '10片装', price: 9900, stock: 0 }] });
    expectStatus(r, 201);
    assert.ok(r.json.id > 0);
    assert.equal(r.json.skus.length, 2);
    assert.ok(r.json.skus[0].id > 0);
    assert.equal(r.json.skus[0].price, 5900);
    const sku = r.json.skus[0].id;
    const mv = await as(admin)('POST', `/api/v1/skus/${sku}/stock`, { delta: -5, reason: '盘点' });
    expectStatus(mv, 200);
    assert.equal(mv.json.stock, 15);
    assertProblem(await as(admin)('POST', `/api/v1/skus/${sku}/stock`, { delta: -16 }), 409);
    const moves = await as(admin)('GET', `/api/v1/skus/${sku}/stock-moves`);
    expectStatus(moves, 200);
    assert.deepEqual(moves.json.items.map((m) => m.delta), [-5, 20]);
    assert.equal(moves.json.items[0].reason, 'manual');
    const bad = [
      [{ name: 'x', skus: [{ name: 'a', price: -1, stock: 1 }] }, 'skus[0].price'],
      [{ name: 'x', skus: [{ name: 'a', price: 1, stock: 1e12 }] }, 'skus[0].stock'],
      [{ name: 'x', skus: [{ name: 'a', price: 1.5, stock: 1 }] }, 'price'],
      [{ name: 'x', skus: [] }, 'skus'],
      [{ name: '', skus: [{ name: 'a', price: 1 }] }, 'name'],
      [{ name: 'x', skus: [{ name: 'a', price: 1 }], images: ['file:///etc/passwd'] }, 'images'],
      [{ name: 'x', skus: [{ name: 'a', price: 1 }], colour: 'red' }, 'colour'],
    ];
    const before = (await as(admin)('GET', '/api/v1/products?limit=200')).json.items.length;
    for (const [body, field] of bad) {
      const b = await as(admin)('POST', '/api/v1/products', body);
      assertProblem(b, 400, JSON.stringify(body));
      assert.ok(b.json.errors.some((e) => e.field.includes(field)), `${JSON.stringify(body)} names ${field}: ${JSON.stringify(b.json.errors)}`);
    }
    assert.equal((await as(admin)('GET', '/api/v1/products?limit=200')).json.items.length, before);
    // a page lists each product with exactly its own SKUs, as the single reads do, across pages
    await product(5);
    await product(6);
    const page1 = await as(admin)('GET', '/api/v1/products?limit=2');
    const page2 = await as(admin)('GET', `/api/v1/products?limit=2&cursor=${page1.json.next_cursor}`);
    for (const item of [...page1.json.items, ...page2.json.items]) {
      assert.deepEqual(item, (await as(admin)('GET', `/api/v1/products/${item.id}`)).json);
    }
    assert.ok(page1.json.items[0].id > page2.json.items[0].id);
    const guide = await makeStaff(api, admin, 'guide');
    assertProblem(await as(guide.token)('POST', '/api/v1/products', { name: 'x', skus: [{ name: 'a', price: 1 }] }), 403);
  });
});

describe('flash sales', () => {
  test('created as the contract says, taking the activity stock from the SKU; bad definitions refused', async () => {
    const p = await product(50);
    const sku = p.skus[0].id;
    const body = { name: '整点秒杀', sku_id: sku, price: 9900, stock: 30, per_customer_limit: 2, starts_at: iso(Date.now()), ends_at: iso(Date.now() + 60000) };
    const r = await as(admin)('POST', '/api/v1/flash-sales', body);
    expectStatus(r, 201);
    assert.ok(r.json.id > 0);
    assert.equal(r.json.stock_left, 30);
    assert.deepEqual(r.json.orders, { pending: 0, paid: 0, released: 0, quantity_pending: 0, quantity_paid: 0 });
    assert.equal((await as(admin)('GET', `/api/v1/products/${p.id}`)).json.skus[0].stock, 20, 'the activity stock left the shelf');
    assertProblem(await as(admin)('POST', '/api/v1/flash-sales', { ...body, stock: 21 }), 409, 'more than the SKU has');
    assertProblem(await as(admin)('POST', '/api/v1/flash-sales', { ...body, sku_id: 999999 }), 404);
    assertProblem(await as(admin)('POST', '/api/v1/flash-sales', { ...body, ends_at: body.starts_at }), 400);
    assertProblem(await as(admin)('POST', '/api/v1/flash-sales', { ...body, starts_at: 'tomorrow' }), 400);
    assertProblem(await as(admin)('POST', '/api/v1/flash-sales', { ...body, price: -1 }), 400);
    assertProblem(await as(admin)('POST', '/api/v1/flash-sales', { ...body, per_customer_limit: 0 }), 400);
    assert.equal((await as(admin)('GET', `/api/v1/products/${p.id}`)).json.skus[0].stock, 20, 'refusals took nothing');
  });

  test('orders: sold out and over the limit are 409s typed sold-out and limit-reached; bad orders are clear 4xx', async () => {
    const sale = await flashSale({ stock: 3, per_customer_limit: 2 });
    const [a, b] = await customers(2);
    const o = await order(sale.id, a, 2);
    expectStatus(o, 201);
    assert.ok(o.json.order_id > 0);
    assert.equal(o.json.total, 2 * 9900);
    const limit = await order(sale.id, a, 1);
    assertProblem(limit, 409);
    assert.match(limit.json.type, /limit-reached$/);
    expectStatus(await order(sale.id, b, 1), 201);
    const out = await order(sale.id, b, 1);
    assertProblem(out, 409);
    assert.match(out.json.type, /sold-out$/);
    const g = await as(admin)('GET', `/api/v1/flash-sales/${sale.id}`);
    assert.equal(g.json.stock_left, 0);
    assert.equal(g.json.orders.pending, 2);
    assertProblem(await order(sale.id, a, 0), 400);
    assertProblem(await order(sale.id, a, 1e12), 400);
    assertProblem(await order(999999, a, 1), 404);
    const later = await flashSale({ starts_at: iso(Date.now() + 3600000), ends_at: iso(Date.now() + 7200000) });
    assertProblem(await order(later.id, a, 1), 422, 'not started');
  });

  test('the customer is checked in the transaction that writes the order: unknown 404, erased 409, merged to the survivor, a guide only their own', async () => {
    const sale = await flashSale({ stock: 10, per_customer_limit: 2 });
    const [a, b, s, e] = await customers(4);
    assertProblem(await order(sale.id, 99999999, 1), 404, 'no such customer');
    assertProblem(await order(sale.id, 99999998, 1, { 'Idempotency-Key': uniq('k') }), 404, 'no such customer, answered with its key');
    expectStatus(await order(sale.id, s, 1), 201);
    expectStatus(await as(admin)('POST', `/api/v1/customers/${s}/merge`, { from: b }), 200);
    const viaOld = expectStatus(await order(sale.id, b, 1), 201, 'an order for a merged id goes to the survivor');
    assert.equal(viaOld.customer_id, s);
    const over = await order(sale.id, b, 1);
    assertProblem(over, 409, "the survivor's units count");
    assert.match(over.json.type, /limit-reached$/);
    expectStatus(await as(admin)('POST', `/api/v1/customers/${e}/erase`), 200);
    const erased = await order(sale.id, e, 1);
    assertProblem(erased, 409, 'an erased customer');
    assert.match(erased.json.detail, /was erased/);
    assert.doesNotMatch(erased.json.type, /limit-reached|sold-out/);
    const guide = await makeStaff(api, admin, 'guide');
    const mine = expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '导购的客户', owner_id: guide.staff.id }), 201).id;
    const byGuide = (c) => as(guide.token)('POST', `/api/v1/flash-sales/${sale.id}/orders`, { customer_id: c, quantity: 1 });
    expectStatus(await byGuide(mine), 201, "a guide orders for their own customer");
    assertProblem(await byGuide(a), 404, "not for another's");
    const g = await as(admin)('GET', `/api/v1/flash-sales/${sale.id}`);
    assert.equal(g.json.stock_left, 7, 'the refused orders reserved nothing');
    assert.equal(g.json.orders.pending, 3);
    expectStatus(await order(sale.id, a, 2), 201, "a refused order took nothing from the customer's limit");
    const { items: held } = await listAll(api, `/api/v1/mall-orders?customer_id=${s}`, admin);
    assert.equal(held.filter((o) => o.activity_id === sale.id).length, 2, "both orders are the survivor's");
  });

  test('stopped early: no order after the stop, orders taken keep their window, a second stop changes nothing', async () => {
    const sale = await flashSale({ stock: 10, per_customer_limit: 5 });
    const [a] = await customers(1);
    const taken = expectStatus(await order(sale.id, a, 1), 201);
    assertProblem(await as(admin)('POST', '/api/v1/flash-sales/99999999/stop'), 404);
    const stopped = expectStatus(await as(admin)('POST', `/api/v1/flash-sales/${sale.id}/stop`), 200);
    assert.equal(stopped.state, 'stopped');
    assert.ok(Date.parse(stopped.stopped_at) <= Date.now());
    assert.equal(stopped.ends_at, stopped.stopped_at, 'the sale ends at the stop');
    assert.equal(stopped.orders.pending, 1);
    const late = await order(sale.id, a, 1);
    assertProblem(late, 422, 'after the stop');
    assert.match(late.json.detail, /over/);
    const again = expectStatus(await as(admin)('POST', `/api/v1/flash-sales/${sale.id}/stop`), 200);
    assert.equal(again.stopped_at, stopped.stopped_at, 'a second stop changes nothing');
    const o = expectStatus(await as(admin)('GET', `/api/v1/mall-orders/${taken.order_id}`), 200);
    assert.equal(o.status, 'pending', 'the order taken before the stop can still be paid');
    const audit = expectStatus(await as(admin)('GET', '/api/v1/audit?limit=20'), 200);
    assert.equal(audit.items.filter((e) => e.action === 'flash_sale.stop' && e.entity_id === sale.id).length, 1, 'one stop audited');
  });

  test('once over, its leases back and no order pending, what no order holds goes back to the SKU, once', async () => {
    const p = await product(100);
    const sale = expectStatus(await as(admin)('POST', '/api/v1/flash-sales', { name: uniq('收尾秒杀'), sku_id: p.skus[0].id, price: 9900,
      stock: 30, per_customer_limit: 5, pay_window_seconds: 4, starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000) }), 201);
    const [a, b] = await customers(2);
    const paid = expectStatus(await order(sale.id, a, 3), 201);
    expectStatus(await notify({ order_id: paid.order_id, amount: paid.total, transaction_id: uniq('tx-settle') }), 200);
    expectStatus(await order(sale.id, b, 2), 201); // never paid: pending at the stop, closed after its 4 s
    const shelf = async () => (await as(admin)('GET', `/api/v1/products/${p.id}`)).json.skus[0].stock;
    assert.equal(await shelf(), 70);
    expectStatus(await as(admin)('POST', `/api/v1/flash-sales/${sale.id}/stop`), 200);
    await new Promise((r) => setTimeout(r, 2000)); // beats: the lease comes back, but an order is pending
    let g = expectStatus(await as(admin)('GET', `/api/v1/flash-sales/${sale.id}`), 200);
    assert.equal(g.closed_at, null, 'not closed while an order is pending');
    assert.equal(g.leases.length, 0, 'the lease came back');
    assert.equal(await shelf(), 70);
    for (let i = 0; i < 60 && !g.closed_at; i++) {
      await new Promise((r) => setTimeout(r, 250));
      g = expectStatus(await as(admin)('GET', `/api/v1/flash-sales/${sale.id}`), 200);
    }
    assert.ok(g.closed_at, 'closed once nothing is pending');
    assert.equal(g.stock_returned, 27, 'all but the 3 paid units');
    assert.equal(g.stock_left, 0);
    assert.equal(await shelf(), 97);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await shelf(), 97, 'given back once');
    const moves = expectStatus(await as(admin)('GET', `/api/v1/skus/${p.skus[0].id}/stock-moves`), 200);
    assert.equal(moves.items.filter((m) => m.reason === 'flash_sale_end').length, 1);
  });

  test('a thousand concurrent buyers: never oversold, nobody over the limit, every acknowledged order stored', async () => {
    const sale = await flashSale({ stock: 150, per_customer_limit: 2 });
    const buyers = await customers(1000);
    // a thousand connections at once: the server lets one address hold 256, so buyers come from four
    // loopback addresses, 250 each; every buyer tries three orders one after another
    const agents = [2, 3, 4, 5].map((k) => ({ localAddress: `127.0.0.${k}`, agent: new http.Agent({ keepAlive: true, maxSockets: 250 }) }));
    const url = new URL(srv.baseUrl);
    const post = (via, customerId) => new Promise((resolve, reject) => {
      const body = JSON.stringify({ customer_id: customerId, quantity: 1 });
      const req = http.request({ host: url.hostname, port: url.port, path: `/api/v1/flash-sales/${sale.id}/orders`, method: 'POST',
        agent: via.agent, localAddress: via.localAddress,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Authorization: `Bearer ${admin}` } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode, text, json: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(body);
    });
    const results = (await Promise.all(buyers.map(async (c, i) => {
      const via = agents[i % agents.length];
      return [await post(via, c), await post(via, c), await post(via, c)];
    }))).flat();
    for (const a of agents) a.agent.destroy();
    const ok = results.filter((r) => r.status === 201);
    assert.equal(ok.length, 150, `acknowledged ${ok.length}`);
    for (const r of results) if (r.status !== 201) assert.equal(r.status, 409, r.text);
    const per = new Map();
    for (const r of ok) per.set(r.json.customer_id, (per.get(r.json.customer_id) || 0) + r.json.quantity);
    assert.ok(Math.max(...per.values()) <= 2, 'nobody over the limit');
    const g = await as(admin)('GET', `/api/v1/flash-sales/${sale.id}`);
    assert.equal(g.json.stock_left, 0);
    assert.equal(g.json.orders.quantity_pending, 150);
    const ids = new Set(ok.map((r) => r.json.order_id));
    assert.equal(ids.size, 150);
    for (const id of [...ids].slice(0, 20)) expectStatus(await as(admin)('GET', `/api/v1/mall-orders/${id}`), 200);
  });

  test('sandbox payments: signed, exactly once, the amount checked; the paid order joins the customer\'s orders', async () => {
    const sale = await flashSale({ stock: 5, per_customer_limit: 1 });
    const [c] = await customers(1);
    const o = (await order(sale.id, c, 1)).json;
    assertProblem(await notify({ order_id: o.order_id, amount: o.total, transaction_id: 'tx-forged' }, 'wrong-secret'), 401);
    assertProblem(await notify({ order_id: o.order_id, amount: o.total - 1, transaction_id: 'tx-short' }), 400);
    const paid = await notify({ order_id: o.order_id, amount: o.total, transaction_id: 'tx-1' });
    expectStatus(paid, 200);
    assert.equal(paid.json.replay, false);
    const again = await notify({ order_id: o.order_id, amount: o.total, transaction_id: 'tx-1' });
    expectStatus(again, 200);
    assert.equal(again.json.replay, true);
    assertProblem(await notify({ order_id: o.order_id, amount: o.total, transaction_id: 'tx-2' }), 409, 'paid by another transaction');
    const m = await as(admin)('GET', `/api/v1/mall-orders/${o.order_id}`);
    assert.equal(m.json.status, 'paid');
    assert.deepEqual(m.json.payment, { provider: 'sandbox', transaction: 'tx-1' });
    const g = (await as(admin)('GET', `/api/v1/flash-sales/${sale.id}`)).json;
    assert.equal(g.orders.paid, 1);
    assert.equal(g.orders.pending, 0);
    const orders = await as(admin)('GET', `/api/v1/customers/${c}/orders`);
    assert.ok(orders.json.items.some((x) => x.platform === 'yutang' && x.amount_fen === o.total), JSON.stringify(orders.json.items));
    const audit = await as(admin)('GET', '/api/v1/audit?limit=20');
    assert.ok(audit.json.items.some((e) => e.action === 'mall_order.pay'));
  });

  test('an unpaid order gives its stock back after the payment window, and a late payment is refused', async () => {
    const sale = await flashSale({ stock: 1, per_customer_limit: 1, pay_window_seconds: 1 });
    const [a, b] = await customers(2);
    const o = (await order(sale.id, a, 1)).json;
    assertProblem(await order(sale.id, b, 1), 409);
    const t0 = Date.now();
    let g;
    while (Date.now() - t0 < 5000) {
      g = (await as(admin)('GET', `/api/v1/flash-sales/${sale.id}`)).json;
      if (g.stock_left === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(g.stock_left, 1, 'the stock came back');
    assert.equal(g.orders.released, 1);
    assert.equal((await as(admin)('GET', `/api/v1/mall-orders/${o.order_id}`)).json.status, 'released');
    assertProblem(await notify({ order_id: o.order_id, amount: o.total, transaction_id: 'tx-late' }), 409);
    expectStatus(await order(sale.id, b, 1), 201, 'another buyer gets it');
  });

  test('with an Idempotency-Key a repeated order is answered the same, not placed twice', async () => {
    const sale = await flashSale({ stock: 5, per_customer_limit: 5 });
    const [c] = await customers(1);
    const key = uniq('flash-key');
    const one = await order(sale.id, c, 1, { 'Idempotency-Key': key });
    const two = await order(sale.id, c, 1, { 'Idempotency-Key': key });
    expectStatus(one, 201);
    assert.equal(two.json.order_id, one.json.order_id);
    assert.equal((await as(admin)('GET', `/api/v1/flash-sales/${sale.id}`)).json.stock_left, 4);
  });
});

describe('flash orders while their customers are merged', () => {
  test('no order and no buyer count is left on a merged record, whichever came first', async () => {
    const sale = await flashSale({ stock: 1000, per_customer_limit: 100 });
    const cart = (await product(1000, 5900)).skus[0].id; // checkout's orders too
    const pairs = 30;
    const ids = await customers(2 * pairs);
    const rs = [];
    for (let at = 0; at < pairs; at += 3) { // three pairs at a time: 75 requests, well within one address's connections
      const work = [];
      for (let i = at; i < at + 3; i++) {
        const [s, b] = [ids[2 * i], ids[2 * i + 1]];
        const checkout = () => as(admin)('POST', '/api/v1/mall-orders', { customer_id: b, lines: [{ sku_id: cart, quantity: 1 }] })
          .then((r) => ({ ...r, checkout: true }));
        for (let k = 0; k < 6; k++) work.push(order(sale.id, b, 1), checkout()); // orders for the record about to be absorbed...
        work.push(as(admin)('POST', `/api/v1/customers/${s}/merge`, { from: b })); // ...while it is merged
        for (let k = 0; k < 6; k++) work.push(order(sale.id, b, 1), checkout());
      }
      rs.push(...await Promise.all(work));
    }
    let placed = 0;
    const other = [];
    for (const r of rs) {
      if (r.checkout) { // a checkout during the merge may be asked to try again; none may land on the merged record
        if (r.status !== 201 && !(r.status === 409 && /merged or erased just now/.test(r.text))) other.push(`${r.status} ${r.text}`);
      } else if (r.status === 201 && r.json.order_id) placed++;
      else if (r.status !== 200) other.push(`${r.status} ${r.text}`);
    }
    assert.deepEqual(other, [], 'every order placed and every merge made');
    // the store's flash orders: those filed into mall_orders and those still in the journal
    const flashOrders = 'SELECT id, customer_id, activity_id FROM mall_orders UNION ALL SELECT id, customer_id, activity_id FROM flash_journal';
    const orphans = storeQuery(srv, `SELECT count(*) FROM (${flashOrders}) o JOIN customers c ON c.id = o.customer_id WHERE c.merged_into IS NOT NULL`);
    assert.equal(orphans, '0', 'orders left on merged records');
    const counts = storeQuery(srv, 'SELECT count(*) FROM flash_buyers f JOIN customers c ON c.id = f.customer_id WHERE c.merged_into IS NOT NULL AND f.quantity > 0');
    assert.equal(counts, '0', 'buyer counts left on merged records');
    const [orders, units] = storeQuery(srv, `SELECT count(*), (SELECT COALESCE(SUM(quantity), 0) FROM flash_buyers WHERE sale_id = ${sale.id}) FROM (${flashOrders}) o WHERE activity_id = ${sale.id}`).split('|');
    assert.equal(Number(orders), placed, 'every acknowledged order stored');
    assert.equal(Number(units), placed, "the buyers' counts add up to the orders");
  });
});

describe('payments told several times at once', () => {
  test('five deliveries of one notification at the same moment: one records it, the others are replays, none fails', async () => {
    const sale = await flashSale({ stock: 5, per_customer_limit: 1 });
    const [c] = await customers(1);
    const o = await order(sale.id, c);
    expectStatus(o, 201);
    const body = { order_id: o.json.order_id, amount: o.json.total, transaction_id: uniq('dup') };
    const rs = await Promise.all([0, 1, 2, 3, 4].map(() => notify(body)));
    for (const r of rs) expectStatus(r, 200);
    assert.equal(rs.filter((r) => r.json.replay === false).length, 1);
  });
});

describe('two instances on one store', () => {
  test('orders through both never oversell and never pass a buyer\'s limit, whichever instance took them', async () => {
    const twin = await startServer({ name: 'commerce-twin', shareWith: srv, env: { YUTANG_PAY_SANDBOX_SECRET: SECRET } });
    try {
      const apiB = client(twin.baseUrl).api;
      const adminB = await client(twin.baseUrl).login('admin', srv.adminPassword);
      const sale = await flashSale({ stock: 30, per_customer_limit: 2 });
      const buyers = await customers(40);
      // every buyer asks three times (limit 2): twice through one instance, once through the other, all at once
      const tries = buyers.flatMap((c, i) => {
        const [first, second] = i % 2 ? [apiB, api] : [api, apiB];
        const [t1, t2] = i % 2 ? [adminB, admin] : [admin, adminB];
        const body = { customer_id: c, quantity: 1 };
        return [first('POST', `/api/v1/flash-sales/${sale.id}/orders`, { token: t1, body }),
          first('POST', `/api/v1/flash-sales/${sale.id}/orders`, { token: t1, body }),
          second('POST', `/api/v1/flash-sales/${sale.id}/orders`, { token: t2, body })];
      });
      const rs = await Promise.all(tries);
      const ok = rs.filter((r) => r.status === 201);
      for (const r of rs) if (r.status !== 201) {
        assertProblem(r, 409);
        assert.match(r.json.type, /(sold-out|limit-reached)$/);
      }
      assert.ok(ok.length <= 30, `oversold: ${ok.length}`);
      const per = new Map();
      for (const r of ok) per.set(r.json.customer_id, (per.get(r.json.customer_id) || 0) + 1);
      assert.ok([...per.values()].every((n) => n <= 2), 'nobody over the limit');
      assert.equal(ok.length, 30, 'all the stock sold: 40 buyers want up to 80');
      const { items: stored } = await listAll(api, '/api/v1/mall-orders', admin, { limit: 200 });
      assert.equal(stored.filter((o) => o.activity_id === sale.id).length, 30, 'every acknowledged order is stored, no more');
      const a = await as(admin)('GET', `/api/v1/flash-sales/${sale.id}`);
      assert.equal(a.json.orders.pending, 30);
    } finally {
      await twin.stop();
    }
  });

  test('a sale stopped through one instance takes no more orders through the other', async () => {
    const twin = await startServer({ name: 'commerce-twin-stop', shareWith: srv, env: { YUTANG_PAY_SANDBOX_SECRET: SECRET } });
    try {
      const apiB = client(twin.baseUrl).api;
      const adminB = await client(twin.baseUrl).login('admin', srv.adminPassword);
      const sale = await flashSale({ stock: 50, per_customer_limit: 10 });
      const [c] = await customers(1);
      const viaB = () => apiB('POST', `/api/v1/flash-sales/${sale.id}/orders`, { token: adminB, body: { customer_id: c, quantity: 1 } });
      expectStatus(await viaB(), 201); // the twin now holds the sale in memory, with a lease
      expectStatus(await as(admin)('POST', `/api/v1/flash-sales/${sale.id}/stop`), 200);
      const late = await viaB();
      assertProblem(late, 422, 'the twin learns the stop from the store');
      assert.match(late.json.detail, /over/);
      assertProblem(await viaB(), 422, 'and remembers it');
      const g = expectStatus(await as(admin)('GET', `/api/v1/flash-sales/${sale.id}`), 200);
      assert.equal(g.orders.pending, 1, 'only the order before the stop');
    } finally {
      await twin.stop();
    }
  });
});

describe('stock leases of several instances', () => {
  // A sale of 100 units, 100 a customer. The twin sells one unit, which leases it a block (a quarter of what is
  // left beyond its need), so the main instance alone can lease at most what is not parked there.
  async function leasedByTwin(twinEnv) {
    const twin = await startServer({ name: 'commerce-lease', shareWith: srv, env: { YUTANG_PAY_SANDBOX_SECRET: SECRET, ...twinEnv } });
    const tokB = await client(twin.baseUrl).login('admin', srv.adminPassword);
    const sale = await flashSale({ stock: 100, per_customer_limit: 100 });
    const [first, rest] = await customers(2);
    const r = await client(twin.baseUrl).api('POST', `/api/v1/flash-sales/${sale.id}/orders`, { token: tokB, body: { customer_id: first, quantity: 1 } });
    expectStatus(r, 201);
    const g = (await as(admin)('GET', `/api/v1/flash-sales/${sale.id}`)).json;
    assert.equal(g.leases.length, 1, 'the twin holds a lease');
    assert.ok(g.leases[0].held > 0 && g.leases[0].held < 99, `a block, not the whole pool: ${g.leases[0].held}`);
    assert.equal(g.stock_left, 99, 'units on lease are not sold');
    return { twin, sale, rest, parked: g.leases[0].held };
  }
  // the main instance buys up to n units one at a time until it is told sold out (retrying that for
  // patienceMs: units going back to a sale are leased again); how many it got
  async function buyUnits(sale, customer, n, patienceMs = 0) {
    let got = 0;
    const until = Date.now() + patienceMs;
    while (got < n) {
      const r = await order(sale.id, customer, 1);
      if (r.status === 201) { got++; continue; }
      assertProblem(r, 409);
      assert.match(r.json.type, /sold-out$/);
      if (Date.now() >= until) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    return got;
  }
  async function settled(sale) {
    const g = (await as(admin)('GET', `/api/v1/flash-sales/${sale.id}`)).json;
    assert.equal(g.stock_left, 0);
    assert.equal(g.orders.quantity_pending, 100);
    assert.deepEqual(g.leases, [], 'nothing left on lease once all is sold');
    const { items } = await listAll(api, '/api/v1/mall-orders', admin, { limit: 200 });
    assert.equal(items.filter((o) => o.activity_id === sale.id).reduce((n, o) => n + o.quantity, 0), 100, 'never oversold');
  }

  test('a lease an instance stops using goes back, so another sells the last units', async () => {
    const { twin, sale, rest, parked } = await leasedByTwin({ YUTANG_FLASH_LEASE_IDLE_MS: '300' });
    try {
      await new Promise((r) => setTimeout(r, 1800)); // idle time, then the twin's next sweep
      const g = (await as(admin)('GET', `/api/v1/flash-sales/${sale.id}`)).json;
      assert.deepEqual(g.leases, [], `the twin gave its ${parked} units back`);
      assert.equal(await buyUnits(sale, rest, 100), 99);
      await settled(sale);
    } finally { await twin.stop(); }
  });

  test('an instance that stops gives its lease back at once', async () => {
    const { twin, sale, rest } = await leasedByTwin({ YUTANG_FLASH_LEASE_IDLE_MS: '600000' });
    await twin.stop();
    assert.equal(await buyUnits(sale, rest, 100), 99);
    await settled(sale);
  });

  test('the lease of an instance killed with kill -9 goes back after the lease time, and not before', async () => {
    const { twin, sale, rest, parked } = await leasedByTwin({ YUTANG_FLASH_LEASE_IDLE_MS: '600000' });
    await twin.kill9();
    // the main instance (lease time 15 s) cannot yet sell what the dead twin holds
    assert.equal(await buyUnits(sale, rest, 100), 99 - parked, 'units on a lease that has not run out are not sold elsewhere');
    // a third instance with a short lease time takes it back
    const third = await startServer({ name: 'commerce-reclaim', shareWith: srv, env: { YUTANG_PAY_SANDBOX_SECRET: SECRET, YUTANG_FLASH_LEASE_TTL_MS: '1000' } });
    try {
      let g;
      for (let i = 0; i < 50; i++) {
        g = (await as(admin)('GET', `/api/v1/flash-sales/${sale.id}`)).json;
        if (!g.leases.some((l) => l.held === parked)) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(!g.leases.some((l) => l.held === parked), 'the dead lease went back');
      assert.equal(await buyUnits(sale, rest, 100, 3000), parked, 'its units sell again, and no more');
      await settled(sale);
    } finally { await third.stop(); }
  });
});

describe('kill -9 in the middle of a sale', () => {
  test('every acknowledged order is in the store, and stock left = stock - paid - pending', async () => {
    const own = await startServer({ name: 'commerce-crash', env: { YUTANG_PAY_SANDBOX_SECRET: SECRET } });
    try {
      const c = client(own.baseUrl);
      const tok = await c.login('admin', own.adminPassword);
      const call = (m, p, body) => c.api(m, p, { token: tok, body });
      const p = (await call('POST', '/api/v1/products', { name: '断电测试', skus: [{ name: '默认', price: 100, stock: 5000 }] })).json;
      const made = await call('POST', '/api/v1/flash-sales', { name: '崩溃秒杀', sku_id: p.skus[0].id, price: 100, stock: 5000, per_customer_limit: 1000,
        starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000) });
      expectStatus(made, 201);
      const sale = made.json;
      const buyer = (await call('POST', '/api/v1/customers', { name: '压测客户' })).json.id;
      const acked = new Set();
      let killed = null;
      const workers = Array.from({ length: 32 }, async () => {
        for (;;) {
          let r;
          try { r = await c.api('POST', `/api/v1/flash-sales/${sale.id}/orders`, { token: tok, body: { customer_id: buyer, quantity: 1 }, timeoutMs: 5000 }); } catch { return; }
          if (r.status === 201) acked.add(r.json.order_id);
          else if (!killed) throw new Error(`an order before the kill: ${r.status} ${r.text}`);
          if (!killed && acked.size >= 300) killed = own.kill9();
          if (killed) return;
        }
      });
      await Promise.all(workers);
      await killed;
      await own.restart();
      const c2 = client(own.baseUrl);
      const t2 = await c2.login('admin', own.adminPassword);
      const g = (await c2.api('GET', `/api/v1/flash-sales/${sale.id}`, { token: t2 })).json;
      const stored = [];
      for (let cursor = ''; ;) {
        const page = (await c2.api('GET', `/api/v1/mall-orders?customer_id=${buyer}&limit=200${cursor}`, { token: t2 })).json;
        stored.push(...page.items);
        if (!page.next_cursor) break;
        cursor = `&cursor=${page.next_cursor}`;
      }
      const ids = new Set(stored.map((o) => o.id));
      for (const id of acked) assert.ok(ids.has(id), `acknowledged order ${id} is in the store`);
      const held = stored.filter((o) => o.status === 'pending' || o.status === 'paid').reduce((s, o) => s + o.quantity, 0);
      assert.equal(g.stock_left, 5000 - held);
      assert.equal(g.orders.quantity_pending + g.orders.quantity_paid, held);
      expectStatus(await c2.api('POST', `/api/v1/flash-sales/${sale.id}/orders`, { token: t2, body: { customer_id: buyer, quantity: 1 } }), 201, 'the sale goes on');
    } finally { await own.stop().catch(() => {}); }
  });
});

describe('the flash order journal', () => {
  // A hot sale's orders go to the journal first and are filed into mall_orders once the sale is quiet. This
  // server never files when quiet (a long idle time), so every read below is the first to need the orders.
  test('orders still in the journal are seen and changed by every reader, keep their ids, and survive kill -9', async () => {
    const own = await startServer({ name: 'commerce-journal', env: { YUTANG_PAY_SANDBOX_SECRET: SECRET, YUTANG_FLASH_FILE_IDLE_MS: '600000' } });
    try {
      const c = client(own.baseUrl);
      const tok = await c.login('admin', own.adminPassword);
      const call = (m, p, body) => c.api(m, p, { token: tok, body });
      const p = (await call('POST', '/api/v1/products', { name: '日志测试', skus: [{ name: '默认', price: 500, stock: 10000 }] })).json;
      const sale = (await call('POST', '/api/v1/flash-sales', { name: '日志秒杀', sku_id: p.skus[0].id, price: 300, stock: 5000,
        per_customer_limit: 1000, starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000) })).json;
      const buyers = [];
      for (let i = 0; i < 3; i++) buyers.push((await call('POST', '/api/v1/customers', { name: `日志客户${i}` })).json.id);
      const journal = () => Number(storeQuery(own, 'SELECT count(*) FROM flash_journal'));
      const acked = new Map(); // order id -> customer
      // orders at once until some wait in the journal (each group's newest goes straight to mall_orders)
      const burst = async () => {
        for (let round = 0; round < 10 && journal() === 0; round++) {
          const rs = await Promise.all(Array.from({ length: 30 }, (_, i) =>
            call('POST', `/api/v1/flash-sales/${sale.id}/orders`, { customer_id: buyers[i % 3], quantity: 1 })));
          for (const r of rs) { expectStatus(r, 201); acked.set(r.json.order_id, r.json.customer_id); }
        }
        assert.ok(journal() > 0, 'orders wait in the journal');
        return storeQuery(own, 'SELECT id FROM flash_journal ORDER BY id').split('\n').map(Number);
      };
      // the sale's counts, and the list's, count the orders where they are
      await burst();
      const held0 = journal();
      const g = (await call('GET', `/api/v1/flash-sales/${sale.id}`)).json;
      assert.equal(g.orders.pending, acked.size);
      assert.equal(g.stock_left, 5000 - acked.size);
      const listed = (await call('GET', '/api/v1/flash-sales?limit=50')).json.items.find((x) => x.id === sale.id);
      assert.equal(listed.orders.quantity_pending, acked.size);
      assert.equal(journal(), held0, 'reading a sale files nothing');
      // the staff's list of all orders files the journal
      const all = await listAll(c.api, '/api/v1/mall-orders', tok, { limit: 200 });
      assert.equal(all.items.filter((o) => o.activity_id === sale.id).length, acked.size);
      assert.equal(journal(), 0, 'the list filed the journal');
      // one order by id, and a customer's list
      let waiting = await burst();
      const one = await call('GET', `/api/v1/mall-orders/${waiting[0]}`);
      expectStatus(one, 200);
      assert.equal(one.json.id, waiting[0]);
      assert.equal(one.json.kind, 'flash');
      waiting = await burst();
      const mine = await listAll(c.api, `/api/v1/mall-orders?customer_id=${buyers[1]}`, tok, { limit: 200 });
      const want = [...acked].filter(([, cust]) => cust === buyers[1]).map(([id]) => id).sort((a, b) => a - b);
      assert.deepEqual(mine.items.map((o) => o.id).sort((a, b) => a - b), want);
      // a payment for an order in the journal
      waiting = await burst();
      const total = 300;
      const paid = await notify({ order_id: waiting.at(-1), amount: total, transaction_id: uniq('tx-journal') }, SECRET, c.api);
      expectStatus(paid, 200);
      assert.equal((await call('GET', `/api/v1/mall-orders/${waiting.at(-1)}`)).json.status, 'paid');
      // an order written elsewhere while the journal holds orders takes none of their ids
      waiting = await burst();
      const checkout = await call('POST', '/api/v1/mall-orders', { customer_id: buyers[0], lines: [{ sku_id: p.skus[0].id, quantity: 1 }] });
      expectStatus(checkout, 201);
      assert.ok(!acked.has(checkout.json.id) && checkout.json.id > Math.max(...waiting), `checkout id ${checkout.json.id}`);
      // orders whose payment window ends while they wait in the journal are filed by the beat and released
      const brief = (await call('POST', '/api/v1/flash-sales', { name: '短窗秒杀', sku_id: p.skus[0].id, price: 300, stock: 500,
        per_customer_limit: 1000, starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000), pay_window_seconds: 2 })).json;
      await listAll(c.api, '/api/v1/mall-orders', tok, { limit: 200 }); // files what the steps above left
      assert.equal(journal(), 0);
      let held = 0;
      for (let round = 0; round < 10 && journal() === 0; round++) {
        const rs = await Promise.all(Array.from({ length: 30 }, (_, i) =>
          call('POST', `/api/v1/flash-sales/${brief.id}/orders`, { customer_id: buyers[i % 3], quantity: 1 })));
        for (const r of rs) expectStatus(r, 201);
        held += rs.length;
      }
      assert.ok(journal() > 0, 'orders wait in the journal');
      let released = 0;
      for (let i = 0; i < 80 && released < held; i++) {
        await new Promise((res) => setTimeout(res, 100));
        released = Number(storeQuery(own, `SELECT count(*) FROM mall_orders WHERE activity_id = ${brief.id} AND status = 'released'`));
      }
      assert.equal(released, held, 'every order past its window, filed and released without a read');
      assert.equal(journal(), 0);
      // another instance on the same store sees the orders this one holds in the journal (made after it started,
      // which files what it finds)
      const twin = await startServer({ name: 'commerce-journal-twin', shareWith: own, env: { YUTANG_FLASH_FILE_IDLE_MS: '600000' } });
      try {
        waiting = await burst();
        const tw = client(twin.baseUrl);
        const ttok = await tw.login('admin', own.adminPassword);
        const seen = (await tw.api('GET', `/api/v1/flash-sales/${sale.id}`, { token: ttok })).json;
        assert.equal(seen.orders.pending + seen.orders.paid, acked.size, 'the other instance counts every order');
        const theirs = (await tw.api('GET', `/api/v1/mall-orders/${waiting.at(-1)}`, { token: ttok })).json;
        assert.equal(theirs.id, waiting.at(-1), 'the other instance reads an order this one holds');
      } finally { await twin.stop(); }
      // kill -9 with orders in the journal: after the restart each is in mall_orders, once
      waiting = await burst();
      await own.kill9();
      await own.restart();
      assert.equal(journal(), 0, 'the start filed the journal');
      const filed = storeQuery(own, `SELECT id FROM mall_orders WHERE activity_id = ${sale.id} AND kind = 'flash' ORDER BY id`).split('\n').map(Number);
      assert.deepEqual(filed, [...acked.keys()].sort((a, b) => a - b), 'every acknowledged order, once');
      const t2 = await client(own.baseUrl).login('admin', own.adminPassword);
      const after = (await client(own.baseUrl).api('GET', `/api/v1/flash-sales/${sale.id}`, { token: t2 })).json;
      assert.equal(after.orders.pending + after.orders.paid, acked.size);
      assert.equal(after.stock_left, 5000 - acked.size);
    } finally { await own.stop().catch(() => {}); }
  });
});
