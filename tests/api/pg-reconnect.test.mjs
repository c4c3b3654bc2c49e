// PostgreSQL only: when the server's database connections are cut (restart, failover), yutang reconnects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer } from '../lib/server.mjs';
import { client, expectStatus } from '../lib/client.mjs';

const isPg = (process.env.YT_TEST_STORE || 'sqlite') === 'pg';
let srv, api, token;
before(async () => {
  if (!isPg) return;
  srv = await startServer({ name: 'pg-reconnect' });
  ({ api } = client(srv.baseUrl));
  token = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

function cutConnections() {
  const dbname = new URL(srv.db).pathname.slice(1);
  execFileSync('psql', [process.env.YT_TEST_PG_URL, '-qAtc',
    `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${dbname}' AND pid <> pg_backend_pid()`]);
}

test('reads and writes succeed right after every connection was terminated', { skip: !isPg && 'runs against PostgreSQL' }, async () => {
  expectStatus(await api('GET', '/api/v1/me', { token }), 200);
  for (let round = 0; round < 3; round++) {
    cutConnections();
    expectStatus(await api('GET', '/api/v1/me', { token }), 200, `read after cut ${round}`);
    cutConnections();
    const c = expectStatus(await api('POST', '/api/v1/customers', { token, body: { name: `重连${round}` } }), 201, `write after cut ${round}`);
    expectStatus(await api('GET', `/api/v1/customers/${c.id}`, { token }), 200);
  }
  expectStatus(await api('GET', '/readyz'), 200);
});
