/* Distributors: share codes, applications and staff decisions, the brand's rule, what staff and members read, and
 * binding a member to the distributor whose share brought them. */
#include "distributor.h"
#include "../base/timeutil.h"
#include "../customer/customer.h"
#include "../domain/audit.h"
#include "../domain/page.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* ---- apart from the store ---- */

static const char code_alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789"; /* 32: five bits a character */

void distributor_code_new(char out[DISTRIBUTOR_CODE_LEN + 1]) {
    for (int i = 0; i < DISTRIBUTOR_CODE_LEN; i++) out[i] = code_alphabet[randombytes_uniform(32)];
    out[DISTRIBUTOR_CODE_LEN] = '\0';
}

void distributor_mask_name(const char *name, char *out, size_t outsz) {
    size_t n = 0;
    if (name && *name) {
        unsigned char c = (unsigned char)name[0];
        n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2; /* the first character's bytes (the name is valid UTF-8) */
        size_t len = strlen(name);
        if (n > len) n = len;
    }
    snprintf(out, outsz, "%.*s**", (int)n, n ? name : "");
}

/* ---- the brand's rule ---- */

int distributor_rule_met(yt_ctx *x, const distribution_settings *s, int64_t customer, bool *met) {
    *met = false;
    if (s->rule_min_spend > 0) {
        yt_param p[] = {PI(customer)};
        int64_t spent = db_query_int(x->db, "SELECT COALESCE(SUM(amount_fen), 0) FROM orders WHERE customer_id = ? AND status = 'paid'",
                                     1, p, -1);
        if (spent < 0) return yt_fail_db(x, "checking the distributor rule");
        if (spent >= s->rule_min_spend) *met = true;
    }
    if (!*met && s->rule_tag_id) {
        yt_param p[] = {PI(customer), PI(s->rule_tag_id)};
        int64_t tagged = db_query_int(x->db, "SELECT count(*) FROM customer_tags WHERE customer_id = ? AND tag_id = ?", 2, p, -1);
        if (tagged < 0) return yt_fail_db(x, "checking the distributor rule");
        if (tagged > 0) *met = true;
    }
    return YT_OK;
}

/* A new distributor row; *made false when the customer had one already. */
static int insert_distributor(yt_ctx *x, int64_t customer, const char *status, const char *source, const char *application,
                              bool *made) {
    char code[DISTRIBUTOR_CODE_LEN + 1];
    distributor_code_new(code);
    int64_t now = now_ms();
    yt_param p[] = {PI(customer), PT(status), PT(source), PT(code), PT(application ? application : ""),
                    strcmp(status, "active") == 0 ? PI(now) : PNULL, PI(now), PI(now)};
    int64_t n = db_exec(x->db, "INSERT INTO distributors(customer_id, status, source, code, application, decided_at, created_at,"
                               " updated_at) VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(customer_id) DO NOTHING", NPARAMS(p), p);
    if (n < 0) return yt_fail_db(x, "making a distributor");
    *made = n == 1;
    return YT_OK;
}

int distributor_by_rule(yt_ctx *x, const distribution_settings *s, int64_t customer, bool *made) {
    *made = false;
    if (!s->rule_min_spend && !s->rule_tag_id) return YT_OK;
    /* a live customer with no account: a staff member's decision stands, the rule only makes new distributors */
    yt_param p[] = {PI(customer)};
    int64_t candidate = db_query_int(x->db, "SELECT count(*) FROM customers c WHERE c.id = ? AND c.merged_into IS NULL"
                                            " AND c.erased_at IS NULL AND NOT EXISTS (SELECT 1 FROM distributors d"
                                            " WHERE d.customer_id = c.id)", 1, p, -1);
    if (candidate < 0) return yt_fail_db(x, "checking the distributor rule");
    if (!candidate) return YT_OK;
    bool met;
    int rc = distributor_rule_met(x, s, customer, &met);
    if (rc == YT_OK && met) rc = insert_distributor(x, customer, "active", "rule", NULL, made);
    if (rc == YT_OK && *made) rc = audit_record(x, "distributor.rule", "distributor", customer, "{\"status\":\"active\"}");
    return rc;
}

