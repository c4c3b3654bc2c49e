/* Group buys: share codes and masked names (pure), activities made, stopped and read with their figures, teams
 * listed for staff, and what members read of an activity and of a team. */
#include "groupbuy.h"
#include "../base/timeutil.h"
#include "../commerce/catalog.h"
#include "../domain/audit.h"
#include "../domain/page.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define YEAR_MS (366LL * 86400000)

/* ---- apart from the store ---- */

static const char code_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford's base32 */

void groupbuy_code_encode(const unsigned char bytes[5], char out[GROUPBUY_CODE_LEN + 1]) {
    uint64_t v = 0;
    for (int i = 0; i < 5; i++) v = v << 8 | bytes[i];
    for (int i = GROUPBUY_CODE_LEN - 1; i >= 0; i--, v >>= 5) out[i] = code_alphabet[v & 31];
    out[GROUPBUY_CODE_LEN] = '\0';
}

void groupbuy_code_new(char out[GROUPBUY_CODE_LEN + 1]) {
    unsigned char bytes[5];
    randombytes_buf(bytes, sizeof bytes);
    groupbuy_code_encode(bytes, out);
}

bool groupbuy_code_normalize(const char *in, char out[GROUPBUY_CODE_LEN + 1]) {
    if (!in || strlen(in) != GROUPBUY_CODE_LEN) return false;
    for (int i = 0; i < GROUPBUY_CODE_LEN; i++) {
        char c = in[i];
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        if (c == 'O') c = '0';
        else if (c == 'I' || c == 'L') c = '1';
        if (!c || !strchr(code_alphabet, c)) return false;
        out[i] = c;
    }
    out[GROUPBUY_CODE_LEN] = '\0';
    return true;
}

void groupbuy_mask_name(const char *name, char *out, size_t size) {
    size_t n = 0;
    if (name && *name) { /* the first UTF-8 character whole: its lead byte and the continuation bytes after it */
        n = 1;
        while (name[n] && ((unsigned char)name[n] & 0xC0) == 0x80 && n < 4) n++;
    }
    snprintf(out, size, "%.*s%s", (int)n, n ? name : "", n ? "**" : "***");
}

/* ---- activities ---- */

static const char *state_of(int64_t now, int64_t starts_at, int64_t ends_at, bool stopped) {
    return stopped ? "stopped" : now < starts_at ? "upcoming" : now < ends_at ? "running" : "over";
}

