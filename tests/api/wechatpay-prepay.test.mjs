// WeChat Pay merchant calls. JSAPI prepay: a member pays their own pending order from a page opened in WeChat;
// refunds: asked of WeChat Pay's refund API after they are made. The WeChat Pay
// API is played by a server in this test that checks each request the way WeChat Pay does, with an
// independent implementation of the protocol (wechatpay-axios-plugin: Formatter.request and Rsa.verify for the
// merchant's Authorization signature), and signs its answers with a "platform" key (Formatter.response,
// Rsa.sign). Covered: the request (signed by the merchant key, the order's amount, out_trade_no, payer openid,
// expiry and notify URL), the page's pay parameters (paySign verified with the merchant's public key), and
// what is refused: another's or a paid order, a member without an openid, an answer not signed by the
// platform, WeChat Pay's own refusals, WeChat Pay unreachable, and the server without merchant settings; for
// refunds, the signed request (out_trade_no, out_refund_no, amounts), SUCCESS settling the refund, PROCESSING
// left to the notification (and asked about with the signed refund query when none comes), a refusal marking
// it failed with WeChat Pay's words, a failed refund asked for again in a new round (a new out_refund_no; the
// old round's late word changes nothing), failures asked again, and an ABNORMAL refund paid out another way
// (发起异常退款: the card's number and holder encrypted under the platform key, decrypted here with Rsa.decrypt).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import wechatpay from 'wechatpay-axios-plugin';
import { startServer } from '../lib/server.mjs';
import { notificationBody, platformHeaders } from '../lib/wechatpay.mjs';
import { client, assertProblem, expectStatus, uniq } from '../lib/client.mjs';

const { Rsa, Formatter } = wechatpay;
const MCHID = '1900000109';
const APPID = 'wxd678efh567hg6787';
const PLATFORM_SERIAL = crypto.randomBytes(20).toString('hex').toUpperCase();
const MERCHANT_SERIAL = crypto.randomBytes(20).toString('hex').toUpperCase();
const NOTIFY_URL = 'https://shop.example.com/api/v1/payments/wechatpay/notify';
const PREPAY = '/v3/pay/transactions/jsapi';
const REFUND = '/v3/refund/domestic/refunds';
const APIV3_KEY = crypto.randomBytes(16).toString('hex');