/* Why a customer cannot apply, by the state of their account (NULL: they may). */
static const struct {
    const char *status, *why;
} apply_refusals[] = {
    {"active", "you are a distributor already"},
    {"pending", "your application is waiting for review"},
    {"disabled", "your distributor account is disabled; ask the brand"},
};

int distributor_apply(yt_ctx *x, int64_t customer, const char *application, const char **status) {
    *status = NULL;
    if (yt_check_text(x, "application", application, 0, 200)) return x->err.code;
    distribution_settings s;
    int rc = distribution_settings_get(x, &s);
    if (rc) return rc;
    if (!s.enabled) return yt_fail(x, YT_ECONFLICT, "distribution", "the brand has no distribution programme open");
    if (db_begin(x->db) != 0) return yt_fail_db(x, "applying as a distributor");
    rc = customer_hold(x, customer, YT_ENOTFOUND, "reading a customer");
    bool met = false;
    if (rc == YT_OK) rc = distributor_rule_met(x, &s, customer, &met);
    char now_status[16] = "";
    yt_param p[] = {PI(customer)};
    yt_rows *r = rc == YT_OK ? db_query(x->db, "SELECT status FROM distributors WHERE customer_id = ?", 1, p) : NULL;
    if (rc == YT_OK && !r) rc = yt_fail_db(x, "applying as a distributor");
    if (r && rows_next(r)) snprintf(now_status, sizeof now_status, "%s", rows_text(r, 0));
    rows_free(r);
    for (size_t i = 0; rc == YT_OK && i < sizeof apply_refusals / sizeof apply_refusals[0]; i++)
        if (strcmp(now_status, apply_refusals[i].status) == 0) rc = yt_fail(x, YT_ECONFLICT, "status", "%s", apply_refusals[i].why);
    *status = met ? "active" : "pending";
    const char *source = met ? "rule" : "application";
    int64_t now = now_ms();
    if (rc == YT_OK && now_status[0]) { /* rejected before: the new application replaces the old */
        yt_param u[] = {PT(*status), PT(source), PT(application ? application : ""), met ? PI(now) : PNULL, PI(now), PI(customer)};
        if (db_exec(x->db, "UPDATE distributors SET status = ?, source = ?, application = ?, decision_note = '', decided_by = NULL,"
                           " decided_at = ?, updated_at = ? WHERE customer_id = ? AND status = 'rejected'", NPARAMS(u), u) != 1)
            rc = yt_fail_db(x, "applying as a distributor");
    } else if (rc == YT_OK) {
        bool made;
        rc = insert_distributor(x, customer, *status, source, application, &made);
        if (rc == YT_OK && !made) rc = yt_fail(x, YT_ECONFLICT, "status", "you have applied already");
    }
    char summary[64];
    snprintf(summary, sizeof summary, "{\"status\":\"%s\",\"source\":\"%s\"}", *status, source);
    if (rc == YT_OK) rc = audit_record(x, "distributor.apply", "distributor", customer, summary);
    return yt_finish(x, rc, "applying as a distributor");
}

/* ---- staff decisions ---- */

typedef struct {
    const char *action, *to;
    const char *from[3]; /* the states it moves from; unused slots NULL */
} decision;

static const decision approve = {"distributor.approve", "active", {"pending", "rejected", "disabled"}};
static const decision reject = {"distributor.reject", "rejected", {"pending", NULL, NULL}};
static const decision disable = {"distributor.disable", "disabled", {"active", NULL, NULL}};

