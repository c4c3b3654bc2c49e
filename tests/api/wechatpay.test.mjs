// WeChat Pay API v3 notifications. Every notification here is built by an independent implementation of the
// protocol (wechatpay-axios-plugin, through tests/lib/wechatpay.mjs: Formatter.response, Rsa.sign, Aes.AesGcm.encrypt),
// signed with a "platform" RSA-2048 key made for the test, whose public half the server is given as a PEM
// file. Covered: a payment recorded once (and joining the customer's orders), replays, forged and tampered
// notifications, the serial, stale timestamps, wrong amount, currency, merchant, unknown and closed orders,
// refunds settled by their notification, the provider off, and a half-configured provider refusing to start.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, binPath, ROOT } from '../lib/server.mjs';
import { notificationBody, platformHeaders } from '../lib/wechatpay.mjs';
import { client, assertProblem, expectStatus, uniq } from '../lib/client.mjs';

const NOTIFY = '/api/v1/payments/wechatpay/notify';
const APIV3_KEY = crypto.randomBytes(16).toString('hex'); // 32 characters, as the merchant platform sets it
const SERIAL = crypto.randomBytes(20).toString('hex').toUpperCase();
const MCHID = '1900000109';
const APPID = 'wxd678efh567hg6787';
const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o';

const platform = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-wechatpay-'));
const keyFile = path.join(dir, 'wechatpay_platform_public.pem');
fs.writeFileSync(keyFile, platform.publicKey.export({ type: 'spki', format: 'pem' }));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

const ENV = {
  YUTANG_WECHATPAY_PLATFORM_KEY: keyFile,
  YUTANG_WECHATPAY_APIV3_KEY: APIV3_KEY,
  YUTANG_WECHATPAY_PLATFORM_SERIAL: SERIAL,
  YUTANG_WECHATPAY_MCHID: MCHID,
};