const platform = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const merchant = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-wxprepay-'));
const platformFile = path.join(dir, 'platform_public.pem');
const merchantFile = path.join(dir, 'apiclient_key.pem');
fs.writeFileSync(platformFile, platform.publicKey.export({ type: 'spki', format: 'pem' }));
fs.writeFileSync(merchantFile, merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

// ---- WeChat Pay, as this test plays it ----
let mode = 'ok';
const seen = [];
let refundMode = 'success';
let refundCalls = 0;
let queryStatus = 'PROCESSING'; // what the refund query answers
const queryStatusOf = new Map(); // out_refund_no → what the query answers for that refund alone
const abnormal = { mode: 'processing', calls: [] }; // apply-abnormal-refund: how it answers, what it was sent (decrypted)
const WX_REFUND_ID = '50000000382019052709732678859';
const slow = { asked: null, release: null }; // refundMode 'slow': the answer waiting to be let go
const queried = [];
function authorization(header) {
  const m = /^WECHATPAY2-SHA256-RSA2048 (.*)$/.exec(header || '');
  if (!m) return null;
  const f = {};
  for (const part of m[1].split(',')) {
    const kv = /^(\w+)="([^"]*)"$/.exec(part.trim());
    if (!kv) return null;
    f[kv[1]] = kv[2];
  }
  return f;
}
function answer(res, status, obj, key = platform.privateKey) {
  const body = JSON.stringify(obj);
  const timestamp = String(Formatter.timestamp());
  const nonce = Formatter.nonce();
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': PLATFORM_SERIAL,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    'Wechatpay-Signature': Rsa.sign(Formatter.response(timestamp, nonce, body), key),
  });
  res.end(body);
}
const mock = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => { raw += c; });
  req.on('end', () => {
    // the platform certificates' download: this merchant is on WeChat Pay's platform public key (the server
    // goes on with its configured key)
    if (req.url === '/v3/certificates') return answer(res, 404, { code: 'RESOURCE_NOT_EXISTS', message: '平台证书不存在，请使用微信支付公钥' });
    const auth = authorization(req.headers.authorization);
    const verified = !!auth && Rsa.verify(Formatter.request(req.method, req.url, auth.timestamp, auth.nonce_str, raw), auth.signature, merchant.publicKey);
    seen.push({ method: req.method, url: req.url, auth, verified, body: raw ? JSON.parse(raw) : null, accept: req.headers.accept });
    const query = req.method === 'GET' && req.url.startsWith(REFUND + '/') ? decodeURIComponent(req.url.slice(REFUND.length + 1)) : null;
    const abnormalOf = req.method === 'POST' ? new RegExp(`^${REFUND}/([^/]+)/apply-abnormal-refund$`).exec(req.url)?.[1] : null;
    if (!query && !abnormalOf && ((req.url !== PREPAY && req.url !== REFUND) || req.method !== 'POST'))
      return answer(res, 404, { code: 'NOT_FOUND', message: '无效的请求' });
    if (!verified || auth.mchid !== MCHID || auth.serial_no !== MERCHANT_SERIAL)
      return answer(res, 401, { code: 'SIGN_ERROR', message: '签名错误' });
    if (query) { // the refund query: how a refund asked for earlier stands
      queried.push(query);
      return answer(res, 200, { refund_id: WX_REFUND_ID, out_refund_no: query, transaction_id: '4200001234',
        out_trade_no: 'yt0000000001', channel: 'ORIGINAL', user_received_account: '招商银行信用卡0403',
        status: queryStatusOf.get(query) ?? queryStatus, create_time: '2025-05-20T13:29:35+08:00', amount: { total: 9900, refund: 9900, currency: 'CNY' } });
    }
    if (abnormalOf) { // 发起异常退款: the card's number and holder decrypted with the platform's private key, as WeChat Pay does
      const b = JSON.parse(raw);
      const open = (v) => { try { return Rsa.decrypt(v, platform.privateKey); } catch { return null; } };
      abnormal.calls.push({ refundId: abnormalOf, body: b, serial: req.headers['wechatpay-serial'],
        bankAccount: b.bank_account && open(b.bank_account), realName: b.real_name && open(b.real_name) });
      if (abnormalOf !== WX_REFUND_ID) return answer(res, 404, { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' });
      if (b.type === 'USER_BANK_CARD' && req.headers['wechatpay-serial'] !== PLATFORM_SERIAL)
        return answer(res, 400, { code: 'PARAM_ERROR', message: '平台证书序列号Wechatpay-Serial错误' });
      if (abnormal.mode === 'refuse') return answer(res, 400, { code: 'PARAM_ERROR', message: '银行卡号与姓名不匹配' });
      return answer(res, 200, { refund_id: WX_REFUND_ID, out_refund_no: b.out_refund_no, transaction_id: '4200001234',
        out_trade_no: 'yt0000000001', channel: b.type === 'USER_BANK_CARD' ? 'OTHER_BANKCARD' : 'ORIGINAL', user_received_account: '工商银行借记卡',
        status: abnormal.mode === 'success' ? 'SUCCESS' : 'PROCESSING', create_time: '2025-05-20T13:29:35+08:00',
        amount: { total: 9900, refund: 9900, currency: 'CNY' } });
    }
    if (req.url === REFUND) {
      refundCalls++;
      const b = JSON.parse(raw);
      const ok = (status) => answer(res, 200, { refund_id: `50000${Date.now()}`, out_refund_no: b.out_refund_no, out_trade_no: b.out_trade_no,
        transaction_id: '4200001234', channel: 'ORIGINAL', user_received_account: '招商银行信用卡0403', status,
        create_time: '2025-05-20T13:29:35+08:00', amount: { total: b.amount.total, refund: b.amount.refund, currency: 'CNY' } });
      if (refundMode === 'success') return ok('SUCCESS');
      if (refundMode === 'processing') return ok('PROCESSING');
      if (refundMode === 'closed') return ok('CLOSED');
      // the answer held back until the test lets it go (slow.release(status)), as a slow WeChat Pay's would be
      if (refundMode === 'slow') { slow.asked = b.out_refund_no; slow.release = (status) => { slow.release = null; ok(status); }; return; }
      if (refundMode === 'refuse') return answer(res, 403, { code: 'NOT_ENOUGH', message: '基本账户余额不足，请充值后重新发起' });
      if (refundMode === 'flaky') { refundMode = 'forged-then-ok'; return answer(res, 500, { code: 'SYSTEM_ERROR', message: '系统错误' }); }
      if (refundMode === 'forged-then-ok') { refundMode = 'success'; return answer(res, 200, { status: 'SUCCESS' }, stranger.privateKey); }
    }
    if (mode === 'paid') return answer(res, 400, { code: 'ORDERPAID', message: '该订单已支付' });
    if (mode === 'refuse') return answer(res, 403, { code: 'NO_AUTH', message: '商户无权限' });
    if (mode === 'forged') return answer(res, 200, { prepay_id: 'wx26112221580621e9b071c00d9e093b0000' }, stranger.privateKey);
    return answer(res, 200, { prepay_id: 'wx26112221580621e9b071c00d9e093b0000' });
  });
});