int groupbuy_create(yt_ctx *x, const groupbuy_input *in, int64_t *id) {
    if (yt_check_text(x, "name", in->name ? in->name : "", 1, 100)) return x->err.code;
    if (in->price < 1 || in->price > CATALOG_PRICE_MAX)
        return yt_fail(x, YT_EINVAL, "price", "is fen from 1 to %lld", (long long)CATALOG_PRICE_MAX);
    if (in->team_size < GROUPBUY_TEAM_MIN || in->team_size > GROUPBUY_TEAM_MAX)
        return yt_fail(x, YT_EINVAL, "team_size", "a team is %d to %d customers", GROUPBUY_TEAM_MIN, GROUPBUY_TEAM_MAX);
    if (in->team_minutes < 1 || in->team_minutes > GROUPBUY_MINUTES_MAX)
        return yt_fail(x, YT_EINVAL, "team_minutes", "a team has 1 to %d minutes (72 hours) to form", GROUPBUY_MINUTES_MAX);
    if (in->stock < 1 || in->stock > CATALOG_STOCK_MAX)
        return yt_fail(x, YT_EINVAL, "stock", "is from 1 to %lld", (long long)CATALOG_STOCK_MAX);
    if (in->per_customer_limit < 1 || in->per_customer_limit > GROUPBUY_QTY_MAX)
        return yt_fail(x, YT_EINVAL, "per_customer_limit", "is from 1 to %d", GROUPBUY_QTY_MAX);
    if (in->pay_window_ms < 1000 || in->pay_window_ms > 86400000)
        return yt_fail(x, YT_EINVAL, "pay_window_seconds", "is from 1 to 86400");
    if (in->ends_at <= in->starts_at) return yt_fail(x, YT_EINVAL, "ends_at", "must be after starts_at");
    if (in->ends_at - in->starts_at > YEAR_MS) return yt_fail(x, YT_EINVAL, "ends_at", "a group buy lasts at most a year");
    if (in->ends_at <= now_ms()) return yt_fail(x, YT_EINVAL, "ends_at", "is already past");
    int64_t list_price, shelf;
    if (sku_get(x, in->sku_id, &list_price, &shelf))
        return x->err.code == YT_ENOTFOUND ? yt_fail(x, YT_EINVAL, "sku_id", "no SKU with id %lld", (long long)in->sku_id) : x->err.code;
    if (in->price >= list_price)
        return yt_fail(x, YT_EINVAL, "price", "the group price must be below the list price (%lld fen)", (long long)list_price);
    int64_t now = now_ms(), minute = in->minute_ms > 0 ? in->minute_ms : GROUPBUY_MINUTE_MS;
    if (db_begin(x->db) != 0) return yt_fail_db(x, "creating a group buy");
    yt_param p[] = {PT(in->name), PI(in->sku_id), PI(in->price), PI(in->team_size), PI(in->team_minutes), PI(in->team_minutes * minute),
                    PI(in->pay_window_ms), PI(in->stock), PI(in->per_customer_limit), PI(in->one_team_per_customer),
                    PI(in->new_customers_only), PI(in->starts_at), PI(in->ends_at),
                    x->who->staff_id ? PI(x->who->staff_id) : PNULL, PI(now), PI(now)};
    *id = db_query_int(x->db,
                       "INSERT INTO group_buys(name, sku_id, price, team_size, team_minutes, team_ms, pay_window_ms, stock,"
                       " per_customer_limit, one_team_per_customer, new_customers_only, starts_at, ends_at, created_by, created_at,"
                       " updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                       NPARAMS(p), p, 0);
    int rc = *id > 0 ? YT_OK : yt_fail_db(x, "creating a group buy");
    char ref[48];
    snprintf(ref, sizeof ref, "group_buy:%lld", (long long)*id);
    /* the activity's stock leaves the SKU's shelf stock now, as a flash sale's does */
    if (rc == YT_OK) rc = sku_stock_move(x, in->sku_id, -in->stock, "group_buy", ref, NULL);
    if (rc == YT_ECONFLICT) snprintf(x->err.field, sizeof x->err.field, "stock");
    if (rc == YT_OK) rc = audit_record(x, "group_buy.create", "group_buy", *id, NULL);
    return yt_finish(x, rc, "creating a group buy");
}

int groupbuy_stop(yt_ctx *x, int64_t id) {
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "stopping a group buy");
    yt_param p[] = {PI(now), PI(now), PI(id)};
    int64_t n = db_exec(x->db, "UPDATE group_buys SET stopped_at = ?, updated_at = ? WHERE id = ? AND stopped_at IS NULL", 3, p);
    int rc = n < 0 ? yt_fail_db(x, "stopping a group buy") : YT_OK;
    yt_param q[] = {PI(id)};
    if (rc == YT_OK && n == 0 && db_query_int(x->db, "SELECT count(*) FROM group_buys WHERE id = ?", 1, q, 0) == 0)
        rc = yt_fail(x, YT_ENOTFOUND, NULL, "no group buy with id %lld", (long long)id);
    if (rc == YT_OK && n == 1) rc = audit_record(x, "group_buy.stop", "group_buy", id, NULL);
    return yt_finish(x, rc, "stopping a group buy");
}

