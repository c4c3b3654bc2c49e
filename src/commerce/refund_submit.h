/* Refunds through WeChat Pay are asked of its refund API by a thread of their own, after the refund (with all
 * it gives back) is committed, so no request waits on WeChat Pay and no call is made holding the writer. Each
 * instance's thread claims a few pending refunds not yet asked for (a claim that lapses after a minute, so
 * two instances never ask at once and a killed one's claims come back), asks, and records the answer:
 * SUCCESS settles the refund, PROCESSING leaves it for the notification, ABNORMAL, CLOSED or a refusal mark
 * it failed with WeChat Pay's words; no answer, WeChat Pay's own trouble or an unsigned answer is asked
 * again later, each time after twice as long (from retry_ms up to ten minutes). One out_refund_no is one
 * refund at WeChat Pay however often it is asked. A refund left PROCESSING whose notification has not come
 * recheck_ms after it was asked for is asked about (the refund query), and again after twice as long each
 * time, up to ten minutes: a lost notification no longer leaves it pending for good. */
#ifndef YT_REFUND_SUBMIT_H
#define YT_REFUND_SUBMIT_H
#include "pay_wechat_api.h"
#include "../store/store.h"

#define REFUND_CLAIM_MS 60000
#define REFUND_RETRY_MS 5000    /* the first wait after a failed ask */
#define REFUND_RETRY_MAX_MS 600000
#define REFUND_RECHECK_MS 300000 /* a PROCESSING refund's notification is waited for this long before asking */

typedef struct refund_submitter refund_submitter;

/* Starts the thread (the store, merchant and platform outlive it); retry_ms 0: REFUND_RETRY_MS, recheck_ms 0:
 * REFUND_RECHECK_MS. NULL when it cannot start. */
refund_submitter *refund_submitter_start(yt_store *store, const wechatpay_merchant *m, const wechatpay *platform, int retry_ms,
                                         int recheck_ms);
/* A refund was made: look now rather than at the next second. NULL is fine. */
void refund_submitter_kick(refund_submitter *s);
/* Finishes the ask in progress and stops. NULL is fine. */
void refund_submitter_stop(refund_submitter *s);

#endif