static int decide(yt_ctx *x, int64_t customer, const decision *d, const char *note) {
    if (note && yt_check_text(x, "reason", note, 1, 200)) return x->err.code;
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "deciding on a distributor");
    yt_param p[] = {PT(d->to), PT(note ? note : ""), x->who->staff_id ? PI(x->who->staff_id) : PNULL, PI(now), PI(now), PI(customer),
                    PT(d->from[0]), PT(d->from[1] ? d->from[1] : ""), PT(d->from[2] ? d->from[2] : "")};
    int64_t n = db_exec(x->db, "UPDATE distributors SET status = ?, decision_note = ?, decided_by = ?, decided_at = ?, updated_at = ?"
                               " WHERE customer_id = ? AND status IN (?, ?, ?)", NPARAMS(p), p);
    int rc = n < 0 ? yt_fail_db(x, "deciding on a distributor") : YT_OK;
    if (rc == YT_OK && n == 0) {
        yt_param q[] = {PI(customer)};
        yt_rows *r = db_query(x->db, "SELECT status FROM distributors WHERE customer_id = ?", 1, q);
        if (!r) rc = yt_fail_db(x, "deciding on a distributor");
        else if (!rows_next(r)) rc = yt_fail(x, YT_ENOTFOUND, NULL, "customer %lld is no distributor", (long long)customer);
        else rc = yt_fail(x, YT_ECONFLICT, "status", "the distributor is %s", rows_text(r, 0));
        rows_free(r);
    }
    char summary[64];
    snprintf(summary, sizeof summary, "{\"status\":\"%s\"}", d->to);
    if (rc == YT_OK) rc = audit_record(x, d->action, "distributor", customer, summary);
    return yt_finish(x, rc, "deciding on a distributor");
}

int distributor_approve(yt_ctx *x, int64_t customer) { return decide(x, customer, &approve, NULL); }

int distributor_reject(yt_ctx *x, int64_t customer, const char *reason) {
    return decide(x, customer, &reject, reason ? reason : "");
}

int distributor_disable(yt_ctx *x, int64_t customer, const char *reason) {
    return decide(x, customer, &disable, reason ? reason : "");
}

/* ---- reading ---- */

/* A distributor with their name, balances, live members and their own live binding; the two ? are now. */
#define DISTRIBUTOR_SQL                                                                                                \
    "SELECT d.id, d.customer_id, c.name, c.nickname, d.status, d.source, d.code, d.application, d.decision_note,"     \
    " d.decided_at, d.frozen, d.withdrawable, d.owed, d.withdrawing, d.withdrawn,"                                    \
    " (SELECT count(*) FROM distribution_bindings b WHERE b.distributor_id = d.customer_id"                           \
    "   AND (b.expires_at IS NULL OR b.expires_at > ?)),"                                                              \
    " (SELECT b.distributor_id FROM distribution_bindings b WHERE b.customer_id = d.customer_id"                      \
    "   AND (b.expires_at IS NULL OR b.expires_at > ?)),"                                                              \
    " d.created_at, d.updated_at FROM distributors d JOIN customers c ON c.id = d.customer_id"

static const char *name_of(yt_rows *r, int name_col) {
    return rows_text(r, name_col)[0] ? rows_text(r, name_col) : rows_text(r, name_col + 1);
}

/* The account's members; staff also see whose it is and who the distributor is bound to. */
static void write_account(yt_jw *w, yt_rows *r, bool staff) {
    jw_obj(w);
    if (staff) {
        jw_kint(w, "customer_id", rows_int(r, 1));
        jw_kstr(w, "name", name_of(r, 2));
    }
    jw_kstr(w, "status", rows_text(r, 4));
    jw_kstr(w, "source", rows_text(r, 5));
    jw_kstr(w, "code", rows_text(r, 6));
    jw_kstr(w, "application", rows_text(r, 7));
    jw_kstr(w, "decision_note", rows_text(r, 8));
    if (rows_null(r, 9)) jw_knull(w, "decided_at");
    else jw_ktime(w, "decided_at", rows_int(r, 9));
    jw_key(w, "balance");
    jw_obj(w);
    static const char *const money[] = {"frozen", "withdrawable", "owed", "withdrawing", "withdrawn"};
    for (int i = 0; i < 5; i++) jw_kint(w, money[i], rows_int(r, 10 + i));
    jw_obj_end(w);
    jw_kint(w, "members", rows_int(r, 15));
    if (staff) {
        if (rows_null(r, 16)) jw_knull(w, "bound_to");
        else jw_kint(w, "bound_to", rows_int(r, 16));
    }
    jw_ktime(w, "created_at", rows_int(r, 17));
    jw_ktime(w, "updated_at", rows_int(r, 18));
    jw_obj_end(w);
}

