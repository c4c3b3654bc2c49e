// Crash safety: kill -9 during concurrent batch ingest loses no acknowledged event and never half-applies a batch.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { client, expectStatus, listAll, uniq } from '../lib/client.mjs';

const BATCHES = 400;      // per round
const PER_BATCH = 50;     // events per batch, all for one customer
const CONCURRENCY = 12;

async function customerFor(api, token, ext) {
  const r = expectStatus(await api('GET', `/api/v1/customers?external_userid=${encodeURIComponent(ext)}`, { token }), 200);
  assert.ok(r.items.length <= 1, `at most one customer for ${ext}`);
  return r.items[0] || null;
}

async function keysOf(api, token, id) {
  return (await listAll(api, `/api/v1/customers/${id}/events`, token, { limit: 200 })).items.map((e) => e.key);
}

function batchOf(run, b) {
  const ext = `crash-${run}-${b}`;
  return {
    ext,
    keys: Array.from({ length: PER_BATCH }, (_, i) => `${run}-${b}-${i}`),
    events: Array.from({ length: PER_BATCH }, (_, i) => ({
      customer: { external_userid: ext }, type: i % 2 ? 'page_viewed' : 'message_sent', key: `${run}-${b}-${i}`,
      properties: { batch: b, i, pad: '数据'.repeat(8) },
    })),
  };
}

/** Sends all batches with bounded concurrency; kills the server with SIGKILL once `killAfter` batches are acknowledged. */
async function ingestAndKill(srv, token, run, killAfter) {
  const { api } = client(srv.baseUrl);
  const acked = new Set(); const failed = new Set(); const statuses = [];
  let next = 0; let killed = null;
  const worker = async () => {
    while (next < BATCHES) {
      const b = next++;
      const { events } = batchOf(run, b);
      try {
        const r = await api('POST', '/api/v1/events', { token, body: { events }, timeoutMs: 30000 });
        statuses.push(r.status);
        if (r.status === 200 && r.json && r.json.accepted + r.json.duplicates === PER_BATCH && r.json.errors.length === 0) acked.add(b);
        else failed.add(b);
      } catch {
        failed.add(b);   // connection reset / refused after the kill
      }
      if (!killed && acked.size >= killAfter) killed = srv.kill9();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (!killed) killed = srv.kill9();
  const ex = await killed;
  return { acked, failed, statuses, ex };
}

describe('kill -9 during batch ingest', () => {
  test('acknowledged batches survive, no batch is half-applied, re-sending completes the rest', { timeout: 600000 }, async (t) => {
    const srv = await startServer({ name: 'crash' });
    try {
      for (const [round, killAfter] of [[1, Math.floor(BATCHES / 3)], [2, Math.floor(BATCHES / 2)]]) {
        const run = uniq(`r${round}`);
        let token = await client(srv.baseUrl).login('admin', srv.adminPassword);
        const { acked, statuses, ex } = await ingestAndKill(srv, token, run, killAfter);
        assert.equal(ex.signal, 'SIGKILL', 'the server was killed, not exited on its own');
        assert.ok(acked.size >= killAfter, `round ${round}: ${acked.size} batches acknowledged before the kill`);
        assert.ok(acked.size < BATCHES, `round ${round}: the kill landed mid-way (${acked.size}/${BATCHES} acknowledged)`);
        t.diagnostic(`round ${round}: ${acked.size}/${BATCHES} batches acknowledged before kill -9`);
        assert.ok(statuses.every((s) => s < 500), `round ${round}: no 5xx before the kill: ${[...new Set(statuses)]}`);

        await srv.restart();
        const { api } = client(srv.baseUrl);
        token = await client(srv.baseUrl).login('admin', srv.adminPassword);
        let full = 0; let absent = 0;
        const problems = [];
        for (let b = 0; b < BATCHES; b++) {
          const { ext, keys } = batchOf(run, b);
          const c = await customerFor(api, token, ext);
          const got = c ? await keysOf(api, token, c.id) : [];
          if (new Set(got).size !== got.length) problems.push(`batch ${b}: duplicate events`);
          if (got.length === PER_BATCH) {
            full += 1;
            if (JSON.stringify([...got].sort()) !== JSON.stringify([...keys].sort())) problems.push(`batch ${b}: wrong keys`);
          } else if (got.length === 0) {
            absent += 1;
            if (acked.has(b)) problems.push(`batch ${b}: acknowledged but missing after restart`);
          } else {
            problems.push(`batch ${b}: half-applied (${got.length}/${PER_BATCH})`);
          }
        }
        assert.deepEqual(problems.slice(0, 20), [], `round ${round}: ${problems.length} problems`);
        assert.equal(full + absent, BATCHES);
        assert.ok(full >= acked.size);
        t.diagnostic(`round ${round}: after restart ${full} batches complete, ${absent} absent, none partial`);

        // re-send everything: acknowledged batches are all duplicates; afterwards every batch is complete
        for (let b = 0; b < BATCHES; b++) {
          const { events } = batchOf(run, b);
          const r = expectStatus(await api('POST', '/api/v1/events', { token, body: { events } }), 200, `resend ${b}`);
          assert.equal(r.accepted + r.duplicates, PER_BATCH);
          if (acked.has(b)) assert.equal(r.duplicates, PER_BATCH, `batch ${b} was stored, so all duplicates`);
        }
        const sample = [0, 1, Math.floor(BATCHES / 2), BATCHES - 1];
        for (const b of sample) {
          const { ext } = batchOf(run, b);
          const c = await customerFor(api, token, ext);
          assert.ok(c);
          assert.equal((await keysOf(api, token, c.id)).length, PER_BATCH, `batch ${b} complete after re-send`);
        }
      }
    } finally {
      await srv.stop();
    }
  });
});