/* The activity, its SKU and product, and its figures: one statement for one activity or a page of them. */
#define ACTIVITY_SQL                                                                                                   \
    "SELECT g.id, g.name, g.sku_id, g.price, g.team_size, g.team_minutes, g.pay_window_ms, g.stock, g.sold, g.returned," \
    " g.per_customer_limit, g.one_team_per_customer, g.new_customers_only, g.starts_at, g.ends_at, g.stopped_at,"      \
    " g.closed_at, g.created_at, s.price, s.name, p.id, p.name,"                                                      \
    " (SELECT count(*) FROM group_teams t WHERE t.activity_id = g.id),"                                               \
    " (SELECT count(*) FROM group_teams t WHERE t.activity_id = g.id AND t.status = 'formed'),"                       \
    " (SELECT count(*) FROM group_teams t WHERE t.activity_id = g.id AND t.status = 'failed'),"                       \
    " (SELECT count(DISTINCT o.customer_id) FROM mall_orders o WHERE o.activity_id = g.id AND o.kind = 'group'),"     \
    " (SELECT count(*) FROM mall_orders o WHERE o.activity_id = g.id AND o.kind = 'group' AND o.paid_at IS NOT NULL)," \
    " (SELECT COALESCE(SUM(o.total), 0) FROM mall_orders o WHERE o.activity_id = g.id AND o.kind = 'group'"           \
    "  AND o.paid_at IS NOT NULL),"                                                                                   \
    " (SELECT COALESCE(SUM(o.refunded), 0) FROM mall_orders o WHERE o.activity_id = g.id AND o.kind = 'group')"       \
    " FROM group_buys g JOIN skus s ON s.id = g.sku_id JOIN products p ON p.id = s.product_id"

static void write_time_or_null(yt_jw *w, const char *k, yt_rows *r, int col) {
    if (rows_null(r, col)) jw_knull(w, k);
    else jw_ktime(w, k, rows_int(r, col));
}

static void write_activity(yt_jw *w, yt_rows *r) {
    int64_t now = now_ms(), opened = rows_int(r, 22), formed = rows_int(r, 23), failed = rows_int(r, 24);
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kstr(w, "name", rows_text(r, 1));
    jw_kint(w, "sku_id", rows_int(r, 2));
    jw_kint(w, "product_id", rows_int(r, 20));
    jw_kstr(w, "product_name", rows_text(r, 21));
    jw_kstr(w, "sku_name", rows_text(r, 19));
    jw_kint(w, "list_price", rows_int(r, 18));
    jw_kint(w, "price", rows_int(r, 3));
    jw_kint(w, "team_size", rows_int(r, 4));
    jw_kint(w, "team_minutes", rows_int(r, 5));
    jw_kint(w, "pay_window_seconds", rows_int(r, 6) / 1000);
    jw_kint(w, "stock", rows_int(r, 7));
    jw_kint(w, "sold", rows_int(r, 8));
    jw_kint(w, "stock_left", rows_int(r, 7) - rows_int(r, 8) - rows_int(r, 9));
    jw_kint(w, "stock_returned", rows_int(r, 9));
    jw_kint(w, "per_customer_limit", rows_int(r, 10));
    jw_kbool(w, "one_team_per_customer", rows_int(r, 11) != 0);
    jw_kbool(w, "new_customers_only", rows_int(r, 12) != 0);
    jw_ktime(w, "starts_at", rows_int(r, 13));
    jw_ktime(w, "ends_at", rows_int(r, 14));
    jw_kstr(w, "state", state_of(now, rows_int(r, 13), rows_int(r, 14), !rows_null(r, 15)));
    write_time_or_null(w, "stopped_at", r, 15);
    write_time_or_null(w, "closed_at", r, 16);
    jw_ktime(w, "created_at", rows_int(r, 17));
    jw_key(w, "figures");
    jw_obj(w);
    jw_kint(w, "teams_opened", opened);
    jw_kint(w, "teams_open", opened - formed - failed);
    jw_kint(w, "teams_formed", formed);
    jw_kint(w, "teams_failed", failed);
    jw_kint(w, "participants", rows_int(r, 25));
    jw_kint(w, "paid_orders", rows_int(r, 26));
    jw_kint(w, "gmv", rows_int(r, 27));
    jw_kint(w, "refunded", rows_int(r, 28));
    jw_key(w, "conversion"); /* formed / opened, to four places; null before any team opens */
    if (opened) jw_dbl(w, (double)(formed * 10000 / opened) / 10000);
    else jw_null(w);
    jw_obj_end(w);
    jw_obj_end(w);
}