static void write_staff_row(yt_jw *w, yt_rows *r) { write_account(w, r, true); }

int distributor_write_json(yt_ctx *x, yt_jw *w, int64_t customer) {
    int64_t now = now_ms();
    yt_param p[] = {PI(now), PI(now), PI(customer)};
    yt_rows *r = db_query(x->db, DISTRIBUTOR_SQL " WHERE d.customer_id = ?", 3, p);
    if (!r) return yt_fail_db(x, "reading a distributor");
    bool found = rows_next(r);
    if (found) write_account(w, r, true);
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "customer %lld is no distributor", (long long)customer);
}

static const char *const statuses[] = {"pending", "active", "rejected", "disabled"};

int distributor_list_json(yt_ctx *x, yt_jw *w, const char *status, int limit, int64_t cursor) {
    bool known = !status;
    for (size_t i = 0; status && i < sizeof statuses / sizeof statuses[0]; i++) known = known || strcmp(status, statuses[i]) == 0;
    if (!known) return yt_fail(x, YT_EINVAL, "status", "status is pending, active, rejected or disabled");
    int64_t now = now_ms();
    yt_param p[] = {PI(now), PI(now), PT(status ? status : ""), PT(status ? status : ""), PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, DISTRIBUTOR_SQL " WHERE (? = '' OR d.status = ?) AND d.id < ? ORDER BY d.id DESC LIMIT ?", 6, p);
    if (!r) return yt_fail_db(x, "listing distributors");
    page_write(w, r, limit, write_staff_row);
    rows_free(r);
    return YT_OK;
}

static void write_member_row(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kint(w, "customer_id", rows_int(r, 1));
    jw_kstr(w, "name", name_of(r, 2));
    jw_ktime(w, "bound_at", rows_int(r, 4));
    if (rows_null(r, 5)) jw_knull(w, "expires_at");
    else jw_ktime(w, "expires_at", rows_int(r, 5));
    jw_obj_end(w);
}

int distributor_members_json(yt_ctx *x, yt_jw *w, int64_t customer, int limit, int64_t cursor) {
    yt_param q[] = {PI(customer)};
    int64_t has = db_query_int(x->db, "SELECT count(*) FROM distributors WHERE customer_id = ?", 1, q, -1);
    if (has < 0) return yt_fail_db(x, "reading a distributor's members");
    if (!has) return yt_fail(x, YT_ENOTFOUND, NULL, "customer %lld is no distributor", (long long)customer);
    yt_param p[] = {PI(customer), PI(now_ms()), PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, "SELECT b.id, b.customer_id, c.name, c.nickname, b.bound_at, b.expires_at FROM distribution_bindings b"
                                 " JOIN customers c ON c.id = b.customer_id WHERE b.distributor_id = ?"
                                 " AND (b.expires_at IS NULL OR b.expires_at > ?) AND b.id < ? ORDER BY b.id DESC LIMIT ?", 4, p);
    if (!r) return yt_fail_db(x, "reading a distributor's members");
    page_write(w, r, limit, write_member_row);
    rows_free(r);
    return YT_OK;
}

