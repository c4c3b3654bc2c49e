// Customer lookup by phone under concurrent load: GET /api/v1/customers?phone=... from N keep-alive clients.
// usage: node bench/lookup.mjs BASE_URL TOKEN PHONES_FILE [requests=20000] [concurrency=16]
import { readFileSync } from 'node:fs';
const [base, token, file, reqArg, concArg] = process.argv.slice(2);
const phones = readFileSync(file, 'utf8').split('\n').filter(Boolean);
const total = Number(reqArg || 20000), concurrency = Number(concArg || 16);
let next = 0, found = 0;
const lat = new Float64Array(total);
async function worker() {
  for (;;) {
    const i = next++;
    if (i >= total) return;
    const phone = phones[(i * 7919) % phones.length];
    const t0 = performance.now();
    const r = await fetch(`${base}/api/v1/customers?phone=${phone}&limit=1`, { headers: { authorization: `Bearer ${token}` } });
    const j = await r.json();
    lat[i] = performance.now() - t0;
    if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(j)}`);
    if (j.items.length === 1) found++;
  }
}
const t0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const secs = (performance.now() - t0) / 1000;
const sorted = Array.from(lat).sort((a, b) => a - b);
const q = (p) => +sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))].toFixed(2);
console.log(JSON.stringify({ requests: total, concurrency, found, seconds: +secs.toFixed(2),
  requests_per_second: Math.round(total / secs), p50_ms: q(0.5), p99_ms: q(0.99), max_ms: q(1) }));
