// WeChat Pay JSAPI prepay: a member pays their own pending order from a page opened in WeChat. The WeChat Pay
// API is played by a server in this test that checks each request the way WeChat Pay does, with an
// independent implementation of the protocol (wechatpay-axios-plugin: Formatter.request and Rsa.verify for the
// merchant's Authorization signature), and signs its answers with a "platform" key (Formatter.response,
// Rsa.sign). Covered: the request (signed by the merchant key, the order's amount, out_trade_no, payer openid,
// expiry and notify URL), the page's pay parameters (paySign verified with the merchant's public key), and
// what is refused: another's or a paid order, a member without an openid, an answer not signed by the
// platform, WeChat Pay's own refusals, WeChat Pay unreachable, and the server without merchant settings.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import wechatpay from 'wechatpay-axios-plugin';
import { startServer } from '../lib/server.mjs';
import { client, assertProblem, expectStatus, uniq } from '../lib/client.mjs';

const { Rsa, Formatter } = wechatpay;
const MCHID = '1900000109';
const APPID = 'wxd678efh567hg6787';
const PLATFORM_SERIAL = crypto.randomBytes(20).toString('hex').toUpperCase();
const MERCHANT_SERIAL = crypto.randomBytes(20).toString('hex').toUpperCase();
const NOTIFY_URL = 'https://shop.example.com/api/v1/payments/wechatpay/notify';
const PREPAY = '/v3/pay/transactions/jsapi';

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
    const auth = authorization(req.headers.authorization);
    const verified = !!auth && Rsa.verify(Formatter.request(req.method, req.url, auth.timestamp, auth.nonce_str, raw), auth.signature, merchant.publicKey);
    seen.push({ method: req.method, url: req.url, auth, verified, body: raw ? JSON.parse(raw) : null, accept: req.headers.accept });
    if (req.url !== PREPAY || req.method !== 'POST') return answer(res, 404, { code: 'NOT_FOUND', message: '无效的请求' });
    if (!verified || auth.mchid !== MCHID || auth.serial_no !== MERCHANT_SERIAL)
      return answer(res, 401, { code: 'SIGN_ERROR', message: '签名错误' });
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
      YUTANG_WECHATPAY_PLATFORM_KEY: platformFile, YUTANG_WECHATPAY_APIV3_KEY: crypto.randomBytes(16).toString('hex'),
      YUTANG_WECHATPAY_PLATFORM_SERIAL: PLATFORM_SERIAL, YUTANG_WECHATPAY_MCHID: MCHID,
      YUTANG_WECHATPAY_MERCHANT_KEY: merchantFile, YUTANG_WECHATPAY_MERCHANT_SERIAL: MERCHANT_SERIAL,
      YUTANG_WECHATPAY_APPID: APPID, YUTANG_WECHATPAY_NOTIFY_URL: NOTIFY_URL, YUTANG_WECHATPAY_API_BASE: `http://127.0.0.1:${mockPort}`,
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

  test('another member\'s order is a 404; a staff token a 403; a member without an openid a 422; nothing is called', async () => {
    mode = 'ok';
    const a = await buyer();
    const other = await buyer();
    const nobody = await buyer({ openid: null });
    const before = seen.length;
    assertProblem(await prepay(other.token, a.order.order_id), 404);
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
      assertProblem(await client(plain.baseUrl).api('POST', `/api/v1/member/orders/${b.order.order_id}/wechatpay`, { token: b.token }), 404);
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