int distribution_member_json(yt_ctx *x, yt_jw *w, int64_t customer) {
    distribution_settings s;
    int rc = distribution_settings_get(x, &s);
    if (rc) return rc;
    int64_t now = now_ms();
    yt_param p[] = {PI(now), PI(now), PI(customer)};
    yt_rows *r = db_query(x->db, DISTRIBUTOR_SQL " WHERE d.customer_id = ?", 3, p);
    if (!r) return yt_fail_db(x, "reading a member's distribution");
    jw_obj(w);
    jw_kbool(w, "enabled", s.enabled);
    jw_kstr(w, "binding_mode", s.binding_mode);
    jw_kint(w, "binding_days", s.binding_days);
    jw_kstr(w, "rate_unit", s.rate_unit);
    jw_kint(w, "level1_rate", s.rates[0]);
    jw_kint(w, "level2_rate", s.rates[1]);
    jw_kint(w, "settle_days", s.settle_days);
    jw_kint(w, "withdraw_min", s.withdraw_min);
    bool account = rows_next(r);
    jw_key(w, "distributor");
    if (account) write_account(w, r, false);
    else jw_null(w);
    rows_free(r);
    bool met = false;
    if (!account && (rc = distributor_rule_met(x, &s, customer, &met))) return rc;
    jw_kbool(w, "eligible", met); /* an application now would make them a distributor at once */
    yt_param b[] = {PI(customer), PI(now)};
    r = db_query(x->db, "SELECT c.name, c.nickname, b.bound_at, b.expires_at FROM distribution_bindings b"
                        " JOIN customers c ON c.id = b.distributor_id WHERE b.customer_id = ? AND (b.expires_at IS NULL OR b.expires_at > ?)",
                 2, b);
    if (!r) return yt_fail_db(x, "reading a member's distribution");
    jw_key(w, "bound_to");
    if (rows_next(r)) {
        char masked[16];
        distributor_mask_name(name_of(r, 0), masked, sizeof masked);
        jw_obj(w);
        jw_kstr(w, "name", masked);
        jw_ktime(w, "bound_at", rows_int(r, 2));
        if (rows_null(r, 3)) jw_knull(w, "expires_at");
        else jw_ktime(w, "expires_at", rows_int(r, 3));
        jw_obj_end(w);
    } else {
        jw_null(w);
    }
    rows_free(r);
    jw_obj_end(w);
    return YT_OK;
}

/* ---- binding ---- */

/* 1 when `customer` is `distributor` or above them through live bindings (a binding to them would close a loop),
 * 0 when not, -1 on an error. */
static int64_t above(yt_ctx *x, int64_t customer, int64_t distributor, int64_t now) {
    yt_param p[] = {PI(distributor), PI(now), PI(customer)};
    return db_query_int(x->db,
                        "WITH RECURSIVE up(id) AS (SELECT CAST(? AS BIGINT) UNION SELECT b.distributor_id FROM distribution_bindings b"
                        " JOIN up ON b.customer_id = up.id WHERE b.expires_at IS NULL OR b.expires_at > ?)"
                        " SELECT count(*) FROM up WHERE id = ?", 3, p, -1);
}

/* A customer's name as other members see it. */
static int masked_name(yt_ctx *x, int64_t customer, char *out, size_t outsz) {
    yt_param p[] = {PI(customer)};
    yt_rows *r = db_query(x->db, "SELECT name, nickname FROM customers WHERE id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading a name");
    distributor_mask_name(rows_next(r) ? name_of(r, 0) : "", out, outsz);
    rows_free(r);
    return YT_OK;
}

