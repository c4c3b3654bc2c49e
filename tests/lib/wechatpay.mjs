// WeChat Pay notifications as WeChat Pay sends them, made with an independent implementation of the protocol
// (wechatpay-axios-plugin): the resource encrypted with the APIv3 key, the body signed with a platform key.
import crypto from 'node:crypto';
import wechatpay from 'wechatpay-axios-plugin';

const { Rsa, Aes, Formatter } = wechatpay;

/** A notification's raw JSON body: plain encrypted with apiv3Key (AEAD_AES_256_GCM); tamper may change the
 * ciphertext (base64) before it is sent. */
export function notificationBody(eventType, plain, apiv3Key, originalType = 'transaction', tamper = null) {
  const nonce = crypto.randomBytes(6).toString('hex'); // 12 bytes
  let ciphertext = Aes.AesGcm.encrypt(JSON.stringify(plain), apiv3Key, nonce, originalType);
  if (tamper) ciphertext = tamper(ciphertext);
  return JSON.stringify({
    id: crypto.randomUUID(), create_time: '2025-05-20T13:29:35+08:00', resource_type: 'encrypt-resource',
    event_type: eventType, summary: eventType.startsWith('REFUND') ? '退款成功' : '支付成功',
    resource: { original_type: originalType, algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: originalType, nonce },
  });
}

/** The Wechatpay-* headers over body, signed with privateKey (or carrying the signature given), at timestamp. */
export function platformHeaders(body, privateKey, serial, { timestamp = Formatter.timestamp(), signature } = {}) {
  const nonce = Formatter.nonce();
  return {
    'Content-Type': 'application/json',
    'Wechatpay-Timestamp': String(timestamp),
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': serial,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    'Wechatpay-Signature': signature ?? Rsa.sign(Formatter.response(String(timestamp), nonce, body), privateKey),
  };
}