int groupbuy_write_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, ACTIVITY_SQL " WHERE g.id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading a group buy");
    bool found = rows_next(r);
    if (found) write_activity(w, r);
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "no group buy with id %lld", (long long)id);
}

int groupbuy_list_json(yt_ctx *x, yt_jw *w, int limit, int64_t cursor) {
    yt_param p[] = {PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, ACTIVITY_SQL " WHERE g.id < ? ORDER BY g.id DESC LIMIT ?", 2, p);
    if (!r) return yt_fail_db(x, "listing group buys");
    page_write(w, r, limit, write_activity);
    rows_free(r);
    return YT_OK;
}

/* ---- teams for staff ---- */

typedef struct {
    int64_t id, customer, size, seats, paid, opened_at, expires_at, formed_at, closed_at;
    char code[GROUPBUY_CODE_LEN + 1], status[8];
} team_row;

static const char *const team_states[] = {"open", "formed", "failed"};

int groupbuy_teams_json(yt_ctx *x, yt_jw *w, int64_t id, const char *status, int limit, int64_t cursor) {
    bool known = !status;
    for (size_t i = 0; !known && i < sizeof team_states / sizeof team_states[0]; i++) known = strcmp(status, team_states[i]) == 0;
    if (!known) return yt_fail(x, YT_EINVAL, "status", "is open, formed or failed");
    yt_param a[] = {PI(id)};
    int64_t exists = db_query_int(x->db, "SELECT count(*) FROM group_buys WHERE id = ?", 1, a, -1);
    if (exists < 0) return yt_fail_db(x, "listing teams");
    if (!exists) return yt_fail(x, YT_ENOTFOUND, NULL, "no group buy with id %lld", (long long)id);
    /* the page's teams, kept, then every order of the teams in its id range in one statement */
    yt_param p[] = {PI(id), PT(status ? status : ""), PT(status ? status : ""), PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, "SELECT id, code, customer_id, status, size, seats_taken, paid, opened_at, expires_at, formed_at,"
                                 " closed_at FROM group_teams WHERE activity_id = ? AND (CAST(? AS TEXT) = '' OR status = ?)"
                                 " AND id < ? ORDER BY id DESC LIMIT ?", 5, p);
    if (!r) return yt_fail_db(x, "listing teams");
    team_row *teams = arena_alloc(x->arena, (size_t)(limit + 1) * sizeof *teams);
    int n = 0;
    while (rows_next(r) && n <= limit) {
        team_row *t = &teams[n++];
        *t = (team_row){.id = rows_int(r, 0), .customer = rows_int(r, 2), .size = rows_int(r, 4), .seats = rows_int(r, 5),
                        .paid = rows_int(r, 6), .opened_at = rows_int(r, 7), .expires_at = rows_int(r, 8),
                        .formed_at = rows_null(r, 9) ? 0 : rows_int(r, 9), .closed_at = rows_null(r, 10) ? 0 : rows_int(r, 10)};
        snprintf(t->code, sizeof t->code, "%s", rows_text(r, 1));
        snprintf(t->status, sizeof t->status, "%s", rows_text(r, 3));
    }
    rows_free(r);
    bool more = n > limit;
    if (more) n = limit;
    yt_rows *m = NULL;
    if (n) {
        yt_param q[] = {PI(id), PI(teams[n - 1].id), PI(teams[0].id)};
        m = db_query(x->db, "SELECT team_id, id, customer_id, status, quantity, total, refunded, created_at, paid_at, closed_at,"
                            " cancel_reason FROM mall_orders WHERE activity_id = ? AND kind = 'group' AND team_id BETWEEN ? AND ?"
                            " ORDER BY team_id DESC, id", 3, q);
        if (!m) return yt_fail_db(x, "listing teams");
    }
    bool row = m && rows_next(m);
    jw_obj(w);
    jw_key(w, "items");
    jw_arr(w);
    for (int i = 0; i < n; i++) {
        const team_row *t = &teams[i];
        jw_obj(w);
        jw_kint(w, "id", t->id);
        jw_kstr(w, "code", t->code);
        jw_kint(w, "leader_id", t->customer);
        jw_kstr(w, "status", t->status);
        jw_kint(w, "size", t->size);
        jw_kint(w, "seats_taken", t->seats);
        jw_kint(w, "paid", t->paid);
        jw_ktime(w, "opened_at", t->opened_at);
        jw_ktime(w, "expires_at", t->expires_at);
        if (t->formed_at) jw_ktime(w, "formed_at", t->formed_at);
        else jw_knull(w, "formed_at");
        if (t->closed_at) jw_ktime(w, "closed_at", t->closed_at);
        else jw_knull(w, "closed_at");
        jw_key(w, "members");
        jw_arr(w);
        while (row && rows_int(m, 0) > t->id) row = rows_next(m); /* a team the status filter left out */
        for (; row && rows_int(m, 0) == t->id; row = rows_next(m)) {
            jw_obj(w);
            jw_kint(w, "customer_id", rows_int(m, 2));
            jw_kbool(w, "leader", rows_int(m, 2) == t->customer);
            jw_kint(w, "order_id", rows_int(m, 1));
            jw_kstr(w, "order_status", rows_text(m, 3));
            jw_kint(w, "quantity", rows_int(m, 4));
            jw_kint(w, "total", rows_int(m, 5));
            jw_kint(w, "refunded", rows_int(m, 6));
            jw_ktime(w, "joined_at", rows_int(m, 7));
            write_time_or_null(w, "paid_at", m, 8);
            write_time_or_null(w, "closed_at", m, 9);
            if (rows_null(m, 10)) jw_knull(w, "cancel_reason");
            else jw_kstr(w, "cancel_reason", rows_text(m, 10));
            jw_obj_end(w);
        }
        jw_arr_end(w);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    rows_free(m);
    jw_next_cursor(w, more, n ? teams[n - 1].id : 0);
    jw_obj_end(w);
    return YT_OK;
}

/* ---- what members read ---- */

/* An order still holding (or having held) its seat: all but one whose payment window ran out. */
#define SEATED "NOT (o.status = 'cancelled' AND o.cancel_reason = 'timeout')"

int groupbuy_member_json(yt_ctx *x, yt_jw *w, int64_t id, int64_t customer) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db,
                          "SELECT g.name, g.sku_id, g.price, g.team_size, g.team_minutes, g.stock, g.sold, g.returned,"
                          " g.per_customer_limit, g.one_team_per_customer, g.new_customers_only, g.starts_at, g.ends_at,"
                          " g.stopped_at, s.name, s.specs, s.price, p.id, p.name, p.description, p.images"
                          " FROM group_buys g JOIN skus s ON s.id = g.sku_id JOIN products p ON p.id = s.product_id WHERE g.id = ?",
                          1, p);
    if (!r) return yt_fail_db(x, "reading a group buy");
    if (!rows_next(r)) {
        rows_free(r);
        return yt_fail(x, YT_ENOTFOUND, NULL, "no group buy with id %lld", (long long)id);
    }
    int64_t now = now_ms();
    jw_obj(w);
    jw_kint(w, "id", id);
    jw_kstr(w, "name", rows_text(r, 0));
    jw_kint(w, "product_id", rows_int(r, 17));
    jw_kstr(w, "product_name", rows_text(r, 18));
    jw_kstr(w, "description", rows_text(r, 19));
    jw_kraw(w, "images", rows_text(r, 20));
    jw_kint(w, "sku_id", rows_int(r, 1));
    jw_kstr(w, "sku_name", rows_text(r, 14));
    jw_kraw(w, "specs", rows_text(r, 15));
    jw_kint(w, "price", rows_int(r, 2));
    jw_kint(w, "original_price", rows_int(r, 16));
    jw_kint(w, "team_size", rows_int(r, 3));
    jw_kint(w, "team_minutes", rows_int(r, 4));
    jw_kint(w, "stock_left", rows_int(r, 5) - rows_int(r, 6) - rows_int(r, 7));
    jw_kint(w, "per_customer_limit", rows_int(r, 8));
    jw_kbool(w, "one_team_per_customer", rows_int(r, 9) != 0);
    jw_kbool(w, "new_customers_only", rows_int(r, 10) != 0);
    jw_ktime(w, "starts_at", rows_int(r, 11));
    jw_ktime(w, "ends_at", rows_int(r, 12));
    jw_kstr(w, "state", state_of(now, rows_int(r, 11), rows_int(r, 12), !rows_null(r, 13)));
    rows_free(r);
    /* +activity_id here and below: through the customer's index (a customer has few orders, the activity many) */
    yt_param q[] = {PI(id), PI(customer)};
    jw_kint(w, "mine", db_query_int(x->db, "SELECT COALESCE(SUM(quantity - refunded_quantity), 0) FROM mall_orders"
                                           " WHERE +activity_id = ? AND kind = 'group' AND customer_id = ?"
                                           " AND status IN ('pending', 'paid', 'shipped', 'completed')", 2, q, 0));
    /* the member's teams, latest first */
    r = db_query(x->db, "SELECT t.code, t.status, t.size, t.seats_taken, t.paid, t.expires_at, t.customer_id, o.id, o.status"
                        " FROM mall_orders o JOIN group_teams t ON t.id = o.team_id WHERE +o.activity_id = ? AND o.kind = 'group'"
                        " AND o.customer_id = ? AND " SEATED " ORDER BY o.id DESC LIMIT 20", 2, q);
    if (!r) return yt_fail_db(x, "reading a group buy");
    jw_key(w, "my_teams");
    jw_arr(w);
    while (rows_next(r)) {
        jw_obj(w);
        jw_kstr(w, "code", rows_text(r, 0));
        jw_kstr(w, "status", rows_text(r, 1));
        jw_kbool(w, "leader", rows_int(r, 6) == customer);
        jw_kint(w, "size", rows_int(r, 2));
        jw_kint(w, "joined", rows_int(r, 3));
        jw_kint(w, "paid", rows_int(r, 4));
        jw_kint(w, "seats_left", strcmp(rows_text(r, 1), "open") == 0 ? rows_int(r, 2) - rows_int(r, 3) : 0);
        jw_ktime(w, "expires_at", rows_int(r, 5));
        jw_kint(w, "order_id", rows_int(r, 7));
        jw_kstr(w, "order_status", rows_text(r, 8));
        jw_obj_end(w);
    }
    jw_arr_end(w);
    rows_free(r);
    jw_ktime(w, "server_time", now);
    jw_obj_end(w);
    return YT_OK;
}

