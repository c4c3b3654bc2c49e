// Prepares a flash bench on a running server: a product and a sale of 100,000,000 units (up to 1,000 a
// customer, a day-long payment window) open for a week, and N customers; with a coupon quota, also a hot coupon
// (1,000,000) and a scarce one (the quota), up to 100 a customer. Prints "token sale [hot scarce]".
// usage: node bench/flash_setup.mjs BASE_URL N [COUPON_QUOTA]   (admin password: YUTANG_ADMIN_PASSWORD)
const [base, n, quota] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const call = async (m, p, body, token) => {
  const r = await fetch(base + p, {
    method: m,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (r.status >= 300) throw new Error(`${m} ${p}: ${r.status} ${await r.text()}`);
  return r.json();
};
const { token } = await call('POST', '/api/v1/auth/login', { username: 'admin', password: process.env.YUTANG_ADMIN_PASSWORD });
const p = await call('POST', '/api/v1/products', { name: '秒杀压测', skus: [{ name: '默认', price: 100, stock: 100000000 }] }, token);
const now = Date.now();
const sale = await call('POST', '/api/v1/flash-sales', {
  name: '压测', sku_id: p.skus[0].id, price: 100, stock: 100000000, per_customer_limit: 1000,
  starts_at: new Date(now - 1000).toISOString(), ends_at: new Date(now + 7 * 86400000).toISOString(), pay_window_seconds: 86400,
}, token);
for (let i = 0; i < n; i += 100) {
  await Promise.all(Array.from({ length: Math.min(100, n - i) }, () => call('POST', '/api/v1/customers', { name: '压测客户' }, token)));
}
const out = [token, sale.id];
if (quota) {
  const coupon = (name, total) => call('POST', '/api/v1/coupons', { name, kind: 'amount', threshold: 0, amount_off: 100,
    total, per_customer: 100, claim_ends: new Date(now + 86400000).toISOString(), valid_days: 7 }, token);
  out.push((await coupon('压测券', 1000000)).id, (await coupon('限量券', Number(quota))).id);
}
console.log(out.join(' '));