let srv, api, admin, mockPort;
before(async () => {
  await new Promise((r) => mock.listen(0, '127.0.0.1', r));
  mockPort = mock.address().port;
  srv = await startServer({
    name: 'wechatpay-prepay',
    env: {
      YUTANG_WECHATPAY_PLATFORM_KEY: platformFile, YUTANG_WECHATPAY_APIV3_KEY: APIV3_KEY,
      YUTANG_WECHATPAY_PLATFORM_SERIAL: PLATFORM_SERIAL, YUTANG_WECHATPAY_MCHID: MCHID,
      YUTANG_WECHATPAY_MERCHANT_KEY: merchantFile, YUTANG_WECHATPAY_MERCHANT_SERIAL: MERCHANT_SERIAL,
      YUTANG_WECHATPAY_APPID: APPID, YUTANG_WECHATPAY_NOTIFY_URL: NOTIFY_URL, YUTANG_WECHATPAY_API_BASE: `http://127.0.0.1:${mockPort}`,
      YUTANG_WECHATPAY_RETRY_MS: '300', YUTANG_WECHATPAY_RECHECK_MS: '2500',
    },
  });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => {
  if (srv) await srv.stop();
  mock.close();
});

const as = (t) => (m, p, body) => api(m, p, { token: t, body });
const iso = (ms) => new Date(ms).toISOString();

/** A customer (with an openid unless told otherwise), their member token, and a pending flash-sale order. */
async function buyer({ openid = uniq('oUpF8u'), payWindow = 300 } = {}) {
  const p = expectStatus(await as(admin)('POST', '/api/v1/products', { name: uniq('微信支付面霜'), skus: [{ name: '50ml', price: 19900, stock: 10 }] }), 201);
  const sale = expectStatus(await as(admin)('POST', '/api/v1/flash-sales', {
    name: uniq('微信秒杀'), sku_id: p.skus[0].id, price: 9900, stock: 5, per_customer_limit: 2, pay_window_seconds: payWindow,
    starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000),
  }), 201);
  const c = expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '微信买家' }), 201);
  if (openid) expectStatus(await as(admin)('POST', `/api/v1/customers/${c.id}/identities`, { kind: 'openid', value: openid }), 201);
  const token = expectStatus(await as(admin)('POST', `/api/v1/customers/${c.id}/member-links`, {}), 201).token;
  const order = expectStatus(await api('POST', `/api/v1/flash-sales/${sale.id}/orders`, { token, body: { quantity: 1 } }), 201);
  return { customer: c.id, token, order, openid };
}
const prepay = (token, orderId) => api('POST', `/api/v1/member/orders/${orderId}/wechatpay`, { token });