int groupbuy_team_member_json(yt_ctx *x, yt_jw *w, const char *code, int64_t customer) {
    char c[GROUPBUY_CODE_LEN + 1];
    if (!groupbuy_code_normalize(code, c)) return yt_fail(x, YT_ENOTFOUND, NULL, "no team with this code");
    yt_param p[] = {PT(c)};
    yt_rows *r = db_query(x->db,
                          "SELECT t.id, t.status, t.size, t.seats_taken, t.paid, t.opened_at, t.expires_at, t.formed_at,"
                          " t.customer_id, g.id, g.name, g.price, s.price, p.name, s.name, g.stopped_at"
                          " FROM group_teams t JOIN group_buys g ON g.id = t.activity_id JOIN skus s ON s.id = g.sku_id"
                          " JOIN products p ON p.id = s.product_id WHERE t.code = ?",
                          1, p);
    if (!r) return yt_fail_db(x, "reading a team");
    if (!rows_next(r)) {
        rows_free(r);
        return yt_fail(x, YT_ENOTFOUND, NULL, "no team with this code");
    }
    int64_t team = rows_int(r, 0), leader = rows_int(r, 8), now = now_ms();
    bool open = strcmp(rows_text(r, 1), "open") == 0;
    jw_obj(w);
    jw_kstr(w, "code", c);
    jw_kstr(w, "status", rows_text(r, 1));
    jw_key(w, "group_buy");
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 9));
    jw_kstr(w, "name", rows_text(r, 10));
    jw_kstr(w, "product_name", rows_text(r, 13));
    jw_kstr(w, "sku_name", rows_text(r, 14));
    jw_kint(w, "price", rows_int(r, 11));
    jw_kint(w, "original_price", rows_int(r, 12));
    jw_kbool(w, "stopped", !rows_null(r, 15));
    jw_obj_end(w);
    jw_kint(w, "size", rows_int(r, 2));
    jw_kint(w, "joined", rows_int(r, 3));
    jw_kint(w, "paid", rows_int(r, 4));
    jw_kint(w, "seats_left", open ? rows_int(r, 2) - rows_int(r, 3) : 0);
    jw_ktime(w, "opened_at", rows_int(r, 5));
    jw_ktime(w, "expires_at", rows_int(r, 6));
    write_time_or_null(w, "formed_at", r, 7);
    rows_free(r);
    /* the members: their names masked, never their ids; the member's own order in full */
    yt_param q[] = {PI(team)};
    r = db_query(x->db, "SELECT o.id, o.customer_id, o.status, o.paid_at, o.quantity, o.total, o.pay_by, c.nickname, c.name"
                        " FROM mall_orders o JOIN customers c ON c.id = o.customer_id WHERE o.team_id = ? AND " SEATED
                        " ORDER BY o.id", 1, q);
    if (!r) return yt_fail_db(x, "reading a team");
    jw_key(w, "members");
    jw_arr(w);
    int64_t mine[5] = {0};
    char mine_status[16] = "";
    while (rows_next(r)) {
        char masked[32];
        groupbuy_mask_name(*rows_text(r, 7) ? rows_text(r, 7) : rows_text(r, 8), masked, sizeof masked);
        bool me = rows_int(r, 1) == customer;
        jw_obj(w);
        jw_kstr(w, "name", masked);
        jw_kbool(w, "leader", rows_int(r, 1) == leader);
        jw_kbool(w, "paid", !rows_null(r, 3));
        jw_kbool(w, "me", me);
        jw_obj_end(w);
        if (me) {
            mine[0] = rows_int(r, 0), mine[1] = rows_int(r, 4), mine[2] = rows_int(r, 5), mine[3] = rows_null(r, 6) ? 0 : rows_int(r, 6);
            snprintf(mine_status, sizeof mine_status, "%s", rows_text(r, 2));
        }
    }
    jw_arr_end(w);
    rows_free(r);
    if (mine[0]) {
        jw_key(w, "mine");
        jw_obj(w);
        jw_kint(w, "order_id", mine[0]);
        jw_kstr(w, "status", mine_status);
        jw_kint(w, "quantity", mine[1]);
        jw_kint(w, "total", mine[2]);
        if (mine[3]) jw_ktime(w, "pay_by", mine[3]);
        else jw_knull(w, "pay_by");
        jw_obj_end(w);
    } else {
        jw_knull(w, "mine");
    }
    jw_ktime(w, "server_time", now);
    jw_obj_end(w);
    return YT_OK;
}
