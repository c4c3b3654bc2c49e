/* Server-wide state the API needs: the store and the rate limiters. Owned by the http layer. */
#ifndef YT_API_SERVER_H
#define YT_API_SERVER_H
#include "../base/ratelimit.h"
#include "../store/store.h"
#include "../audience/index.h"
#include "../commerce/flash.h"
#include "../commerce/refund_submit.h"

/* A caller without pii.read sees phones masked (138****1234); an exact lookup by phone is still allowed
 * (a customer calls in), but so few per minute that guessing the four hidden digits is impractical. */
#define PII_LOOKUPS_PER_MINUTE 20

struct yt_server {
    yt_store *store;
    yt_ratelimit *per_ip;
    yt_ratelimit *per_token;
    const char *console_dir; /* built console (index.html and assets), or NULL */
    audience *audience;        /* the audience index (segments), built at start and following the change feed */
    flash_engine *flash;       /* flash sales' counters and their order committer */
    int64_t mall_pay_window_ms; /* an unpaid normal mall order is cancelled after this */
    int64_t groupbuy_minute_ms; /* how long a minute of a group buy's team time limit lasts (60000; shorter in rehearsals) */
    const char *pay_sandbox_secret; /* signs the sandbox payment provider's notifications; NULL: sandbox off */
    const wechatpay *wechatpay;       /* WeChat Pay's platform key and APIv3 key (owned by serve); NULL: provider off */
    const wechatpay_merchant *wechatpay_merchant; /* the merchant's key for calling WeChat Pay; NULL: no prepay */
    refund_submitter *refunds;        /* asks WeChat Pay's refund API; NULL without the merchant's key */
    const char *metrics_token; /* bearer token for /metrics; NULL: /metrics answers loopback callers only */
};

#endif
