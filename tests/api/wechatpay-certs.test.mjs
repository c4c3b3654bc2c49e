// WeChat Pay platform certificates, downloaded (GET /v3/certificates) with the merchant's key instead of being
// configured by hand. WeChat Pay is played by a server in this test: it checks the request's merchant signature
// and answers as WeChat Pay does, with an independent implementation of the protocol (wechatpay-axios-plugin:
// Formatter.request and Rsa.verify for the request, Aes.AesGcm.encrypt for each certificate under the APIv3
// key, Rsa.sign for the answer). The certificates are real X.509 certificates made by openssl for the test.
// Covered: the download at start and the notifications it lets in; a certificate WeChat Pay begins to use,
// fetched when its serial is first seen (at most once a minute); an answer that does not decrypt, one not
// signed by a platform key, and an expired certificate, none of which is used; the configured platform public
// key working beside the downloaded certificates (a merchant moving from one to the other).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import wechatpay from 'wechatpay-axios-plugin';
import { startServer } from '../lib/server.mjs';
import { notificationBody, platformHeaders } from '../lib/wechatpay.mjs';
import { client, assertProblem, expectStatus, uniq } from '../lib/client.mjs';

const { Rsa, Aes, Formatter } = wechatpay;
const MCHID = '1900000109';
const APPID = 'wxd678efh567hg6787';
const MERCHANT_SERIAL = crypto.randomBytes(20).toString('hex').toUpperCase();
const PUB_KEY_ID = 'PUB_KEY_ID_0119000001092025052000000000000000';
const APIV3_KEY = crypto.randomBytes(16).toString('hex');
const NOTIFY = '/api/v1/payments/wechatpay/notify';
const DAY = 86400000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-wxcerts-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const merchant = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicKeyMode = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const merchantFile = path.join(dir, 'apiclient_key.pem');
const publicKeyFile = path.join(dir, 'pub_key.pem');
fs.writeFileSync(merchantFile, merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }));
fs.writeFileSync(publicKeyFile, publicKeyMode.publicKey.export({ type: 'spki', format: 'pem' }));

/** A platform certificate as WeChat Pay issues one: {serial, pem, privateKey}. */
function platformCertificate(name) {
  const key = path.join(dir, `${name}.key`), cert = path.join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1800',
    '-subj', `/C=CN/O=Tenpay.com/OU=Tenpay.com CA Center/CN=${name}`], { stdio: 'ignore' });
  const pem = fs.readFileSync(cert, 'utf8');
  return { serial: new crypto.X509Certificate(pem).serialNumber, pem, privateKey: crypto.createPrivateKey(fs.readFileSync(key)) };
}
const certA = platformCertificate('wechatpay-platform-a');
const certB = platformCertificate('wechatpay-platform-b');

// ---- WeChat Pay, as this test plays it ----
let inForce = [certA]; // what GET /v3/certificates lists
let mode = 'ok';       // 'tampered': a ciphertext changed; 'forged': the answer signed by a stranger; 'expired'
const calls = [];      // each download asked for: {verified}
const iso8 = (ms) => new Date(ms + 8 * 3600000).toISOString().replace(/\.\d+Z$/, '+08:00');
function entry(c) {
  const nonce = crypto.randomBytes(6).toString('hex');
  let ciphertext = Aes.AesGcm.encrypt(c.pem, APIV3_KEY, nonce, 'certificate');
  if (mode === 'tampered') { const b = Buffer.from(ciphertext, 'base64'); b[7] ^= 1; ciphertext = b.toString('base64'); }
  return {
    serial_no: c.serial, effective_time: iso8(Date.now() - DAY), expire_time: iso8(Date.now() + (mode === 'expired' ? -60000 : 1800 * DAY)),
    encrypt_certificate: { algorithm: 'AEAD_AES_256_GCM', nonce, associated_data: 'certificate', ciphertext },
  };
}
const mock = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => { raw += c; });
  req.on('end', () => {
    const m = /^WECHATPAY2-SHA256-RSA2048 (.*)$/.exec(req.headers.authorization || '');
    const auth = {};
    for (const part of (m ? m[1] : '').split(',')) {
      const kv = /^(\w+)="([^"]*)"$/.exec(part.trim());
      if (kv) auth[kv[1]] = kv[2];
    }
    const verified = !!m && auth.mchid === MCHID && auth.serial_no === MERCHANT_SERIAL &&
      Rsa.verify(Formatter.request(req.method, req.url, auth.timestamp, auth.nonce_str, raw), auth.signature, merchant.publicKey);
    const send = (status, obj, signer = inForce[0]) => {
      const body = JSON.stringify(obj);
      const timestamp = String(Formatter.timestamp()), nonce = Formatter.nonce();
      res.writeHead(status, {
        'Content-Type': 'application/json', 'Wechatpay-Timestamp': timestamp, 'Wechatpay-Nonce': nonce, 'Wechatpay-Serial': signer.serial,
        'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
        'Wechatpay-Signature': Rsa.sign(Formatter.response(timestamp, nonce, body), mode === 'forged' ? stranger.privateKey : signer.privateKey),
      });
      res.end(body);
    };
    if (req.url !== '/v3/certificates' || req.method !== 'GET') return send(404, { code: 'NOT_FOUND', message: '无效的请求' });
    calls.push({ verified });
    if (!verified) return send(401, { code: 'SIGN_ERROR', message: '签名错误' });
    send(200, { data: inForce.map(entry) });
  });
});

