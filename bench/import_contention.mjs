// Small writes during a long order import: latency of tag creates sent at a steady rate while a 600k-row CSV
// is imported through the API, with the writer shared chunk by chunk (normal) or held for the whole import
// (baseline: YT_IMPORT_HOLD_WRITER=1, the behaviour before the hand-off).
// usage: node bench/import_contention.mjs BIN WORKDIR PORT [rows=600000] [writes_per_second=20]
// Prints one JSON line per mode. Each mode gets a fresh SQLite database and its own server.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const [bin, work, portArg, rowsArg, rateArg] = process.argv.slice(2);
if (!bin || !work || !portArg) {
  console.error('usage: node bench/import_contention.mjs BIN WORKDIR PORT [rows] [writes_per_second]');
  process.exit(2);
}
const ROWS = Number(rowsArg || 600000), RATE = Number(rateArg || 20);
const modes = (process.env.YT_BENCH_MODES || 'baseline,shared').split(',');

/* A synthetic, deterministic order history: 150,000 buyers, a year of dates, amounts with two decimals. */
function makeCsv(file) {
  const out = fs.openSync(file, 'w');
  let chunk = 'customer_ref,ordered_on,quantity,amount,order_id\n';
  const day0 = Date.UTC(2025, 0, 1);
  for (let i = 0; i < ROWS; i++) {
    const day = new Date(day0 + (i % 365) * 86400000).toISOString().slice(0, 10);
    const fen = (i * 7919) % 100000 + 100;
    chunk += `c${(i * 7919) % 150000},${day},${1 + (i % 3)},${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')},o${i}\n`;
    if (chunk.length > 1 << 20) { fs.writeSync(out, chunk); chunk = ''; }
  }
  fs.writeSync(out, chunk);
  fs.closeSync(out);
}

/* One request on a new connection (another client; no keep-alive connection shared with the import). */
function request(port, method, p, { token, body, file, type } = {}) {
  return new Promise((resolve, reject) => {
    const headers = { Connection: 'close' };
    if (token) headers.Authorization = `Bearer ${token}`;
    let data = null;
    if (body !== undefined) { data = Buffer.from(JSON.stringify(body)); headers['Content-Type'] = 'application/json'; headers['Content-Length'] = data.length; }
    if (file) { headers['Content-Type'] = type; headers['Content-Length'] = fs.statSync(file).size; }
    const req = http.request({ host: '127.0.0.1', port, path: p, method, agent: false, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(900000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (file) {
      fs.createReadStream(file).pipe(req);
      request.lastUpload = req; /* so the caller can see when the upload has been sent */
    } else {
      if (data) req.write(data);
      req.end();
    }
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (a, q) => a[Math.min(a.length - 1, Math.floor(a.length * q))];

async function runMode(mode, csv) {
  const dir = fs.mkdtempSync(path.join(work, `${mode}-`));
  const port = Number(portArg) + (mode === 'baseline' ? 0 : 1);
  const env = { ...process.env, YUTANG_ADMIN_PASSWORD: 'bench-password-1', YUTANG_DB: path.join(dir, 'bench.db') };
  if (mode === 'baseline') env.YT_IMPORT_HOLD_WRITER = '1';
  else delete env.YT_IMPORT_HOLD_WRITER;
  const srv = spawn(bin, ['serve', '--listen', `127.0.0.1:${port}`, '--rate-limit-per-ip', '0', '--rate-limit-per-token', '0'],
    { env, stdio: ['ignore', 'ignore', fs.openSync(path.join(dir, 'serve.log'), 'w')] });
  try {
    for (let i = 0; i < 100; i++) {
      try { if ((await request(port, 'GET', '/healthz')).status === 200) break; } catch { /* not up yet */ }
      await sleep(100);
    }
    const login = await request(port, 'POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'bench-password-1' } });
    const token = JSON.parse(login.text).token;
    const t0 = performance.now();
    let uploaded = null, answered = null;
    const imp = request(port, 'POST', '/api/v1/import/orders?platform=bench', { token, file: csv, type: 'text/csv' })
      .then((r) => { answered = performance.now(); return r; });
    const upload = request.lastUpload;
    upload.on('finish', () => { uploaded = performance.now(); });
    // steady small writes, sent on schedule whether or not earlier ones have been answered
    const lat = [], pending = [];
    let n = 0, failed = 0;
    for (let next = performance.now(); answered === null; next += 1000 / RATE) {
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      if (answered !== null) break;
      const sent = performance.now();
      const k = n++;
      pending.push(request(port, 'POST', '/api/v1/tags', { token, body: { name: `bench-${mode}-${k}` } }).then((r) => {
        if (r.status !== 201) failed++;
        // counted: the writes sent while the import ran (after its upload was sent, before its answer)
        if (uploaded !== null && sent >= uploaded) lat.push(performance.now() - sent);
      }, () => { failed++; }));
    }
    const r = await imp;
    await Promise.all(pending);
    const sum = JSON.parse(r.text);
    const importSecs = (answered - (uploaded ?? t0)) / 1000;
    lat.sort((a, b) => a - b);
    return {
      mode, rows: ROWS, imported: sum.imported, customers_created: sum.customers_created,
      import_seconds: +importSecs.toFixed(2), rows_per_second: Math.round(ROWS / importSecs),
      small_writes: lat.length, write_rate_per_second: RATE, failed_writes: failed,
      p50_ms: lat.length ? +pct(lat, 0.5).toFixed(1) : null, p99_ms: lat.length ? +pct(lat, 0.99).toFixed(1) : null,
      max_ms: lat.length ? +lat[lat.length - 1].toFixed(1) : null,
    };
  } finally {
    srv.kill('SIGTERM');
    await new Promise((res) => srv.on('exit', res));
    if (!process.env.YT_BENCH_KEEP) fs.rmSync(dir, { recursive: true, force: true });
  }
}

fs.mkdirSync(work, { recursive: true });
const csv = path.join(work, 'orders-600k.csv');
makeCsv(csv);
for (const mode of modes) console.log(JSON.stringify({ bench: 'small_writes_during_import', ...(await runMode(mode, csv)) }));
fs.rmSync(csv, { force: true });