let srv, api, admin;
before(async () => {
  srv = await startServer({ name: 'wechatpay', env: ENV });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

const as = (t) => (m, p, body) => api(m, p, { token: t, body });
const iso = (ms) => new Date(ms).toISOString();
/** A ciphertext with one bit of one byte changed. */
const flip = (c) => { const buf = Buffer.from(c, 'base64'); buf[5] ^= 1; return buf.toString('base64'); };
const outTradeNo = (orderId) => `yt${String(orderId).padStart(10, '0')}`;

/** A pending flash-sale order of a new customer: {order_id, total, sale, customer}. */
async function pendingOrder(saleBody = {}) {
  const p = await as(admin)('POST', '/api/v1/products', { name: uniq('微信支付面霜'), skus: [{ name: '50ml', price: 19900, stock: 100 }] });
  expectStatus(p, 201);
  const s = await as(admin)('POST', '/api/v1/flash-sales', {
    name: uniq('微信秒杀'), sku_id: p.json.skus[0].id, price: 9900, stock: 10, per_customer_limit: 2,
    starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000), ...saleBody,
  });
  expectStatus(s, 201);
  const c = await as(admin)('POST', '/api/v1/customers', { name: '微信买家' });
  expectStatus(c, 201);
  const o = await as(admin)('POST', `/api/v1/flash-sales/${s.json.id}/orders`, { customer_id: c.json.id, quantity: 1 });
  expectStatus(o, 201);
  return { ...o.json, sale: s.json.id, customer: c.json.id };
}

/** The decrypted resource of a TRANSACTION.SUCCESS notification, as the documentation shows it. */
function transaction(orderId, total, over = {}) {
  return {
    mchid: MCHID, appid: APPID, out_trade_no: outTradeNo(orderId), transaction_id: `42000012${Date.now()}${crypto.randomInt(1e6)}`,
    trade_type: 'JSAPI', trade_state: 'SUCCESS', trade_state_desc: '支付成功', bank_type: 'CMC', attach: '',
    success_time: '2025-05-20T13:29:35+08:00', payer: { openid: OPENID },
    amount: { total, payer_total: total, currency: 'CNY', payer_currency: 'CNY' },
    ...over,
  };
}

/** A notification envelope around plain (encrypted with key) and its raw JSON body. */
const envelope = (eventType, plain, { key = APIV3_KEY, originalType = 'transaction', tamper = null } = {}) =>
  notificationBody(eventType, plain, key, originalType, tamper);

/** The Wechatpay-* headers WeChat Pay sends with body. */
const signed = (body, { privateKey = platform.privateKey, serial = SERIAL, ...rest } = {}) => platformHeaders(body, privateKey, serial, rest);

const post = (body, headers, base) => api('POST', NOTIFY, { raw: body, headers, ...(base ? { baseUrl: base } : {}) });

/** Asserts a refusal WeChat Pay retries: a problem naming field, with code FAIL. */
function refused(r, status, field, msg) {
  assertProblem(r, status, msg);
  assert.equal(r.json.code, 'FAIL', `${msg}: code FAIL for WeChat Pay`);
  assert.equal(typeof r.json.message, 'string');
  assert.ok((r.json.errors || []).some((e) => e.field === field), `${msg}: names ${field}: ${JSON.stringify(r.json.errors)}`);
}

async function orderState(id) {
  const r = await as(admin)('GET', `/api/v1/mall-orders/${id}`);
  expectStatus(r, 200);
  return r.json;
}

describe('WeChat Pay notifications', () => {
  test('a payment is recorded once: the order is paid, joins the customer\'s orders, and a replay changes nothing', async () => {
    const o = await pendingOrder();
    const tx = transaction(o.order_id, o.total);
    const body = envelope('TRANSACTION.SUCCESS', tx);
    const headers = signed(body);
    const r = await post(body, headers);
    expectStatus(r, 200);
    assert.deepEqual(r.json, { event_type: 'TRANSACTION.SUCCESS', applied: true, order_id: o.order_id, status: 'paid', replay: false });
    const m = await orderState(o.order_id);
    assert.equal(m.status, 'paid');
    assert.deepEqual(m.payment, { provider: 'wechatpay', transaction: tx.transaction_id });
    const sale = (await as(admin)('GET', `/api/v1/flash-sales/${o.sale}`)).json;
    assert.equal(sale.orders.paid, 1);
    assert.equal(sale.orders.pending, 0);
    const orders = await as(admin)('GET', `/api/v1/customers/${o.customer}/orders`);
    const mine = orders.json.items.filter((x) => x.platform === 'yutang');
    assert.equal(mine.length, 1, JSON.stringify(orders.json.items));
    assert.equal(mine[0].amount_fen, o.total);
    const audit = await as(admin)('GET', '/api/v1/audit?limit=50');
    assert.ok(audit.json.items.some((e) => e.action === 'mall_order.pay' && e.entity_id === o.order_id), JSON.stringify(audit.json.items.slice(0, 3)));

    // the very same request again (WeChat Pay retries within the 5 minutes): acknowledged, nothing changes
    const again = await post(body, headers);
    expectStatus(again, 200);
    assert.equal(again.json.replay, true);
    // a fresh notification of the same transaction: the same
    const fresh = envelope('TRANSACTION.SUCCESS', tx);
    const third = await post(fresh, signed(fresh));
    expectStatus(third, 200);
    assert.equal(third.json.replay, true);
    assert.deepEqual(await orderState(o.order_id), m);
    assert.equal((await as(admin)('GET', `/api/v1/customers/${o.customer}/orders`)).json.items.filter((x) => x.platform === 'yutang').length, 1);
    assert.equal((await as(admin)('GET', `/api/v1/flash-sales/${o.sale}`)).json.orders.paid, 1);
    // another transaction for the paid order is refused
    const other = envelope('TRANSACTION.SUCCESS', transaction(o.order_id, o.total));
    refused(await post(other, signed(other)), 409, 'resource.out_trade_no', 'paid by another transaction');
    assert.deepEqual(await orderState(o.order_id), m);

    // neither the payer's openid nor the APIv3 key reach the log
    const log = srv.log();
    assert.ok(!log.includes(OPENID), 'the openid is not logged');
    assert.ok(!log.includes(APIV3_KEY), 'the APIv3 key is not logged');
  });

  test('forged, tampered, wrongly addressed and stale notifications are refused and change nothing', async () => {
    const o = await pendingOrder();
    const body = envelope('TRANSACTION.SUCCESS', transaction(o.order_id, o.total));
    const cases = [
      ['signed by another key', body, signed(body, { privateKey: stranger.privateKey }), 401, 'Wechatpay-Signature'],
      ['a probe signature', body, signed(body, { signature: `WECHATPAY/SIGNTEST/${crypto.randomBytes(32).toString('base64')}` }), 401, 'Wechatpay-Signature'],
      ['no signature', body, (({ 'Wechatpay-Signature': _, ...h }) => h)(signed(body)), 401, 'Wechatpay-Signature'],
      ['body changed after signing', body.replace('"encrypt-resource"', '"encrypt-resource" '), signed(body), 401, 'Wechatpay-Signature'],
      ['another serial', body, signed(body, { serial: crypto.randomBytes(20).toString('hex').toUpperCase() }), 401, 'Wechatpay-Serial'],
      ['no serial', body, (({ 'Wechatpay-Serial': _, ...h }) => h)(signed(body)), 401, 'Wechatpay-Serial'],
      ['six minutes old', body, signed(body, { timestamp: Math.floor(Date.now() / 1000) - 360 }), 401, 'Wechatpay-Timestamp'],
      ['six minutes ahead', body, signed(body, { timestamp: Math.floor(Date.now() / 1000) + 360 }), 401, 'Wechatpay-Timestamp'],
      ['another signature type', body, { ...signed(body), 'Wechatpay-Signature-Type': 'WECHATPAY2-SM2-WITH-SM3' }, 401, 'Wechatpay-Signature-Type'],
    ];
    for (const [what, b, h, status, field] of cases) refused(await post(b, h), status, field, what);

    // validly signed, but the ciphertext was changed, or encrypted under another APIv3 key: it does not decrypt
        const flipped = envelope('TRANSACTION.SUCCESS', transaction(o.order_id, o.total), { tamper: flip });
    refused(await post(flipped, signed(flipped)), 400, 'resource.ciphertext', 'tampered ciphertext');
    const foreign = envelope('TRANSACTION.SUCCESS', transaction(o.order_id, o.total), { key: crypto.randomBytes(16).toString('hex') });
    refused(await post(foreign, signed(foreign)), 400, 'resource.ciphertext', 'another APIv3 key');

    // validly signed and encrypted, but not a payment of this order as it stands
    const bad = [
      ['one fen short', transaction(o.order_id, o.total - 1), 400, 'resource.amount.total'],
      ['in dollars', transaction(o.order_id, o.total, { amount: { total: o.total, payer_total: o.total, currency: 'USD', payer_currency: 'USD' } }), 400, 'resource.amount.currency'],
      ['to another merchant', transaction(o.order_id, o.total, { mchid: '1230000109' }), 400, 'resource.mchid'],
      ['not successful', transaction(o.order_id, o.total, { trade_state: 'NOTPAY' }), 400, 'resource.trade_state'],
      ['an order that does not exist', transaction(99999999, o.total), 404, 'resource.out_trade_no'],
      ['an out_trade_no not of ours', transaction(o.order_id, o.total, { out_trade_no: `ORDER${o.order_id}` }), 404, 'resource.out_trade_no'],
      ['the id without its padding', transaction(o.order_id, o.total, { out_trade_no: `yt${o.order_id}` }), 404, 'resource.out_trade_no'],
    ];
    for (const [what, tx, status, field] of bad) {
      const b = envelope('TRANSACTION.SUCCESS', tx);
      refused(await post(b, signed(b)), status, field, what);
    }
    const m = await orderState(o.order_id);
    assert.equal(m.status, 'pending', 'nothing was recorded');
    assert.equal(m.payment, null);
    assert.equal((await as(admin)('GET', `/api/v1/customers/${o.customer}/orders`)).json.items.length, 0);
    assert.equal((await as(admin)('GET', `/api/v1/flash-sales/${o.sale}`)).json.orders.pending, 1);
    // and the genuine notification still pays it afterwards
    expectStatus(await post(body, signed(body)), 200);
    assert.equal((await orderState(o.order_id)).status, 'paid');
  });

  test('a payment for an order closed unpaid is refused (409) and the order stays closed', async () => {
    const o = await pendingOrder({ stock: 1, per_customer_limit: 1, pay_window_seconds: 1 });
    const t0 = Date.now();
    while ((await orderState(o.order_id)).status === 'pending' && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await orderState(o.order_id)).status, 'released');
    const body = envelope('TRANSACTION.SUCCESS', transaction(o.order_id, o.total));
    refused(await post(body, signed(body)), 409, 'resource.out_trade_no', 'closed order');
    const m = await orderState(o.order_id);
    assert.equal(m.status, 'released');
    assert.equal(m.payment, null);
    assert.equal((await as(admin)('GET', `/api/v1/flash-sales/${o.sale}`)).json.stock_left, 1, 'the units stay back in the sale');
  });

  test('a refund made here is settled by its REFUND.SUCCESS notification, once, with the amount checked', async () => {
    const o = await pendingOrder();
    const pay = envelope('TRANSACTION.SUCCESS', transaction(o.order_id, o.total));
    expectStatus(await post(pay, signed(pay)), 200);
    const paid = await orderState(o.order_id);
    const made = await as(admin)('POST', `/api/v1/mall-orders/${o.order_id}/refunds`, { reason: '质量问题' });
    expectStatus(made, 201);
    assert.equal(made.json.amount, o.total);
    const refundId = made.json.refund_id;
    const pending = await as(admin)('GET', `/api/v1/mall-orders/${o.order_id}/refunds`);
    assert.equal(pending.json.items[0].status, 'pending', 'a WeChat Pay refund waits for its notification');
    assert.equal(pending.json.items[0].out_refund_no, `ytr${String(refundId).padStart(10, '0')}`);
    const refund = (amount, outRefundNo = `ytr${String(refundId).padStart(10, '0')}`) => ({
      mchid: MCHID, out_trade_no: outTradeNo(o.order_id), transaction_id: paid.payment.transaction, out_refund_no: outRefundNo,
      refund_id: `50000000${Date.now()}`, refund_status: 'SUCCESS', success_time: '2025-05-21T10:00:00+08:00',
      user_received_account: '招商银行信用卡0403', amount: { total: o.total, refund: amount, payer_total: o.total, payer_refund: amount },
    });
    // a wrong amount, an id that is not ours and an unknown refund change nothing
    const wrong = envelope('REFUND.SUCCESS', refund(o.total - 1), { originalType: 'refund' });
    refused(await post(wrong, signed(wrong)), 400, 'resource.amount.refund', 'wrong refund amount');
    const foreign = envelope('REFUND.SUCCESS', refund(o.total, `rf${o.order_id}`), { originalType: 'refund' });
    refused(await post(foreign, signed(foreign)), 400, 'resource.out_refund_no', 'not our refund number');
    const unknown = envelope('REFUND.SUCCESS', refund(o.total, 'ytr9999999999'), { originalType: 'refund' });
    refused(await post(unknown, signed(unknown)), 404, 'resource.out_refund_no', 'unknown refund');
    assert.equal((await as(admin)('GET', `/api/v1/mall-orders/${o.order_id}/refunds`)).json.items[0].status, 'pending');
    const body = envelope('REFUND.SUCCESS', refund(o.total), { originalType: 'refund' });
    const r = await post(body, signed(body));
    expectStatus(r, 200);
    assert.deepEqual(r.json, { event_type: 'REFUND.SUCCESS', applied: true, refund_id: refundId, replay: false });
    const settled = await as(admin)('GET', `/api/v1/mall-orders/${o.order_id}/refunds`);
    assert.equal(settled.json.items[0].status, 'succeeded');
    const again = await post(body, signed(body));
    expectStatus(again, 200);
    assert.equal(again.json.replay, true, 'told twice, settled once');
    assert.match(srv.log(), /REFUND\.SUCCESS\) applied/);
    assert.ok(!srv.log().includes('招商银行'), 'the receiving account is not logged');
    // refunds go through the same checks: a forged or tampered one is refused like a payment
    refused(await post(body, signed(body, { privateKey: stranger.privateKey })), 401, 'Wechatpay-Signature', 'forged refund');
    const flipped = envelope('REFUND.SUCCESS', refund(o.total), { originalType: 'refund', tamper: flip });
    refused(await post(flipped, signed(flipped)), 400, 'resource.ciphertext', 'tampered refund');
    // another kind of notification is acknowledged and applies nothing
    const other = envelope('TRANSACTION.CLOSED', transaction(o.order_id, o.total));
    const ack = await post(other, signed(other));
    expectStatus(ack, 200);
    assert.deepEqual(ack.json, { event_type: 'TRANSACTION.CLOSED', applied: false });
  });
});