const merchantEnv = (port, extra = {}) => ({
  YUTANG_WECHATPAY_APIV3_KEY: APIV3_KEY, YUTANG_WECHATPAY_MCHID: MCHID,
  YUTANG_WECHATPAY_MERCHANT_KEY: merchantFile, YUTANG_WECHATPAY_MERCHANT_SERIAL: MERCHANT_SERIAL, YUTANG_WECHATPAY_APPID: APPID,
  YUTANG_WECHATPAY_NOTIFY_URL: 'https://shop.example.com/api/v1/payments/wechatpay/notify',
  YUTANG_WECHATPAY_API_BASE: `http://127.0.0.1:${port}`, ...extra,
});
let srv, api, admin, port;
before(async () => {
  await new Promise((r) => mock.listen(0, '127.0.0.1', r));
  port = mock.address().port;
  srv = await startServer({ name: 'wechatpay-certs', env: merchantEnv(port) }); // no platform key: certificates only
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => {
  if (srv) await srv.stop();
  mock.close();
});

const as = (t) => (m, p, body) => api(m, p, { token: t, body });
async function until(what, ok, ms = 10000) {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (await ok()) return;
  assert.fail(`waited ${ms} ms for ${what}`);
}
const inForceLogged = (s, n) => () => s.log().includes(`"wechatpay: ${n} platform certificate${n === 1 ? '' : 's'} in force"`);

/** A pending flash-sale order of a new customer: {order_id, total}. */
async function pendingOrder(base = srv.baseUrl) {
  const call = (m, p, body) => client(base).api(m, p, { token: admin, body });
  const p = expectStatus(await call('POST', '/api/v1/products', { name: uniq('证书面霜'), skus: [{ name: '50ml', price: 19900, stock: 10 }] }), 201);
  const s = expectStatus(await call('POST', '/api/v1/flash-sales', {
    name: uniq('证书秒杀'), sku_id: p.skus[0].id, price: 9900, stock: 5, per_customer_limit: 2,
    starts_at: new Date(Date.now() - 1000).toISOString(), ends_at: new Date(Date.now() + 3600000).toISOString(),
  }), 201);
  const c = expectStatus(await call('POST', '/api/v1/customers', { name: '证书买家' }), 201);
  return expectStatus(await call('POST', `/api/v1/flash-sales/${s.id}/orders`, { customer_id: c.id, quantity: 1 }), 201);
}
/** WeChat Pay's payment notification for order, signed with privateKey under serial, posted to base. */
function notifyPaid(order, privateKey, serial, base = srv.baseUrl) {
  const body = notificationBody('TRANSACTION.SUCCESS', {
    mchid: MCHID, appid: APPID, out_trade_no: `yt${String(order.order_id).padStart(10, '0')}`,
    transaction_id: `42000012${Date.now()}${crypto.randomInt(1e6)}`, trade_type: 'JSAPI', trade_state: 'SUCCESS',
    trade_state_desc: '支付成功', bank_type: 'CMC', attach: '', success_time: '2025-05-20T13:29:35+08:00',
    payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' }, amount: { total: order.total, payer_total: order.total, currency: 'CNY', payer_currency: 'CNY' },
  }, APIV3_KEY);
  return client(base).api('POST', NOTIFY, { raw: body, headers: platformHeaders(body, privateKey, serial) });
}
const status = async (order, base = srv.baseUrl) => expectStatus(await client(base).api('GET', `/api/v1/mall-orders/${order.order_id}`, { token: admin }), 200).status;

describe('WeChat Pay platform certificates, downloaded', () => {
  test('downloaded at start with a signed request; a notification signed with a downloaded certificate is taken', async () => {
    await until('the first download', inForceLogged(srv, 1));
    assert.ok(calls.length >= 1 && calls.every((c) => c.verified), 'each download is signed by the merchant key');
    const o = await pendingOrder();
    expectStatus(await notifyPaid(o, certA.privateKey, certA.serial), 200);
    assert.equal(await status(o), 'paid');
    const other = await pendingOrder();
    assertProblem(await notifyPaid(other, stranger.privateKey, certA.serial), 401, 'a signature by another key under its serial');
    assert.equal(await status(other), 'pending');
  });

  test('a certificate WeChat Pay begins to use is fetched when its serial is first seen, at most once a minute', async () => {
    inForce = [certA, certB];
    const before = calls.length;
    const o = await pendingOrder();
    const first = await notifyPaid(o, certB.privateKey, certB.serial);
    assertProblem(first, 401, 'not held yet');
    assert.equal(first.json.field ?? first.json.errors?.[0]?.field ?? 'Wechatpay-Serial', 'Wechatpay-Serial');
    await until('the download the new serial asked for', inForceLogged(srv, 2));
    assert.equal(calls.length, before + 1);
    expectStatus(await notifyPaid(o, certB.privateKey, certB.serial), 200, 'WeChat Pay sends it again, and now it verifies');
    assert.equal(await status(o), 'paid');
    // another unknown serial within the minute: refused, and WeChat Pay is not asked again
    const unknown = crypto.randomBytes(20).toString('hex').toUpperCase();
    assertProblem(await notifyPaid(await pendingOrder(), stranger.privateKey, unknown), 401);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(calls.length, before + 1, 'no second download within the minute');
    // the first certificate is still held beside the new one
    const a = await pendingOrder();
    expectStatus(await notifyPaid(a, certA.privateKey, certA.serial), 200);
  });

  for (const [bad, why] of [['tampered', /does not decrypt/], ['forged', /not signed by a platform key/], ['expired', /0 platform certificates in force/]]) {
    test(`an answer ${bad === 'expired' ? 'with only an expired certificate' : bad === 'tampered' ? 'that does not decrypt' : 'not signed by a platform key'} adds no key`, async () => {
      mode = bad;
      inForce = [certA];
      const other = await startServer({ name: `wechatpay-certs-${bad}`, shareWith: srv, env: merchantEnv(port) });
      try {
        await until(`the ${bad} download said so`, () => why.test(other.log()));
        const o = await pendingOrder();
        assertProblem(await notifyPaid(o, certA.privateKey, certA.serial, other.baseUrl), 401);
        assert.equal(await status(o), 'pending');
        assert.ok(!other.log().includes(APIV3_KEY), 'the APIv3 key is not logged');
      } finally {
        mode = 'ok';
        await other.stop();
      }
    });
  }

  test("the configured platform public key works beside the downloaded certificates (a merchant moving to WeChat Pay's public key)", async () => {
    inForce = [certA];
    const both = await startServer({
      name: 'wechatpay-certs-both', shareWith: srv,
      env: merchantEnv(port, { YUTANG_WECHATPAY_PLATFORM_KEY: publicKeyFile, YUTANG_WECHATPAY_PLATFORM_SERIAL: PUB_KEY_ID }),
    });
    try {
      await until('its download', inForceLogged(both, 1));
      const byKey = await pendingOrder(), byCert = await pendingOrder();
      expectStatus(await notifyPaid(byKey, publicKeyMode.privateKey, PUB_KEY_ID, both.baseUrl), 200);
      expectStatus(await notifyPaid(byCert, certA.privateKey, certA.serial, both.baseUrl), 200);
      assert.deepEqual([await status(byKey), await status(byCert)], ['paid', 'paid']);
      assertProblem(await notifyPaid(await pendingOrder(), certA.privateKey, PUB_KEY_ID, both.baseUrl), 401,
        'a certificate key under the public key id does not verify');
    } finally {
      await both.stop();
    }
  });
});
