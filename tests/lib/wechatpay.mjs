// WeChat Pay notifications as WeChat Pay sends them, made with an independent implementation of the protocol
// (wechatpay-axios-plugin): the resource encrypted with the APIv3 key, the body signed with a platform key.
import crypto from 'node:crypto';
import wechatpay from 'wechatpay-axios-plugin';

const { Rsa, Aes, Formatter } = wechatpay;

/** A notification's raw JSON body: plain encrypted with apiv3Key (AEAD_AES_256_GCM). */
export function notificationBody(eventType, plain, apiv3Key, originalType = 'transaction') {
  const nonce = crypto.randomBytes(6).toString('hex'); // 12 bytes
  return JSON.stringify({
    id: crypto.randomUUID(), create_time: '2025-05-20T13:29:35+08:00', resource_type: 'encrypt-resource',
    event_type: eventType, summary: eventType.startsWith('REFUND') ? '退款成功' : '支付成功',
    resource: { original_type: originalType, algorithm: 'AEAD_AES_256_GCM', associated_data: originalType, nonce,
      ciphertext: Aes.AesGcm.encrypt(JSON.stringify(plain), apiv3Key, nonce, originalType) },
  });
}

/** The Wechatpay-* headers over body, signed with privateKey. */
export function platformHeaders(body, privateKey, serial) {
  const timestamp = String(Formatter.timestamp());
  const nonce = Formatter.nonce();
  return {
    'Content-Type': 'application/json',
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': serial,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    'Wechatpay-Signature': Rsa.sign(Formatter.response(timestamp, nonce, body), privateKey),
  };
}
