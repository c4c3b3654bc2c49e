// Event ingest benchmark: POSTs batches of 10,000 events to a running yutang and reports acknowledged events/s.
// usage: node bench/ingest.mjs BASE_URL TOKEN [batches=30] [concurrency=2] [customers=50000]
const [base, token, batchesArg, concArg, custArg] = process.argv.slice(2);
if (!base || !token) {
  console.error('usage: node bench/ingest.mjs BASE_URL TOKEN [batches] [concurrency] [customers]');
  process.exit(2);
}
const batches = Number(batchesArg || 30), concurrency = Number(concArg || 2), customers = Number(custArg || 50000);
const types = ['page_viewed', 'message_sent', 'checkin', 'coupon_redeemed', 'group_joined'];
const run = Date.now().toString(36);
function body(b) {
  const events = [];
  for (let i = 0; i < 10000; i++) {
    const n = b * 10000 + i;
    events.push({
      customer: { external_userid: `wm${(n * 7919) % customers}` },
      type: types[n % types.length],
      time: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
      properties: { page: '/mall/item', n },
      key: `bench-${run}-${n}`,
    });
  }
  return JSON.stringify({ events });
}
const bodies = Array.from({ length: batches }, (_, b) => body(b));
let next = 0, accepted = 0;
const lat = [];
async function worker() {
  while (next < batches) {
    const b = next++;
    const t0 = performance.now();
    const r = await fetch(`${base}/api/v1/events`, {
      method: 'POST', body: bodies[b],
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });
    const j = await r.json();
    if (r.status !== 200) throw new Error(`batch ${b}: ${r.status} ${JSON.stringify(j)}`);
    accepted += j.accepted;
    lat.push(performance.now() - t0);
  }
}
const t0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const secs = (performance.now() - t0) / 1000;
lat.sort((a, b) => a - b);
console.log(JSON.stringify({
  events: accepted, seconds: +secs.toFixed(3), events_per_second: Math.round(accepted / secs),
  batch_p50_ms: +lat[Math.floor(lat.length * 0.5)].toFixed(1), batch_p99_ms: +lat[Math.min(lat.length - 1, Math.floor(lat.length * 0.99))].toFixed(1),
}));
