/* Group buys (拼团): an activity sells one SKU at a group price to teams of N customers within a time limit. A
 * leader opens a team (a pending mall order of kind "group"), others join it through its share code; the team
 * forms once N of its orders are paid, and a team whose time runs out first is closed: its paid orders are
 * refunded ("拼团失败") and its unpaid ones cancelled, their units back in the activity. The activity's stock
 * leaves the SKU when it is made and what is left goes back once it is over and no team is open. */
#ifndef YT_GROUPBUY_H
#define YT_GROUPBUY_H
#include "../base/json.h"
#include "../domain/ctx.h"
#include "../store/store.h"
#include <stddef.h>
#include <stdint.h>

#define GROUPBUY_TEAM_MIN 2
#define GROUPBUY_TEAM_MAX 100
#define GROUPBUY_MINUTES_MAX 4320          /* a team's time limit: 72 hours at most */
#define GROUPBUY_QTY_MAX 1000              /* per customer, and so per order */
#define GROUPBUY_PAY_WINDOW_MS 900000      /* an unpaid group order frees its seat after 15 minutes by default */
#define GROUPBUY_MINUTE_MS 60000           /* a minute of a time limit; YUTANG_GROUPBUY_MINUTE_MS shortens it */
#define GROUPBUY_CODE_LEN 8                /* share codes: 8 characters of Crockford's base32, 40 random bits */

/* ---- apart from the store ---- */

/* Writes 5 bytes as 8 characters of Crockford's base32 (0-9, A-Z without I, L, O, U) and a NUL. */
void groupbuy_code_encode(const unsigned char bytes[5], char out[GROUPBUY_CODE_LEN + 1]);
/* A fresh share code from the system CSPRNG (libsodium). */
void groupbuy_code_new(char out[GROUPBUY_CODE_LEN + 1]);
/* A code as typed into its stored form: upper case, O read as 0 and I or L as 1; false when it cannot be a
 * code (another length or character), so it names no team. */
bool groupbuy_code_normalize(const char *in, char out[GROUPBUY_CODE_LEN + 1]);
/* A name shown to other members: its first character and "**" (张三丰: 张**); "***" when it is empty. */
void groupbuy_mask_name(const char *name, char *out, size_t size);

/* ---- activities (staff) ---- */

typedef struct {
    const char *name;
    int64_t sku_id, price, stock, team_size, team_minutes, per_customer_limit, pay_window_ms, starts_at, ends_at;
    bool one_team_per_customer; /* a customer holds a seat in one team of the activity at a time */
    bool new_customers_only;    /* 老带新: only customers with no paid order join (anyone opens) */
    int64_t minute_ms;          /* how long a minute of team_minutes lasts (GROUPBUY_MINUTE_MS) */
} groupbuy_input;

/* Checks (400 naming the field: price at or above the SKU's list price, team size outside 2-100, minutes
 * outside 1-4320, ...), stores the activity and takes its stock from the SKU (409 on stock when the SKU has
 * less), audited. */
int groupbuy_create(yt_ctx *x, const groupbuy_input *in, int64_t *id);
/* No team is opened or joined from now on; open teams run to their deadline. Stopping again changes nothing. */
int groupbuy_stop(yt_ctx *x, int64_t id);
/* The activity with its stock and figures (teams opened, formed, failed, participants, paid orders, GMV,
 * refunded, conversion); 404 when there is none. */
int groupbuy_write_json(yt_ctx *x, yt_jw *w, int64_t id);
int groupbuy_list_json(yt_ctx *x, yt_jw *w, int limit, int64_t cursor);
/* A page of the activity's teams, newest first, each with its members' orders; status NULL or open, formed,
 * failed. Three statements a page. */
int groupbuy_teams_json(yt_ctx *x, yt_jw *w, int64_t id, const char *status, int limit, int64_t cursor);

/* ---- members ---- */

/* The activity as a member sees it, with their units and their teams. */
int groupbuy_member_json(yt_ctx *x, yt_jw *w, int64_t id, int64_t customer);
/* A team by its code as a member sees it: progress, members' masked names, the member's own order. 404 when
 * no team has the code. */
int groupbuy_team_member_json(yt_ctx *x, yt_jw *w, const char *code, int64_t customer);

/* Refusals of groupbuy_open and groupbuy_join: a 409's err.field names the refusal (h_groupbuy.c gives each
 * its problem type); 422 on "group_buy" before the start, after the end or once stopped; 404 for no such
 * activity or team; 400 on quantity. */
#define GROUPBUY_TEAM_FULL "seats_left"          /* team-full */
#define GROUPBUY_TEAM_EXPIRED "expires_at"       /* team-expired */
#define GROUPBUY_ALREADY_JOINED "code"           /* already-joined */
#define GROUPBUY_ONE_TEAM "one_team_per_customer" /* one-team-only */
#define GROUPBUY_NEW_ONLY "new_customers_only"   /* new-customers-only */
#define GROUPBUY_LIMIT "quantity"                /* limit-reached */
#define GROUPBUY_SOLD_OUT "stock_left"           /* sold-out */

/* A live customer opens a team as its leader: one transaction takes the activity's units and writes the team
 * and its first pending order. *code: the new team's share code. */
int groupbuy_open(yt_ctx *x, int64_t activity, int64_t customer, int64_t quantity, char code[GROUPBUY_CODE_LEN + 1]);
/* A live customer takes a seat in the team: its row is locked first, so concurrent joiners queue and a team
 * never holds more than its size. */
int groupbuy_join(yt_ctx *x, const char *code, int64_t customer, int64_t quantity);

/* ---- hooks of the mall's orders (inside their transactions) ---- */

/* Before a payment reads its order: locks the team of a group order, so a payment and the closing of its
 * team queue in one order (nothing for other orders). */
int groupbuy_pay_lock(yt_ctx *x, int64_t order_id);
/* After a group order became paid: counts it on its team, which forms once all of its seats are paid. */
int groupbuy_order_paid(yt_ctx *x, int64_t order_id);
/* A group order waits while its team is open: it is neither shipped nor refunded by hand (409 on status);
 * YT_OK for every other order. */
int groupbuy_order_waiting(yt_ctx *x, int64_t order_id);

/* On the beat (cli/beat.c): closes teams past their deadline (refunds and cancellations), cancels unpaid
 * orders past their window (their seats free), and returns what is left of ended activities to their SKU.
 * Each is decided by a conditional UPDATE, so two instances on one store do each once. */
void groupbuy_sweep(yt_store *store);

#endif
