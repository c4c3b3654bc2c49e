/* WeChat Pay's platform certificates kept current: a thread of its own downloads them (GET /v3/certificates)
 * at start, again every refresh interval, sooner after a failure (a minute, doubling to an hour), and at once
 * when a signature names a serial not held (a certificate WeChat Pay began to use since the last download; at
 * most once a minute, so forged serials cannot make it call WeChat Pay more often). The configured platform key,
 * if any, stays in use beside them: a merchant moving from certificates to the platform public key has both. */
#ifndef YT_PAY_WECHAT_CERTS_H
#define YT_PAY_WECHAT_CERTS_H
#include "pay_wechat_api.h"

#define WECHATPAY_CERTS_REFRESH_MS (12 * 3600 * 1000) /* WeChat Pay publishes a new certificate well before it is used */
#define WECHATPAY_CERTS_RETRY_MS 60000                 /* the first wait after a failed download */
#define WECHATPAY_CERTS_RETRY_MAX_MS 3600000
#define WECHATPAY_CERTS_KICK_MS 60000                  /* an unknown serial asks for a download at most this often */

typedef struct wechatpay_certs wechatpay_certs;

/* Starts the thread, which registers itself as platform's unknown-serial callback (the merchant and platform
 * outlive it): start it before anything else checks signatures with platform, and stop it after. NULL when it
 * cannot start. */
wechatpay_certs *wechatpay_certs_start(const wechatpay_merchant *m, wechatpay *platform);
/* Finishes the download in progress and stops. NULL is fine. */
void wechatpay_certs_stop(wechatpay_certs *c);

#endif
