// Durability: SIGTERM while writes are in flight; the server drains and exits cleanly, and every acknowledged write survives.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, binPath, startServer } from '../lib/server.mjs';
import { client, assertProblem, expectStatus, listAll, uniq } from '../lib/client.mjs';

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

describe('SIGTERM during in-flight writes', () => {
  test('graceful stop keeps every acknowledged write', { timeout: 300000 }, async (t) => {
    const srv = await startServer({ name: 'durability' });
    try {
      let { api } = client(srv.baseUrl);
      let token = await client(srv.baseUrl).login('admin', srv.adminPassword);
      const run = uniq('d');
      const tag = `耐久${run}`;
      const ackCustomers = [];   // {id, name}
      const ackRemarks = [];     // {customerId, body}
      const ackEvents = [];      // keys
      const statuses = [];
      let stopping = false; let n = 0;
      const anchor = expectStatus(await api('POST', '/api/v1/customers', { token, body: { name: `锚${run}` } }), 201);

      const worker = async (w) => {
        while (!stopping || n < 100000) {
          const i = n++;
          try {
            if (i % 3 === 0) {
              const name = `耐久客户${run}-${i}`;
              const r = await api('POST', '/api/v1/customers', { token, body: { name, tags: [tag] }, timeoutMs: 20000 });
              statuses.push(r.status);
              if (r.status === 201) ackCustomers.push({ id: r.json.id, name });
            } else if (i % 3 === 1) {
              const body = `备注${run}-${i}`;
              const r = await api('POST', `/api/v1/customers/${anchor.id}/remarks`, { token, body: { body }, timeoutMs: 20000 });
              statuses.push(r.status);
              if (r.status === 201) ackRemarks.push(body);
            } else {
              const keys = Array.from({ length: 20 }, (_, k) => `${run}-${i}-${k}`);
              const r = await api('POST', '/api/v1/events', { token, body: { events: keys.map((key) => ({ customer: { id: anchor.id }, type: 'checkin', key })) }, timeoutMs: 20000 });
              statuses.push(r.status);
              if (r.status === 200 && r.json.accepted === 20) ackEvents.push(...keys);
            }
          } catch {
            if (stopping) return;     // the listener is closed: stop this worker
            throw new Error(`worker ${w}: request failed before SIGTERM`);
          }
          if (stopping && srv.exitCode !== undefined) return;
        }
      };
      const workers = Array.from({ length: 10 }, (_, w) => worker(w));
      await sleep(1500);
      assert.ok(ackCustomers.length + ackRemarks.length + ackEvents.length > 0, 'writes were acknowledged before SIGTERM');
      stopping = true;
      const t0 = Date.now();
      const ex = await srv.stop(20000);
      const took = Date.now() - t0;
      await Promise.all(workers);
      assert.equal(ex.signal, null, `exited by itself after SIGTERM, not killed (signal ${ex.signal})`);
      assert.equal(ex.code, 0, 'clean exit code');
      assert.ok(took < 15000, `drained within 15 s (${took} ms)`);
      assert.ok(statuses.every((s) => s < 500 || s === 503), `only 503 allowed while draining, got ${[...new Set(statuses)]}`);

      t.diagnostic(`acknowledged before exit: ${ackCustomers.length} customers, ${ackRemarks.length} remarks, ${ackEvents.length} events; drained in ${took} ms`);
      await srv.restart();
      ({ api } = client(srv.baseUrl));
      token = await client(srv.baseUrl).login('admin', srv.adminPassword);
      const listed = await listAll(api, `/api/v1/customers?tag=${encodeURIComponent(tag)}`, token, { limit: 200 });
      const have = new Map(listed.items.map((c) => [c.id, c.name]));
      const lost = ackCustomers.filter((c) => have.get(c.id) !== c.name);
      assert.deepEqual(lost.slice(0, 10), [], `${lost.length} of ${ackCustomers.length} acknowledged customers lost`);
      const remarks = new Set((await listAll(api, `/api/v1/customers/${anchor.id}/remarks`, token, { limit: 200 })).items.map((r) => r.body));
      const lostR = ackRemarks.filter((b) => !remarks.has(b));
      assert.deepEqual(lostR.slice(0, 10), [], `${lostR.length} of ${ackRemarks.length} acknowledged remarks lost`);
      const keys = new Set((await listAll(api, `/api/v1/customers/${anchor.id}/events`, token, { limit: 200 })).items.map((e) => e.key));
      const lostE = ackEvents.filter((k) => !keys.has(k));
      assert.deepEqual(lostE.slice(0, 10), [], `${lostE.length} of ${ackEvents.length} acknowledged events lost`);
      assert.equal(keys.size % 20, 0, 'event batches are whole');
    } finally {
      await srv.stop();
    }
  });

  test('SIGTERM on an idle server exits 0 promptly', { timeout: 60000 }, async () => {
    const srv = await startServer({ name: 'durability-idle' });
    const t0 = Date.now();
    const ex = await srv.stop(10000);
    assert.equal(ex.signal, null);
    assert.equal(ex.code, 0);
    assert.ok(Date.now() - t0 < 5000, 'idle shutdown under 5 s');
  });
});