describe('WeChat Pay JSAPI prepay', () => {
  test('a signed request for the order; the page gets pay parameters signed with the merchant key', async () => {
    mode = 'ok';
    const b = await buyer();
    const before = seen.length;
    const r = expectStatus(await prepay(b.token, b.order.order_id), 200);
    assert.equal(seen.length, before + 1, 'one call to WeChat Pay');
    const call = seen.at(-1);
    assert.ok(call.verified, 'the Authorization signature verifies with the merchant public key');
    assert.equal(call.auth.mchid, MCHID);
    assert.equal(call.auth.serial_no, MERCHANT_SERIAL);
    assert.ok(Math.abs(Number(call.auth.timestamp) - Date.now() / 1000) < 60);
    assert.equal(call.accept, 'application/json');
    const outTradeNo = `yt${String(b.order.order_id).padStart(10, '0')}`;
    assert.equal(call.body.appid, APPID);
    assert.equal(call.body.mchid, MCHID);
    assert.equal(call.body.out_trade_no, outTradeNo);
    assert.equal(call.body.notify_url, NOTIFY_URL);
    assert.deepEqual(call.body.amount, { total: 9900, currency: 'CNY' });
    assert.deepEqual(call.body.payer, { openid: b.openid });
    assert.match(call.body.description, /微信支付面霜/);
    assert.match(call.body.time_expire, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    assert.ok(Math.abs(Date.parse(call.body.time_expire) - Date.parse(b.order.pay_by)) < 1000, 'expires with the payment window');
    assert.equal(r.out_trade_no, outTradeNo);
    assert.equal(r.total, 9900);
    const pp = r.pay_params;
    assert.equal(pp.appId, APPID);
    assert.equal(pp.package, 'prepay_id=wx26112221580621e9b071c00d9e093b0000');
    assert.equal(pp.signType, 'RSA');
    assert.match(pp.nonceStr, /^[0-9A-Za-z]{16,32}$/);
    assert.ok(Rsa.verify(Formatter.joinedByLineFeed(pp.appId, pp.timeStamp, pp.nonceStr, pp.package), pp.paySign, merchant.publicKey),
      'paySign verifies with the merchant public key');
    // nothing is recorded until WeChat Pay's notification: the order still waits
    const o = expectStatus(await api('GET', `/api/v1/member/orders/${b.order.order_id}`, { token: b.token }), 200);
    assert.equal(o.status, 'pending');
  });

  test('a paid membership order (no SKU) is asked for like any order, named by its plan', async () => {
    mode = 'ok';
    const b = await buyer();
    const plan = expectStatus(await as(admin)('POST', '/api/v1/member-plans', { name: '黑金年卡', price: 16800, days: 365, level: 1 }), 201);
    const o = expectStatus(await api('POST', `/api/v1/member-plans/${plan.id}/orders`, { token: b.token, body: {} }), 201);
    const before = seen.length;
    const r = expectStatus(await prepay(b.token, o.order_id), 200);
    assert.equal(seen.length, before + 1, 'one call to WeChat Pay');
    assert.deepEqual(seen.at(-1).body.amount, { total: 16800, currency: 'CNY' });
    assert.match(seen.at(-1).body.description, /付费会员 · 黑金年卡/);
    assert.equal(r.total, 16800);
  });

  test('another member\'s order is a 404; a staff token a 403; a member without an openid a 422; nothing is called', async () => {
    mode = 'ok';
    const a = await buyer();
    const other = await buyer();
    const nobody = await buyer({ openid: null });
    const before = seen.length;
    const missing = await prepay(other.token, a.order.order_id);
    assertProblem(missing, 404);
    assert.doesNotMatch(missing.json.type, /payments-off$/);
    assert.equal((await api('POST', `/api/v1/member/orders/${a.order.order_id}/wechatpay`, { token: admin })).status, 403);
    const r = await prepay(nobody.token, nobody.order.order_id);
    assertProblem(r, 422);
    assert.equal(r.json.errors[0].field, 'openid');
    assert.equal(seen.length, before, 'WeChat Pay was not called');
  });

  test('an order that is paid already is a 409, here and when WeChat Pay says so', async () => {
    mode = 'ok';
    const b = await buyer();
    mode = 'paid';
    const r = await prepay(b.token, b.order.order_id);
    assertProblem(r, 409);
    assert.equal(r.json.errors[0].field, 'status');
    mode = 'ok';
  });

  test('an answer not signed by the platform key, a refusal, or WeChat Pay unreachable: a 502 and no pay parameters', async () => {
    const b = await buyer();
    mode = 'forged';
    let r = await prepay(b.token, b.order.order_id);
    assertProblem(r, 502);
    assert.match(r.json.detail, /not signed by the platform/);
    assert.equal(r.json.pay_params, undefined);
    mode = 'refuse';
    r = await prepay(b.token, b.order.order_id);
    assertProblem(r, 502);
    assert.match(r.json.detail, /NO_AUTH/);
    mode = 'ok';
    expectStatus(await prepay(b.token, b.order.order_id), 200, 'the same order can be paid once WeChat Pay answers');
    assert.ok(!srv.log().includes(b.openid), 'the openid is not logged');
  });

  test('WeChat Pay unreachable is a 502; a server without merchant settings answers 404; half settings refuse to start', async () => {
    const down = await startServer({
      name: 'wechatpay-prepay-down', shareWith: srv,
      env: {
        YUTANG_WECHATPAY_PLATFORM_KEY: platformFile, YUTANG_WECHATPAY_APIV3_KEY: crypto.randomBytes(16).toString('hex'),
        YUTANG_WECHATPAY_MCHID: MCHID, YUTANG_WECHATPAY_MERCHANT_KEY: merchantFile, YUTANG_WECHATPAY_MERCHANT_SERIAL: MERCHANT_SERIAL,
        YUTANG_WECHATPAY_APPID: APPID, YUTANG_WECHATPAY_NOTIFY_URL: NOTIFY_URL, YUTANG_WECHATPAY_API_BASE: 'http://127.0.0.1:9',
      },
    });
    const plain = await startServer({ name: 'wechatpay-prepay-off', shareWith: srv });
    try {
      const b = await buyer();
      const r = await client(down.baseUrl).api('POST', `/api/v1/member/orders/${b.order.order_id}/wechatpay`, { token: b.token });
      assertProblem(r, 502);
      assert.match(r.json.detail, /could not be reached/);
      const off = await client(plain.baseUrl).api('POST', `/api/v1/member/orders/${b.order.order_id}/wechatpay`, { token: b.token });
      assertProblem(off, 404);
      assert.match(off.json.type, /payments-off$/, 'told apart from a missing order by its type');
    } finally {
      await down.stop();
      await plain.stop();
    }
    for (const env of [
      { YUTANG_WECHATPAY_MERCHANT_KEY: merchantFile }, // no platform key to check answers with
      { YUTANG_WECHATPAY_PLATFORM_KEY: platformFile, YUTANG_WECHATPAY_APIV3_KEY: crypto.randomBytes(16).toString('hex'),
        YUTANG_WECHATPAY_MERCHANT_KEY: merchantFile, YUTANG_WECHATPAY_MERCHANT_SERIAL: MERCHANT_SERIAL, YUTANG_WECHATPAY_MCHID: MCHID,
        YUTANG_WECHATPAY_APPID: APPID, YUTANG_WECHATPAY_NOTIFY_URL: 'http://shop.example.com/notify' }, // not https
      { YUTANG_WECHATPAY_PLATFORM_KEY: platformFile, YUTANG_WECHATPAY_APIV3_KEY: crypto.randomBytes(16).toString('hex'),
        YUTANG_WECHATPAY_MERCHANT_KEY: platformFile, YUTANG_WECHATPAY_MERCHANT_SERIAL: MERCHANT_SERIAL, YUTANG_WECHATPAY_MCHID: MCHID,
        YUTANG_WECHATPAY_APPID: APPID, YUTANG_WECHATPAY_NOTIFY_URL: NOTIFY_URL }, // a public key where the private one goes
      { YUTANG_WECHATPAY_PLATFORM_KEY: platformFile, YUTANG_WECHATPAY_APIV3_KEY: crypto.randomBytes(16).toString('hex'),
        YUTANG_WECHATPAY_MERCHANT_KEY: merchantFile, YUTANG_WECHATPAY_MERCHANT_SERIAL: MERCHANT_SERIAL, YUTANG_WECHATPAY_MCHID: MCHID,
        YUTANG_WECHATPAY_APPID: APPID, YUTANG_WECHATPAY_NOTIFY_URL: NOTIFY_URL, YUTANG_WECHATPAY_API_BASE: 'http://pay.example.com' }, // plain http off this machine
    ]) {
      await assert.rejects(startServer({ name: 'wechatpay-prepay-bad', shareWith: srv, env, startTimeoutMs: 5000 }), /exited|WeChat Pay/);
    }
  });
});

describe('WeChat Pay refunds, asked of its refund API', () => {
  /** A buyer's order paid through a TRANSACTION.SUCCESS notification, then refunded in full by staff: the refund's id. */
  async function paidAndRefunded() {
    mode = 'ok';
    const b = await buyer();
    const trade = `yt${String(b.order.order_id).padStart(10, '0')}`;
    const body = notificationBody('TRANSACTION.SUCCESS', {
      mchid: MCHID, appid: APPID, out_trade_no: trade, transaction_id: `42000012${Date.now()}${crypto.randomInt(1e6)}`,
      trade_type: 'JSAPI', trade_state: 'SUCCESS', trade_state_desc: '支付成功', bank_type: 'CMC', attach: '',
      success_time: '2025-05-20T13:29:35+08:00', payer: { openid: b.openid },
      amount: { total: 9900, payer_total: 9900, currency: 'CNY', payer_currency: 'CNY' },
    }, APIV3_KEY);
    expectStatus(await api('POST', '/api/v1/payments/wechatpay/notify', { raw: body, headers: platformHeaders(body, platform.privateKey, PLATFORM_SERIAL) }), 200);
    const made = expectStatus(await as(admin)('POST', `/api/v1/mall-orders/${b.order.order_id}/refunds`, { reason: '质量问题，七天无理由' }), 201);
    return { order: b.order.order_id, trade, refund: made.refund_id };
  }
  async function refundOf(order, until) {
    let r;
    for (let i = 0; i < 60; i++) {
      r = expectStatus(await as(admin)('GET', `/api/v1/mall-orders/${order}/refunds`), 200).items[0];
      if (until(r)) return r;
      await new Promise((res) => setTimeout(res, 100));
    }
    return r;
  }

  test('asked at once with the merchant\'s signature; SUCCESS settles the refund', async () => {
    refundMode = 'success';
    const calls = seen.length;
    const { order, trade, refund } = await paidAndRefunded();
    const r = await refundOf(order, (x) => x.status !== 'pending');
    assert.equal(r.status, 'succeeded');
    assert.equal(r.provider_status, 'SUCCESS');
    assert.equal(r.attempts, 1);
    assert.ok(r.submitted_at);
    const call = seen.slice(calls).find((c) => c.url === REFUND);
    assert.ok(call.verified, 'signed with the merchant key');
    assert.equal(call.body.out_trade_no, trade);
    assert.equal(call.body.out_refund_no, `ytr${String(refund).padStart(10, '0')}`);
    assert.deepEqual(call.body.amount, { refund: 9900, total: 9900, currency: 'CNY' });
    assert.equal(call.body.notify_url, NOTIFY_URL);
    assert.equal(call.body.reason, '质量问题，七天无理由');
  });

  test('PROCESSING waits for the notification; CLOSED and a refusal mark it failed with WeChat Pay\'s words', async () => {
    refundMode = 'processing';
    let { order } = await paidAndRefunded();
    let r = await refundOf(order, (x) => x.provider_status);
    assert.equal(r.status, 'pending');
    assert.equal(r.provider_status, 'PROCESSING');
    await new Promise((res) => setTimeout(res, 800));
    assert.equal((await refundOf(order, () => true)).attempts, 1, 'asked once: the notification settles it');
    refundMode = 'closed';
    ({ order } = await paidAndRefunded());
    r = await refundOf(order, (x) => x.status !== 'pending');
    assert.equal(r.status, 'failed');
    assert.equal(r.provider_status, 'CLOSED');
    assert.equal(r.settled_by_hand, null);
    // the brand returns the money in the merchant platform and says so: only a failed refund, with a note
    const byHand = (id, body) => as(admin)('POST', `/api/v1/mall-orders/${order}/refunds/${id}/settle-by-hand`, body);
    assertProblem(await byHand(r.id, {}), 400);
    assertProblem(await byHand(r.id, { note: '' }), 400);
    assertProblem(await byHand(r.id, { note: '商'.repeat(201) }), 400);
    assertProblem(await byHand(r.id, { note: '已退', extra: 1 }), 400);
    assertProblem(await byHand(r.id + 100000, { note: '已退' }), 404);
    const settled = expectStatus(await byHand(r.id, { note: '已在商户平台原路退回' }), 200);
    assert.equal(settled.id, r.id);
    assert.equal(settled.status, 'settled_by_hand');
    assert.equal(settled.provider_status, 'CLOSED', 'what WeChat Pay said stays');
    assert.equal(settled.settled_by_hand.note, '已在商户平台原路退回');
    assert.ok(settled.settled_by_hand.staff_id >= 1 && Date.parse(settled.settled_by_hand.at) > 0);
    const twice = expectStatus(await byHand(r.id, { note: '再说一次' }), 200);
    assert.deepEqual(twice.settled_by_hand, settled.settled_by_hand, 'settled once');
    assert.equal((await refundOf(order, () => true)).status, 'settled_by_hand');
    const audit = expectStatus(await as(admin)('GET', `/api/v1/audit?entity=mall_refund&entity_id=${r.id}`), 200);
    assert.equal(audit.items.filter((a) => a.action === 'mall_refund.settle_by_hand').length, 1, 'audited once');
    refundMode = 'refuse';
    ({ order } = await paidAndRefunded());
    r = await refundOf(order, (x) => x.status !== 'pending');
    assert.equal(r.status, 'failed');
    assert.equal(r.provider_status, 'REFUSED');
    assert.match(r.provider_note, /^NOT_ENOUGH: 基本账户余额不足/);
    // a refund that did not fail is not settled by hand
    refundMode = 'success';
    ({ order } = await paidAndRefunded());
    r = await refundOf(order, (x) => x.status !== 'pending');
    assert.equal(r.status, 'succeeded');
    const refused = await as(admin)('POST', `/api/v1/mall-orders/${order}/refunds/${r.id}/settle-by-hand`, { note: '已退' });
    assertProblem(refused, 409);
    assert.equal(refused.json.errors?.[0]?.field ?? refused.json.field, 'status');
  });

  test('a refund WeChat Pay closed is asked for again under a new out_refund_no; the closed round\'s word changes nothing after', async () => {
    refundMode = 'closed';
    const { order, trade, refund } = await paidAndRefunded();
    let r = await refundOf(order, (x) => x.status !== 'pending');
    assert.deepEqual([r.status, r.provider_status, r.round, r.out_refund_no], ['failed', 'CLOSED', 1, `ytr${String(refund).padStart(10, '0')}`]);
    const again = (id, body = {}) => as(admin)('POST', `/api/v1/mall-orders/${order}/refunds/${id}/ask-again`, body);
    assertProblem(await again(refund, { extra: 1 }), 400);
    assertProblem(await again(refund + 100000), 404);
    refundMode = 'processing';
    const calls = seen.length;
    const asked = expectStatus(await again(refund), 200);
    assert.deepEqual([asked.status, asked.round, asked.out_refund_no, asked.provider_status, asked.attempts],
      ['pending', 2, `ytr${String(refund).padStart(10, '0')}-2`, null, 0]);
    r = await refundOf(order, (x) => x.provider_status);
    assert.deepEqual([r.status, r.provider_status, r.attempts], ['pending', 'PROCESSING', 1]);
    const call = seen.slice(calls).find((c) => c.url === REFUND);
    assert.ok(call.verified);
    assert.deepEqual([call.body.out_refund_no, call.body.out_trade_no], [`ytr${String(refund).padStart(10, '0')}-2`, trade]);
    assert.deepEqual(call.body.amount, { refund: 9900, total: 9900, currency: 'CNY' });
    // WeChat Pay's REFUND.CLOSED for the first round, delivered late: acknowledged, and the second round still waits
    expectStatus(await refundWord('REFUND.CLOSED', trade, no(refund)), 200);
    assert.equal((await refundOf(order, () => true)).status, 'pending', "the first round's word does not settle the second");
    expectStatus(await refundWord('REFUND.SUCCESS', trade, no(refund, 2)), 200);
    assert.equal((await refundOf(order, () => true)).status, 'succeeded');
    assertProblem(await refundWord('REFUND.SUCCESS', trade, `${no(refund)}-02`), 400, 'one spelling per round');
    // only a failed WeChat Pay refund is asked for again
    const refused = await again(refund);
    assertProblem(refused, 409);
    assert.equal(refused.json.errors?.[0]?.field ?? refused.json.field, 'status');
    const audit = expectStatus(await as(admin)('GET', `/api/v1/audit?entity=mall_refund&entity_id=${refund}`), 200);
    assert.equal(audit.items.filter((a) => a.action === 'mall_refund.ask_again').length, 1, 'audited once');
  });

  /** WeChat Pay's REFUND.* notification for out_refund_no of a 9900-fen order trade. */
  function refundWord(event, trade, outRefundNo) {
    const body = notificationBody(event, {
      mchid: MCHID, out_trade_no: trade, transaction_id: '4200001234', out_refund_no: outRefundNo,
      refund_id: '50000000382019052709732678859', refund_status: event.slice(7), user_received_account: '招商银行信用卡0403',
      amount: { total: 9900, refund: 9900, payer_total: 9900, payer_refund: 9900 },
    }, APIV3_KEY, 'refund');
    return api('POST', '/api/v1/payments/wechatpay/notify', { raw: body, headers: platformHeaders(body, platform.privateKey, PLATFORM_SERIAL) });
  }
  const no = (refund, round = 1) => `ytr${String(refund).padStart(10, '0')}${round > 1 ? `-${round}` : ''}`;
  const untilAsked = async (what) => { for (let i = 0; i < 100 && slow.asked !== what; i++) await new Promise((res) => setTimeout(res, 50)); assert.equal(slow.asked, what); };

  test('only a refund WeChat Pay closed or refused is asked again; an ABNORMAL one is paid out another way', async () => {
    refundMode = 'processing';
    const { order, trade, refund } = await paidAndRefunded();
    await refundOf(order, (x) => x.provider_status === 'PROCESSING');
    expectStatus(await refundWord('REFUND.ABNORMAL', trade, no(refund)), 200);
    let r = await refundOf(order, (x) => x.status !== 'pending');
    assert.deepEqual([r.status, r.provider_status], ['failed', 'ABNORMAL'], "the notification's word is kept");
    const again = await as(admin)('POST', `/api/v1/mall-orders/${order}/refunds/${refund}/ask-again`, {});
    assertProblem(again, 409);
    assert.equal(again.json.errors?.[0]?.field ?? again.json.field, 'provider_status');

    // 发起异常退款: bad input is refused before WeChat Pay is asked
    const apply = (body, id = refund) => as(admin)('POST', `/api/v1/mall-orders/${order}/refunds/${id}/abnormal-refund`, body);
    const card = { type: 'USER_BANK_CARD', bank_type: 'ICBC_DEBIT', bank_account: '6212261234567890123', real_name: '王小美' };
    const field = (res) => res.json.errors?.[0]?.field ?? res.json.field;
    const calls = abnormal.calls.length;
    for (const [body, f] of [[{ ...card, type: 'WALLET' }, 'type'], [{ ...card, bank_type: 'icbc debit' }, 'bank_type'],
      [{ ...card, bank_account: '6212-2612' }, 'bank_account'], [{ ...card, bank_account: '1'.repeat(31) }, 'bank_account'],
      [{ ...card, real_name: '' }, 'real_name'], [{ type: 'MERCHANT_BANK_CARD', bank_account: card.bank_account }, 'bank_account'],
      [{ ...card, extra: 1 }, 'extra']]) {
      const bad = await apply(body);
      assertProblem(bad, 400);
      assert.equal(field(bad), f, JSON.stringify(body));
    }
    assertProblem(await apply(card, refund + 100000), 404);
    assert.equal(abnormal.calls.length, calls, 'WeChat Pay was not asked');
    // WeChat Pay refuses (the name does not match the card): 502 with its words, and the refund stays as it was
    abnormal.mode = 'refuse';
    queryStatusOf.set(no(refund), 'ABNORMAL');
    const refused = await apply(card);
    assertProblem(refused, 502);
    assert.match(refused.json.detail, /PARAM_ERROR: 银行卡号与姓名不匹配/);
    assert.deepEqual([(await refundOf(order, () => true)).status], ['failed']);
    // taken: asked with the signed query's refund_id, the card's number and holder encrypted under the platform key it names
    abnormal.mode = 'processing';
    const taken = expectStatus(await apply(card), 200);
    assert.deepEqual([taken.status, taken.provider_status, taken.round], ['pending', 'PROCESSING', 1]);
    const call = abnormal.calls.at(-1);
    assert.equal(call.refundId, WX_REFUND_ID);
    assert.equal(call.serial, PLATFORM_SERIAL);
    assert.deepEqual([call.body.out_refund_no, call.body.type, call.body.bank_type], [no(refund), 'USER_BANK_CARD', 'ICBC_DEBIT']);
    assert.deepEqual([call.bankAccount, call.realName], [card.bank_account, card.real_name], 'decrypted with the platform private key');
    assert.notEqual(call.body.bank_account, card.bank_account);
    assert.ok(seen.filter((c) => c.url.endsWith('/apply-abnormal-refund')).every((c) => c.verified), "signed with the merchant's key");
    // only once: the refund is pending now
    const twice = await apply(card);
    assertProblem(twice, 409);
    assert.equal(field(twice), 'status');
    // WeChat Pay's notification settles it, under the same out_refund_no
    expectStatus(await refundWord('REFUND.SUCCESS', trade, no(refund)), 200);
    r = await refundOf(order, (x) => x.status !== 'pending');
    assert.deepEqual([r.status, r.provider_status], ['succeeded', 'SUCCESS']);
    const audit = expectStatus(await as(admin)('GET', `/api/v1/audit?entity=mall_refund&entity_id=${refund}`), 200);
    const entry = audit.items.find((a) => a.action === 'mall_refund.abnormal_refund');
    assert.ok(entry, 'audited');
    const everything = JSON.stringify(audit) + srv.log();
    assert.ok(!everything.includes(card.bank_account) && !everything.includes(card.real_name), 'the card is neither kept nor logged');
    queryStatusOf.delete(no(refund));
  });

  test("an ABNORMAL refund paid to the merchant's account; WeChat Pay's word first: one it no longer holds as ABNORMAL is not asked", async () => {
    refundMode = 'processing';
    const { order, trade, refund } = await paidAndRefunded();
    await refundOf(order, (x) => x.provider_status === 'PROCESSING');
    expectStatus(await refundWord('REFUND.ABNORMAL', trade, no(refund)), 200);
    await refundOf(order, (x) => x.status === 'failed');
    const apply = (body) => as(admin)('POST', `/api/v1/mall-orders/${order}/refunds/${refund}/abnormal-refund`, body);
    // WeChat Pay says it is done already: nothing is asked
    queryStatusOf.set(no(refund), 'SUCCESS');
    const calls = abnormal.calls.length;
    const done = await apply({ type: 'MERCHANT_BANK_CARD' });
    assertProblem(done, 409);
    assert.match(done.json.detail, /SUCCESS/);
    assert.equal(abnormal.calls.length, calls);
    // to the merchant's account: no card, no Wechatpay-Serial needed; a final answer settles it at once
    queryStatusOf.set(no(refund), 'ABNORMAL');
    abnormal.mode = 'success';
    const r = expectStatus(await apply({ type: 'MERCHANT_BANK_CARD' }), 200);
    assert.deepEqual([r.status, r.provider_status], ['succeeded', 'SUCCESS']);
    const call = abnormal.calls.at(-1);
    assert.deepEqual(Object.keys(call.body).sort(), ['out_refund_no', 'type']);
    abnormal.mode = 'processing';
    queryStatusOf.delete(no(refund));
    // a refund that did not fail ABNORMAL is not paid out another way
    const again = await apply({ type: 'MERCHANT_BANK_CARD' });
    assertProblem(again, 409);
  });

  test("a round's answer that comes after staff asked again: a failure changes nothing, a success settles the refund", async () => {
    for (const [late, want] of [['CLOSED', 'succeeded'], ['SUCCESS', 'succeeded']]) {
      refundMode = 'slow';
      slow.asked = null;
      const { order, trade, refund } = await paidAndRefunded();
      await untilAsked(no(refund));
      // WeChat Pay's notification closes round 1 while its answer is still on the way; staff ask again
      expectStatus(await refundWord('REFUND.CLOSED', trade, no(refund)), 200);
      await refundOf(order, (x) => x.status === 'failed');
      expectStatus(await as(admin)('POST', `/api/v1/mall-orders/${order}/refunds/${refund}/ask-again`, {}), 200);
      refundMode = late === 'CLOSED' ? 'success' : 'slow';
      const calls = refundCalls;
      slow.release(late); // round 1's answer arrives now
      if (late === 'CLOSED') { // round 2 is asked and pays: the late CLOSED did not fail it
        const r = await refundOf(order, (x) => x.status !== 'pending');
        assert.deepEqual([r.status, r.round, r.provider_status], [want, 2, 'SUCCESS']);
        assert.ok(refundCalls > calls, 'round 2 was asked for');
      } else { // round 1 paid after all: the refund is paid, and round 2 is never asked for
        const r = await refundOf(order, (x) => x.status !== 'pending');
        assert.deepEqual([r.status, r.round], [want, 2]);
        await new Promise((res) => setTimeout(res, 700));
        assert.equal(refundCalls, calls, 'round 2 is not asked for');
        assert.equal((await refundOf(order, () => true)).status, 'succeeded');
      }
    }
    refundMode = 'success';
  });

  test('an earlier round that pays after the next was asked for settles the refund paid, and says to check for a second refund', async () => {
    refundMode = 'closed';
    const { order, trade, refund } = await paidAndRefunded();
    await refundOf(order, (x) => x.status === 'failed');
    refundMode = 'processing';
    expectStatus(await as(admin)('POST', `/api/v1/mall-orders/${order}/refunds/${refund}/ask-again`, {}), 200);
    await refundOf(order, (x) => x.provider_status === 'PROCESSING');
    expectStatus(await refundWord('REFUND.SUCCESS', trade, no(refund)), 200);
    const r = await refundOf(order, (x) => x.status !== 'pending');
    assert.deepEqual([r.status, r.round, r.provider_status], ['succeeded', 2, 'SUCCESS']);
    assert.match(srv.log(), new RegExp(`refund ${refund}: WeChat Pay says its round 1 succeeded while round 2 was asked for`));
    refundMode = 'success';
  });

  test('a PROCESSING refund whose notification never comes is asked about (the signed refund query) until it settles', async () => {
    refundMode = 'processing';
    queryStatus = 'PROCESSING';
    const { order, refund } = await paidAndRefunded();
    const outRefundNo = `ytr${String(refund).padStart(10, '0')}`;
    let r = await refundOf(order, (x) => x.provider_status);
    assert.equal(r.provider_status, 'PROCESSING');
    const submitted = r.submitted_at;
    // no notification: after the wait the query is asked, signed with the merchant key, and PROCESSING keeps it pending
    for (let i = 0; i < 80 && !queried.includes(outRefundNo); i++) await new Promise((res) => setTimeout(res, 100));
    assert.ok(queried.includes(outRefundNo), 'the refund was asked about');
    const asked = seen.find((c) => c.method === 'GET' && c.url === `${REFUND}/${outRefundNo}`);
    assert.ok(asked.verified, 'the query is signed with the merchant key');
    r = await refundOf(order, () => true);
    assert.equal(r.status, 'pending');
    assert.ok(r.attempts >= 2);
    // then WeChat Pay says it is done: the next query settles it, and the first asking's time stays
    queryStatus = 'SUCCESS';
    for (let i = 0; i < 3 && r.status === 'pending'; i++) r = await refundOf(order, (x) => x.status !== 'pending');
    assert.equal(r.status, 'succeeded');
    assert.equal(r.provider_status, 'SUCCESS');
    assert.equal(r.submitted_at, submitted);
    queryStatus = 'PROCESSING';
  });

  test('WeChat Pay\'s own trouble and an answer it did not sign are asked again, until it settles', async () => {
    refundMode = 'flaky'; // a 500, then an answer signed by someone else, then SUCCESS
    const before = refundCalls;
    const { order } = await paidAndRefunded();
    const r = await refundOf(order, (x) => x.status !== 'pending');
    assert.equal(r.status, 'succeeded');
    assert.equal(r.attempts, 3);
    assert.equal(refundCalls - before, 3);
    assert.match(srv.log(), /asked again later: answer not signed by the platform key/);
    assert.ok(!srv.log().includes('招商银行'), 'the receiving account is not logged');
  });
});