int distribution_bind(yt_ctx *x, int64_t customer, const char *code, bind_result *res) {
    memset(res, 0, sizeof *res);
    if (!code || !*code || strlen(code) > 64) return yt_fail(x, YT_EINVAL, "code", "is a distributor's share code");
    distribution_settings s;
    int rc = distribution_settings_get(x, &s);
    if (rc) return rc;
    if (!s.enabled) return yt_fail(x, YT_ECONFLICT, "distribution", "the brand has no distribution programme open");
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "binding to a distributor");
    /* one bind at a time across instances: two binds that would together close a loop never both pass the check */
    if (db_xact_lock(x->db, DISTRIBUTION_BIND_LOCK) != 0) return yt_finish(x, yt_fail_db(x, "binding to a distributor"), "");
    rc = customer_hold(x, customer, YT_ENOTFOUND, "reading a customer");
    yt_param c[] = {PT(code)};
    yt_rows *r = rc == YT_OK ? db_query(x->db, "SELECT d.customer_id FROM distributors d JOIN customers c ON c.id = d.customer_id"
                                               " WHERE d.code = ? AND d.status = 'active' AND c.merged_into IS NULL AND c.erased_at IS NULL",
                                        1, c)
                             : NULL;
    if (rc == YT_OK && !r) rc = yt_fail_db(x, "binding to a distributor");
    int64_t distributor = r && rows_next(r) ? rows_int(r, 0) : 0;
    rows_free(r);
    if (rc == YT_OK && !distributor) rc = yt_fail(x, YT_ENOTFOUND, "code", "no distributor has this share code");
    if (rc == YT_OK && distributor == customer) rc = yt_fail(x, YT_ECONFLICT, "code", "this is your own share code");
    /* the binding the member has now, if it is live, and whether its distributor is still active */
    int64_t held = 0, held_expires = 0;
    bool held_active = false;
    yt_param q[] = {PI(customer), PI(now)};
    r = rc == YT_OK ? db_query(x->db, "SELECT b.distributor_id, b.expires_at, COALESCE(d.status, '') FROM distribution_bindings b"
                                      " LEFT JOIN distributors d ON d.customer_id = b.distributor_id WHERE b.customer_id = ?"
                                      " AND (b.expires_at IS NULL OR b.expires_at > ?)", 2, q)
                    : NULL;
    if (rc == YT_OK && !r) rc = yt_fail_db(x, "binding to a distributor");
    if (r && rows_next(r))
        held = rows_int(r, 0), held_expires = rows_null(r, 1) ? 0 : rows_int(r, 1), held_active = strcmp(rows_text(r, 2), "active") == 0;
    rows_free(r);
    if (rc) return yt_finish(x, rc, "binding to a distributor");
    /* first touch: the binding stays until it expires, unless its distributor is no longer active */
    if (held && held_active && distribution_first_touch(&s)) {
        *res = (bind_result){"kept", held, held_expires, ""};
        return yt_finish(x, masked_name(x, held, res->name, sizeof res->name), "binding to a distributor");
    }
    int64_t loop = above(x, customer, distributor, now);
    if (loop < 0) rc = yt_fail_db(x, "binding to a distributor");
    else if (loop > 0) rc = yt_fail(x, YT_ECONFLICT, "code", "this distributor is bound below you: binding would close a loop");
    *res = (bind_result){!held ? "bound" : held == distributor ? "renewed" : "replaced", distributor,
                         s.binding_days ? now + s.binding_days * DAY_MS_DIST : 0, ""};
    if (rc == YT_OK) rc = masked_name(x, distributor, res->name, sizeof res->name);
    yt_param u[] = {PI(customer), PI(distributor), PI(now), res->expires_at ? PI(res->expires_at) : PNULL};
    if (rc == YT_OK && db_exec(x->db, "INSERT INTO distribution_bindings(customer_id, distributor_id, bound_at, expires_at) VALUES(?,?,?,?)"
                                      " ON CONFLICT(customer_id) DO UPDATE SET distributor_id = excluded.distributor_id,"
                                      " bound_at = excluded.bound_at, expires_at = excluded.expires_at", 4, u) != 1)
        rc = yt_fail_db(x, "binding to a distributor");
    char summary[96];
    snprintf(summary, sizeof summary, "{\"distributor_id\":%lld,\"outcome\":\"%s\"}", (long long)distributor, res->outcome);
    if (rc == YT_OK) rc = audit_record(x, "distribution.bind", "customer", customer, summary);
    return yt_finish(x, rc, "binding to a distributor");
}