// SQLite: the writer commits in groups; an answer waits for the sync that makes its commit durable.
describe('answers wait for durability', () => {
  const metric = (text, name) => Number((text.match(new RegExp(`^${name} (\\d+)$`, 'm')) || [])[1] ?? NaN);
  test('each write is answered only after a sync of the log made it durable', { timeout: 60000 }, async () => {
    const srv = await startServer({ name: 'durability-groups', store: 'sqlite' });
    try {
      const { api } = client(srv.baseUrl);
      const token = await client(srv.baseUrl).login('admin', srv.adminPassword);
      const read = async () => (await api('GET', '/metrics')).text;
      const before = await read();
      const n = 12;
      for (let i = 0; i < n; i++) expectStatus(await api('POST', '/api/v1/tags', { token, body: { name: `组提交${i}-${uniq('g')}` } }), 201);
      const burst = await Promise.all(Array.from({ length: 40 }, (_, i) =>
        api('POST', '/api/v1/customers', { token, body: { name: `组提交客户${i}` } })));
      for (const r of burst) expectStatus(r, 201);
      const after = await read();
      const d = (name) => metric(after, name) - metric(before, name);
      // each of the one-at-a-time writes waited for a sync; of the burst, those whose commit an earlier sync
      // had already covered went at once, the others waited
      assert.ok(d('yutang_http_answers_held_total') >= n + 1, `answers held: ${d('yutang_http_answers_held_total')}`);
      assert.ok(d('yutang_store_synced_commits_total') >= n + 40, `commits synced: ${d('yutang_store_synced_commits_total')}`);
      assert.ok(d('yutang_store_syncs_total') >= 1);
      assert.ok(d('yutang_store_syncs_total') <= d('yutang_store_synced_commits_total'));
      // the customers are all there, through a fresh connection's eyes
      for (const r of burst) expectStatus(await api('GET', `/api/v1/customers/${r.json.id}`, { token }), 200);
    } finally {
      await srv.stop();
    }
  });
});

// SQLite: a disk that refuses to sync the log (fdatasync fails with EIO, through tests/support/sync_fault.c
// preloaded into the server). The kernel may have dropped what it could not write, and a later sync would
// still succeed, so the store calls nothing durable again until the server restarts.
describe('a disk that refuses to sync the log', () => {
  const shim = path.join(path.dirname(path.resolve(ROOT, binPath())), 'libyt_sync_fault.so');
  test('writes answer 503, and keep doing so after the disk recovers, until a restart', { timeout: 120000 }, async (t) => {
    if (!fs.existsSync(shim)) throw new Error(`missing ${shim}: build the project first`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-fault-'));
    const flag = path.join(dir, 'refuse');
    // an AddressSanitizer build wants its runtime first among the libraries; the shim goes first here
    const asan = process.env.YT_SANITIZED ? { ASAN_OPTIONS: `${process.env.ASAN_OPTIONS || ''}:verify_asan_link_order=0` } : {};
    const srv = await startServer({ name: 'durability-fault', store: 'sqlite', env: { LD_PRELOAD: shim, YT_SYNC_FAULT_FILE: flag, ...asan } });
    try {
      let { api } = client(srv.baseUrl);
      let token = await client(srv.baseUrl).login('admin', srv.adminPassword);
      const kept = expectStatus(await api('POST', '/api/v1/customers', { token, body: { name: '同步前客户' } }), 201);
      const p = expectStatus(await api('POST', '/api/v1/products', { token, body: { name: '故障秒杀', skus: [{ name: '默认', price: 990, stock: 50 }] } }), 201);
      const now = Date.now();
      const sale = expectStatus(await api('POST', '/api/v1/flash-sales', { token, body: { name: '故障秒杀', sku_id: p.skus[0].id, price: 100, stock: 10,
        per_customer_limit: 5, starts_at: new Date(now - 1000).toISOString(), ends_at: new Date(now + 3600000).toISOString() } }), 201);
      const ok = expectStatus(await api('POST', `/api/v1/flash-sales/${sale.id}/orders`, { token, body: { customer_id: kept.id, quantity: 1 } }), 201);

      fs.writeFileSync(flag, '');
      const w = await api('POST', '/api/v1/customers', { token, body: { name: '同步失败客户' } });
      assertProblem(w, 503);
      assert.match(w.json.detail, /may be lost/);
      const o = await api('POST', `/api/v1/flash-sales/${sale.id}/orders`, { token, body: { customer_id: kept.id, quantity: 1 } });
      assertProblem(o, 503);
      assert.match(o.json.detail, /may be lost/);

      // the disk answers again, but what it dropped is not known: still nothing is called durable
      fs.rmSync(flag);
      const again = await api('POST', '/api/v1/tags', { token, body: { name: `同步后${uniq('t')}` } });
      assertProblem(again, 503);
      assert.match(again.json.detail, /until the server restarts/);
      // health and metrics show no data, so they still answer: not alive, not ready, and the failure counted
      for (const probe of ['/healthz', '/readyz']) {
        const h = await api('GET', probe);
        assert.equal(h.status, 503, probe);
        assert.match(h.json.status, /restart the server/, probe);
      }
      const m = await api('GET', '/metrics');
      assert.equal(m.status, 200);
      assert.match(m.text, /^yutang_store_sync_failures_total [1-9]/m);
      assert.match(fs.readFileSync(srv.logFile, 'utf8'), /cannot sync the write-ahead log: .*until the server restarts/);

      // a restart recovers what the log holds on disk, and serves again
      const ex = await srv.stop(20000);
      assert.equal(ex.code, 0, 'clean exit');
      await srv.restart();
      ({ api } = client(srv.baseUrl));
      token = await client(srv.baseUrl).login('admin', srv.adminPassword);
      expectStatus(await api('GET', '/readyz'), 200);
      expectStatus(await api('GET', `/api/v1/customers/${kept.id}`, { token }), 200);
      const after = expectStatus(await api('GET', `/api/v1/flash-sales/${sale.id}`, { token }), 200);
      assert.ok(after.orders.pending >= 1, `the acknowledged order is there: ${JSON.stringify(after.orders)}`);
      expectStatus(await api('POST', '/api/v1/customers', { token, body: { name: '重启后客户' } }), 201);
      t.diagnostic(`order ${ok.order_id} kept; after the restart the sale shows ${after.orders.pending} pending`);
    } finally {
      await srv.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
