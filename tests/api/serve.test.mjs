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

/* Writes bytes on one connection and collects everything the server sends until it closes or `until`
 * holds for what arrived. */
function exchange(baseUrl, bytes, until = null, timeoutMs = 5000) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let got = '';
    const s = net.connect(Number(port), hostname, () => s.write(bytes));
    const done = () => { clearTimeout(timer); s.destroy(); resolve(got); };
    s.on('data', (d) => { got += d.toString('utf8'); if (until && until(got)) done(); });
    s.on('close', done);
    s.on('error', () => {});
    const timer = setTimeout(() => { s.destroy(); reject(new Error(`no end after ${timeoutMs} ms: ${got.slice(0, 300)}`)); }, timeoutMs);
  });
}

const answers = (text) => text.split(/(?=HTTP\/1\.1 \d{3} )/).filter((a) => a.startsWith('HTTP/1.1'));

// each twice: with the loops' reads and answers batched through io_uring (the default), and with --plain-io
// (a system call each, as where the kernel offers no io_uring)
for (const io of [[], ['--plain-io']]) {
  const mode = io.length ? ' (--plain-io)' : '';

  test(`HTTP/1.1 edges: pipelined requests answered in order, HTTP/1.0, HEAD, a bad request line${mode}`, async () => {
    const srv = await startServer({ name: 'serve-http', args: io });
    try {
      const api = client(srv.baseUrl);
      const token = await api.login('admin', srv.adminPassword);
      const body = JSON.stringify({ name: '管道' });
      // three requests in one write, the second with a body: three answers, in order, on the one connection
      const three = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' +
        `POST /api/v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}` +
        'GET /api/v1/no-such-route HTTP/1.1\r\nHost: x\r\n\r\n';
      const got = answers(await exchange(srv.baseUrl, three, (t) => answers(t).length === 3 && /"no such route"|404[\s\S]*\}$/.test(t)));
      assert.equal(got.length, 3, got.join('\n---\n'));
      assert.match(got[0], /^HTTP\/1\.1 200 /);
      assert.match(got[0], /"status":"ok"/);
      assert.match(got[1], /^HTTP\/1\.1 201 /);
      assert.match(got[1], /管道/);
      assert.match(got[2], /^HTTP\/1\.1 404 /);
      // a stray CRLF after a request (as old clients send) starts no request of its own
      for (const tail of ['\r\n', '\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']) {
        const want = tail.length > 2 ? 2 : 1;
        const stray = answers(await exchange(srv.baseUrl, `GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n${tail}`,
          (t) => answers(t).length === want && t.endsWith('}')));
        assert.deepEqual(stray.map((a) => a.slice(9, 12)), Array(want).fill('200'));
        await new Promise((r) => setTimeout(r, 100)); // the stray bytes are read after the answer
        expectStatus(await api.api('GET', '/healthz'), 200, 'the server carries on');
      }
      // HTTP/1.0 closes after the answer unless asked to keep the connection
      const ten = await exchange(srv.baseUrl, 'GET /healthz HTTP/1.0\r\n\r\n');
      assert.match(ten, /^HTTP\/1\.1 200 [\s\S]*Connection: close/);
      const kept = await exchange(srv.baseUrl, 'GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', (t) => t.includes('"ok"'));
      assert.match(kept, /Connection: keep-alive/);
      // HEAD: the GET's head with its length, no body
      const head = await exchange(srv.baseUrl, 'HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      assert.match(head, /Content-Length: 15\r\n/);
      assert.ok(head.endsWith('\r\n\r\n'), `no body after the head: ${JSON.stringify(head)}`);
      // what is not HTTP gets a 400 and a closed connection, and the server carries on
      const bad = await exchange(srv.baseUrl, 'HELLO THERE\r\n\r\n');
      assert.match(bad, /^HTTP\/1\.1 400 /);
      assert.match(bad, /\r\nConnection: close\r\n/);
      assert.match(bad, /\r\nContent-Type: application\/problem\+json\r\n/);
      const chunkedBad = await exchange(srv.baseUrl,
        `POST /api/v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n`);
      assert.match(chunkedBad, /^HTTP\/1\.1 400 /);
      expectStatus(await api.api('GET', '/healthz'), 200);
    } finally {
      await srv.stop();
    }
  });

  test(`flash orders pipelined on one connection are each answered, in order, after their commit${mode}`, async () => {
    const srv = await startServer({ name: 'serve-flash-pipe', args: io });
    try {
      const api = client(srv.baseUrl);
      const token = await api.login('admin', srv.adminPassword);
      const as = (m, p, b) => api.api(m, p, { token, body: b });
      const p = expectStatus(await as('POST', '/api/v1/products', { name: '流水线', skus: [{ name: '默认', price: 100, stock: 10 }] }), 201);
      const now = Date.now();
      const sale = expectStatus(await as('POST', '/api/v1/flash-sales', { name: '流水线秒杀', sku_id: p.skus[0].id, price: 50, stock: 3,
        per_customer_limit: 5, starts_at: new Date(now - 1000).toISOString(), ends_at: new Date(now + 3600000).toISOString() }), 201);
      const c = expectStatus(await as('POST', '/api/v1/customers', { name: '买家' }), 201);
      const one = JSON.stringify({ customer_id: c.id, quantity: 1 });
      const req = `POST /api/v1/flash-sales/${sale.id}/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${one.length}\r\n\r\n${one}`;
      const got = answers(await exchange(srv.baseUrl, req.repeat(5), (t) => answers(t).length === 5 && t.trimEnd().endsWith('}')));
      assert.deepEqual(got.map((a) => Number(a.slice(9, 12))), [201, 201, 201, 409, 409]);
      const ids = got.slice(0, 3).map((a) => JSON.parse(a.slice(a.indexOf('\r\n\r\n') + 4)).order_id);
      assert.equal(new Set(ids).size, 3, 'three different orders');
      assert.match(got[3], /sold-out/);
      const s = expectStatus(await as('GET', `/api/v1/flash-sales/${sale.id}`), 200);
      assert.equal(s.stock_left, 0);
    } finally {
      await srv.stop();
    }
  });

  test(`a thousand mutated requests: never a 5xx, never a malformed answer, and the server carries on${mode}`, { timeout: 120000 }, async () => {
    const srv = await startServer({ name: 'serve-mutate', args: ['--head-timeout', '2', '--timeout', '2', ...io] });
    try {
      const api = client(srv.baseUrl);
      const token = await api.login('admin', srv.adminPassword);
      const body = JSON.stringify({ name: '变异', tags: ['甲'] });
      const templates = [
        'GET /api/v1/customers?limit=2&q=%E5%8F%98 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer TOKEN\r\n\r\n',
        `POST /api/v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer TOKEN\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        `POST /api/v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer TOKEN\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
        'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer TOKEN\r\n\r\n',
        'HEAD /index.html HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
      ].map((t) => Buffer.from(t.replaceAll('TOKEN', token)));
      let seed = Number(process.env.YT_MUTATE_SEED || 20261202); // another seed: another thousand
      const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
      const pieces = [Buffer.from('\r\n'), Buffer.from('\0'), Buffer.from(':'), Buffer.from(' '), Buffer.from('%'), Buffer.from('\xff'),
        Buffer.from('Content-Length: 5\r\n'), Buffer.from('Transfer-Encoding: chunked\r\n'), Buffer.from('9'.repeat(30)), Buffer.from('X'.repeat(20000))];
      const mutate = (b) => {
        let out = Buffer.from(b);
        for (let k = 1 + rnd(3); k > 0; k--) {
          const at = rnd(out.length + 1);
          switch (rnd(4)) {
            case 0: if (out.length) out[rnd(out.length)] = rnd(256); break;
            case 1: out = Buffer.concat([out.subarray(0, at), pieces[rnd(pieces.length)], out.subarray(at)]); break;
            case 2: out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + rnd(8)))]); break;
            default: out = out.subarray(0, at);
          }
        }
        return out;
      };
      const { hostname, port } = new URL(srv.baseUrl);
      const send = (bytes) => new Promise((resolve) => {
        const chunks = [];
        const s = net.connect(Number(port), hostname, () => {
          const cut = rnd(bytes.length + 1); // in two writes, split anywhere
          s.write(bytes.subarray(0, cut));
          setTimeout(() => { if (!s.destroyed) s.end(bytes.subarray(cut)); }, rnd(3));
        });
        s.on('data', (d) => chunks.push(d));
        s.on('error', () => {});
        s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
        s.setTimeout(4000, () => s.destroy());
      });
      const statuses = {};
      for (let round = 0; round < 1000; round += 25) {
        const got = await Promise.all(Array.from({ length: 25 }, () => send(mutate(templates[rnd(templates.length)]))));
        for (const text of got) {
          for (const head of text.split(/(?=HTTP\/1\.1 \d{3} )/).filter((a) => a.startsWith('HTTP/'))) {
            const m = head.match(/^HTTP\/1\.1 (\d{3}) [^\r\n]*\r\n/);
            assert.ok(m, `a malformed status line: ${JSON.stringify(head.slice(0, 80))}`);
            const status = Number(m[1]);
            statuses[status] = (statuses[status] || 0) + 1;
            assert.ok(status < 500, `a ${status} for a mutated request: ${head.slice(0, 400)}`);
          }
        }
      }
      assert.ok(statuses[400] > 0 && (statuses[200] || 0) + (statuses[201] || 0) > 0, JSON.stringify(statuses));
      expectStatus(await api.api('GET', '/healthz'), 200);
      expectStatus(await api.api('GET', '/api/v1/customers?limit=1', { token }), 200);
    } finally {
      await srv.stop();
    }
  });
}
