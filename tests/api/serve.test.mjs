// `yutang serve` itself: the first owner's generated password, idle connection timeouts, graceful stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { startServer } from '../lib/server.mjs';
import { client, expectStatus } from '../lib/client.mjs';

test('without YUTANG_ADMIN_PASSWORD the first start prints a generated password once, and it works', async () => {
  const srv = await startServer({ name: 'serve-genpass', env: { YUTANG_ADMIN_PASSWORD: '' } });
  try {
    const out = fs.readFileSync(`${srv.logFile}.stdout`, 'utf8');
    const m = out.match(/with the password: (\S+)/);
    assert.ok(m, `password printed: ${out}`);
    assert.ok(!fs.readFileSync(srv.logFile, 'utf8').includes(m[1]), 'never in the JSON log');
    const token = await client(srv.baseUrl).login('admin', m[1]);
    assert.ok(token);
    await srv.restart();
    const again = fs.readFileSync(`${srv.logFile}.stdout`, 'utf8');
    assert.equal(again.split('with the password:').length - 1, 1, 'printed once only, not on the next start');
  } finally {
    await srv.stop();
  }
});

test('an idle connection that never sends a request is closed after the timeout', async () => {
  const srv = await startServer({ name: 'serve-timeout', args: ['--timeout', '2'] });
  try {
    const { hostname, port } = new URL(srv.baseUrl);
    const t0 = Date.now();
    const closedAfter = await new Promise((resolve, reject) => {
      const s = net.connect(Number(port), hostname, () => s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n')); // never finishes
      s.on('close', () => resolve(Date.now() - t0));
      s.on('error', () => {});
      setTimeout(() => { s.destroy(); reject(new Error('still open after 15 s')); }, 15000);
    });
    assert.ok(closedAfter >= 1500 && closedAfter < 10000, `closed after ${closedAfter} ms`);
    // fetch may first try a pooled keep-alive connection the server closed as idle too: that is the point
    let ok = null;
    for (let i = 0; i < 3 && !ok; i++) ok = await client(srv.baseUrl).api('GET', '/healthz').catch(() => null);
    expectStatus(ok, 200, 'the server carries on');
  } finally {
    await srv.stop();
  }
});