describe('WeChat Pay configuration', () => {
  test('without its keys the provider is off: 404, whatever is sent', async () => {
    const off = await startServer({ name: 'wechatpay-off' });
    try {
      const body = envelope('TRANSACTION.SUCCESS', transaction(1, 100));
      assertProblem(await post(body, signed(body), off.baseUrl), 404);
    } finally { await off.stop(); }
  });

  test('a half-configured or unreadable provider stops the server from starting, without echoing the key', () => {
    const db = path.join(dir, 'never.db');
    const run = (env) => spawnSync(binPath(), ['serve', '--listen', '127.0.0.1:1', '--db', db], {
      cwd: ROOT, encoding: 'utf8', timeout: 20000, env: { ...process.env, YUTANG_DATA_KEY: 'a'.repeat(64), ...env },
    });
    const cases = [
      [{ YUTANG_WECHATPAY_APIV3_KEY: APIV3_KEY }, /YUTANG_WECHATPAY_PLATFORM_KEY .* or YUTANG_WECHATPAY_MERCHANT_KEY/],
      [{ YUTANG_WECHATPAY_PLATFORM_KEY: keyFile }, /needs YUTANG_WECHATPAY_APIV3_KEY/],
      [{ ...ENV, YUTANG_WECHATPAY_APIV3_KEY: 'short' }, /APIv3 key must be exactly 32 bytes/],
      [{ ...ENV, YUTANG_WECHATPAY_PLATFORM_KEY: path.join(dir, 'missing.pem') }, /cannot read the platform key file/],
      [{ ...ENV, YUTANG_WECHATPAY_PLATFORM_KEY: path.join(ROOT, 'README.md') }, /neither a PEM public key/],
    ];
    for (const [env, why] of cases) {
      const r = run(env);
      assert.equal(r.status, 1, `${JSON.stringify(Object.keys(env))}: ${r.stderr}`);
      assert.match(r.stderr, why);
      assert.ok(!r.stderr.includes(APIV3_KEY));
    }
    assert.ok(!fs.existsSync(db), 'no store was opened');
  });
});
