/* Customer profiles (客户档案): create, read, update, search, tag, transfer, PIPL export. */
#include "customer.h"
#include "../base/alloc.h"
#include "../base/crypto.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "../domain/changes.h"
#include "../domain/page.h"
#include "../shop/shop.h"
#include "../staff/staff.h"
#include "../tag/tag.h"
#include "identity.h"
#include "remark.h"
#include "../order/order.h"
#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const lifecycle_stages[LIFECYCLE_NSTAGES] = {"stranger", "weak_tie", "customer", "repeat_customer", "fan",
                                                         "iron_fan", "partner", "churn_risk", "dormant"};
const char *const customer_genders[CUSTOMER_NGENDERS] = {"male", "female", "unknown"};
const char *const customer_consents[CUSTOMER_NCONSENTS] = {"unknown", "granted", "withdrawn"};

static bool one_of(const char *s, const char *const *set, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, set[i]) == 0) return true;
    return false;
}
#define ONE_OF(s, set) one_of((s), (set), sizeof(set) / sizeof((set)[0]))

bool lifecycle_valid(const char *stage) { return ONE_OF(stage, lifecycle_stages); }

static int validate(yt_ctx *x, const customer_input *in, bool creating) {
    if (creating && !in->name) return yt_fail(x, YT_EINVAL, "name", "is required");
    if (yt_check_text(x, "name", in->name, 1, 64) || yt_check_text(x, "nickname", in->nickname, 0, 64) ||
        yt_check_text(x, "city", in->city, 0, 32))
        return x->err.code;
    if (in->avatar_url) {
        if (strlen(in->avatar_url) > 512 || (strncmp(in->avatar_url, "https://", 8) != 0 &&
                                             strncmp(in->avatar_url, "http://", 7) != 0))
            return yt_fail(x, YT_EINVAL, "avatar_url", "must be an http(s) URL of at most 512 bytes");
        for (const char *p = in->avatar_url; *p; p++)
            if ((unsigned char)*p <= 0x20) return yt_fail(x, YT_EINVAL, "avatar_url", "must not contain spaces");
    }
    if (in->gender && !ONE_OF(in->gender, customer_genders))
        return yt_fail(x, YT_EINVAL, "gender", "must be male, female or unknown");
    if (in->birthday) {
        int y, m, d;
        if (strlen(in->birthday) != 10 || !date_parse(in->birthday, &y, &m, &d))
            return yt_fail(x, YT_EINVAL, "birthday", "must be a date YYYY-MM-DD");
        if (days_from_civil(y, m, d) * 86400000LL > now_ms())
            return yt_fail(x, YT_EINVAL, "birthday", "must not be in the future");
    }
    if (in->lifecycle && !lifecycle_valid(in->lifecycle) && (creating || strcmp(in->lifecycle, "auto") != 0))
        return yt_fail(x, YT_EINVAL, "lifecycle_stage", "unknown lifecycle stage '%s'%s", in->lifecycle,
                       creating ? "" : " (auto hands the stage back to the rules)");
    if (in->has_store && in->store_id && !shop_exists(x->db, in->store_id))
        return yt_fail(x, YT_EINVAL, "store_id", "no store with id %lld", (long long)in->store_id);
    if (in->has_owner && in->owner_id && !staff_exists(x->db, in->owner_id))
        return yt_fail(x, YT_EINVAL, "owner_id", "no staff with id %lld", (long long)in->owner_id);
    if (in->has_level && (in->member_level < 0 || in->member_level > 99))
        return yt_fail(x, YT_EINVAL, "member_level", "must be 0 to 99");
    if (in->has_points && (in->points < 0 || in->points > 1000000000000LL))
        return yt_fail(x, YT_EINVAL, "points", "must be 0 to 10^12");
    if (in->consent && !ONE_OF(in->consent, customer_consents))
        return yt_fail(x, YT_EINVAL, "consent.marketing", "must be granted, withdrawn or unknown");
    if (yt_check_text(x, "consent.source", in->consent_source, 0, 64)) return x->err.code;
    for (int i = 0; i < in->ntags; i++) {
        char field[32];
        snprintf(field, sizeof field, "tags[%d]", i);
        if (tag_name_check(x, field, in->tags[i])) return x->err.code;
    }
    return YT_OK;
}

static int add_identities(yt_ctx *x, int64_t id, const customer_input *in) {
    for (int k = 0; k < ID_PERSON_KINDS; k++) {
        const char *kind = identity_kind_name(k);
        if (in->ids.v[k] && identity_add(x, id, kind, kind, "", in->ids.v[k])) return x->err.code;
    }
    for (int i = 0; i < in->nbuyers; i++) {
        char field[32];
        snprintf(field, sizeof field, "buyer_ids[%d].id", i);
        if (identity_add(x, id, field, "buyer", in->buyers[i].platform, in->buyers[i].id)) return x->err.code;
    }
    return YT_OK;
}

int customer_index(yt_ctx *x, int64_t id) {
    if (db_dialect(x->db) != YT_SQLITE) return YT_OK;
    yt_param p[] = {PI(id)};
    if (db_exec(x->db, "DELETE FROM customer_fts WHERE rowid = ?", 1, p) < 0) return yt_fail_db(x, "indexing a customer");
    yt_param q[] = {PI(id), PI(id)};
    if (db_exec(x->db,
                "INSERT INTO customer_fts(rowid, name, nickname, remarks)"
                " SELECT id, name, nickname, (SELECT group_concat(body, ' ') FROM remarks WHERE customer_id = ?)"
                " FROM customers WHERE id = ? AND merged_into IS NULL AND erased_at IS NULL",
                2, q) < 0)
        return yt_fail_db(x, "indexing a customer");
    return YT_OK;
}

int customer_create_bare(yt_ctx *x, const char *name, int64_t *id) {
    int64_t now = now_ms();
    yt_param p[] = {PT(name ? name : ""), PI(now), PI(now)};
    *id = db_query_int(x->db, "INSERT INTO customers(name, created_at, updated_at) VALUES(?,?,?) RETURNING id", 3, p, 0);
    return *id ? YT_OK : yt_fail_db(x, "creating a customer");
}

int customer_create(yt_ctx *x, const customer_input *in, int64_t *id) {
    if (validate(x, in, true)) return x->err.code;
    int64_t owner = in->has_owner ? in->owner_id : 0;
    if (x->who->own_customers_only) owner = x->who->staff_id; /* a guide's new customer is their own */
    int64_t store = in->has_store ? in->store_id : (x->who->own_customers_only ? x->who->store_id : 0);
    int64_t now = now_ms();
    yt_param p[] = {PT(in->name), PT(in->nickname ? in->nickname : ""), PT(in->avatar_url),
                    PT(in->gender ? in->gender : "unknown"), PT(in->birthday), PT(in->city ? in->city : ""),
                    store ? PI(store) : PNULL, owner ? PI(owner) : PNULL,
                    PT(in->lifecycle ? in->lifecycle : "stranger"), PI(in->has_level ? in->member_level : 0),
                    PI(in->has_points ? in->points : 0), PT(in->consent ? in->consent : "unknown"),
                    in->consent ? PI(now) : PNULL, PT(in->consent_source), PI(now), PI(now), PI(in->lifecycle != NULL)};
    if (db_begin(x->db) != 0) return yt_fail_db(x, "creating a customer");
    /* a stage given by hand is pinned: the lifecycle rules leave it until it is set to auto */
    *id = db_query_int(x->db,
                       "INSERT INTO customers(name, nickname, avatar_url, gender, birthday, city, store_id, owner_id,"
                       " lifecycle, member_level, points, consent, consent_at, consent_source, created_at, updated_at,"
                       " lifecycle_pinned) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                       NPARAMS(p), p, 0);
    int rc = *id ? YT_OK : yt_fail_db(x, "creating a customer");
    if (rc == YT_OK) rc = add_identities(x, *id, in);
    if (rc == YT_OK) rc = tag_attach(x, *id, in->tags, in->ntags);
    if (rc == YT_OK) rc = customer_index(x, *id);
    if (rc == YT_OK) rc = change_record(x, CHANGE_CUSTOMER_CREATED, *id, 0);
    if (rc == YT_OK) rc = audit_record(x, "customer.create", "customer", *id, NULL);
    return yt_finish(x, rc, "creating a customer");
}

/* Follows merges to the live record in one row read per hop; a guide sees only their own; for a change,
 * an erased record is a 409. */
static int resolve(yt_ctx *x, int64_t id, int64_t *live, bool for_write) {
    int64_t asked = id;
    for (int hop = 0; hop < 32; hop++) {
        yt_param p[] = {PI(id)};
        yt_rows *r = db_query(x->db, "SELECT merged_into, owner_id, erased_at FROM customers WHERE id = ?", 1, p);
        if (!r) return yt_fail_db(x, "reading a customer");
        if (!rows_next(r)) {
            rows_free(r);
            break;
        }
        int64_t merged = rows_null(r, 0) ? 0 : rows_int(r, 0);
        int64_t owner = rows_null(r, 1) ? 0 : rows_int(r, 1);
        bool erased = !rows_null(r, 2);
        rows_free(r);
        if (merged) {
            id = merged;
            continue;
        }
        if (x->who->own_customers_only && owner != x->who->staff_id) break;
        if (for_write && erased)
            return yt_fail(x, YT_ECONFLICT, NULL, "customer %lld was erased; nothing can be added to it", (long long)asked);
        *live = id;
        return YT_OK;
    }
    return yt_fail(x, YT_ENOTFOUND, NULL, "no customer with id %lld", (long long)asked);
}

int customer_resolve(yt_ctx *x, int64_t id, int64_t *live) { return resolve(x, id, live, false); }
int customer_resolve_for_write(yt_ctx *x, int64_t id, int64_t *live) { return resolve(x, id, live, true); }

static void kv_time(yt_jw *w, const char *k, yt_rows *r, int col) {
    if (rows_null(r, col)) {
        jw_knull(w, k);
        return;
    }
    char ts[40];
    time_fmt(rows_int(r, col), ts, sizeof ts);
    jw_kstr(w, k, ts);
}

static void kv_int_or_null(yt_jw *w, const char *k, yt_rows *r, int col) {
    if (rows_null(r, col)) jw_knull(w, k);
    else jw_kint(w, k, rows_int(r, col));
}

#define CUSTOMER_COLS                                                                                  \
    "id, name, nickname, avatar_url, gender, birthday, city, store_id, owner_id, lifecycle, member_level," \
    " points, consent, consent_at, consent_source, erased_at, created_at, updated_at, lifecycle_pinned"

/* Rows of a child table (identities, tags) for a page of customers, ordered by customer id descending
 * like the page, walked alongside it: column 0 is the customer id. */
typedef struct {
    yt_rows *r;
    bool pending;
} side_rows;

static bool side_at(side_rows *s, int64_t id) {
    while (s->pending && rows_int(s->r, 0) > id) s->pending = rows_next(s->r);
    return s->pending && rows_int(s->r, 0) == id;
}

/* The customer's own fields from a row of CUSTOMER_COLS, as members of an object already open. */
static void write_core(yt_jw *w, yt_rows *r) {
    jw_kint(w, "id", rows_int(r, 0));
    jw_kstr(w, "name", rows_text(r, 1));
    jw_kstr(w, "nickname", rows_text(r, 2));
    jw_kstr(w, "avatar_url", rows_null(r, 3) ? NULL : rows_text(r, 3));
    jw_kstr(w, "gender", rows_text(r, 4));
    jw_kstr(w, "birthday", rows_null(r, 5) ? NULL : rows_text(r, 5));
    jw_kstr(w, "city", rows_text(r, 6));
    kv_int_or_null(w, "store_id", r, 7);
    kv_int_or_null(w, "owner_id", r, 8);
    jw_kstr(w, "lifecycle_stage", rows_text(r, 9));
    jw_kint(w, "member_level", rows_int(r, 10));
    jw_kint(w, "points", rows_int(r, 11));
    jw_key(w, "consent");
    jw_obj(w);
    jw_kstr(w, "marketing", rows_text(r, 12));
    kv_time(w, "at", r, 13);
    jw_kstr(w, "source", rows_null(r, 14) ? NULL : rows_text(r, 14));
    jw_obj_end(w);
    jw_kbool(w, "erased", !rows_null(r, 15));
    kv_time(w, "created_at", r, 16);
    kv_time(w, "updated_at", r, 17);
    jw_kbool(w, "lifecycle_pinned", rows_int(r, 18) != 0);
}

/* The identities, phone and tags members of customer id: from the page walkers when given (a list page),
 * else from their own queries (one customer). */
static int write_children(yt_ctx *x, yt_jw *w, int64_t id, bool unmask, side_rows *ids, side_rows *tags) {
    const char *phone = NULL;
    jw_key(w, "identities");
    if (ids) {
        jw_arr(w);
        for (; side_at(ids, id); ids->pending = rows_next(ids->r)) identity_write_row(x, w, ids->r, 1, unmask, &phone);
        jw_arr_end(w);
    } else if (identity_write_json(x, w, id, unmask, &phone)) {
        return x->err.code;
    }
    jw_kstr(w, "phone", phone);
    jw_key(w, "tags");
    if (tags) {
        jw_arr(w);
        for (; side_at(tags, id); tags->pending = rows_next(tags->r)) jw_str(w, rows_text(tags->r, 1));
        jw_arr_end(w);
    } else if (tag_names_json(x, w, id)) {
        return x->err.code;
    }
    return YT_OK;
}

/* One customer from a row of CUSTOMER_COLS, with its identities and tags read by their own queries. */
static int write_customer(yt_ctx *x, yt_jw *w, yt_rows *r, bool unmask) {
    int64_t id = rows_int(r, 0);
    jw_obj(w);
    write_core(w, r); /* r stays valid: the queries below run on other statements */
    int rc = write_children(x, w, id, unmask, NULL, NULL);
    jw_obj_end(w);
    return rc;
}

int customer_write_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT " CUSTOMER_COLS " FROM customers WHERE id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading a customer");
    int rc = rows_next(r) ? write_customer(x, w, r, (x->who->perms & PERM_PII_READ) != 0)
                          : yt_fail(x, YT_ENOTFOUND, NULL, "no customer with id %lld", (long long)id);
    rows_free(r);
    return rc;
}

int customer_update(yt_ctx *x, int64_t id, const customer_input *in) {
    if (validate(x, in, false)) return x->err.code;
    if (x->who->own_customers_only && in->has_owner && in->owner_id != x->who->staff_id)
        return yt_fail(x, YT_EFORBIDDEN, "owner_id", "a guide cannot hand a customer to someone else");
    int64_t now = now_ms();
    yt_param p[] = {PT(in->name), PT(in->nickname), PT(in->avatar_url), PT(in->avatar_url), PI(in->null_avatar),
                    PT(in->gender), PT(in->birthday), PT(in->birthday), PI(in->null_birthday), PT(in->city),
                    PI(in->has_store), in->store_id ? PI(in->store_id) : PNULL, PI(in->has_owner),
                    in->owner_id ? PI(in->owner_id) : PNULL, PT(in->lifecycle), PT(in->lifecycle), PT(in->lifecycle),
                    PT(in->lifecycle), PI(in->has_level),
                    PI(in->member_level), PI(in->has_points), PI(in->points), PT(in->consent), PT(in->consent),
                    PT(in->consent), PI(now), PT(in->consent_source), PT(in->consent_source), PI(now), PI(id)};
    if (db_begin(x->db) != 0) return yt_fail_db(x, "updating a customer");
    int64_t n = db_exec(x->db,
                        "UPDATE customers SET name = COALESCE(CAST(? AS TEXT), name),"
                        " nickname = COALESCE(CAST(? AS TEXT), nickname),"
                        " avatar_url = CASE WHEN CAST(? AS TEXT) IS NOT NULL THEN CAST(? AS TEXT)"
                        "   WHEN CAST(? AS BIGINT) = 1 THEN NULL ELSE avatar_url END,"
                        " gender = COALESCE(CAST(? AS TEXT), gender),"
                        " birthday = CASE WHEN CAST(? AS TEXT) IS NOT NULL THEN CAST(? AS TEXT)"
                        "   WHEN CAST(? AS BIGINT) = 1 THEN NULL ELSE birthday END,"
                        " city = COALESCE(CAST(? AS TEXT), city),"
                        " store_id = CASE WHEN CAST(? AS BIGINT) = 1 THEN CAST(? AS BIGINT) ELSE store_id END,"
                        " owner_id = CASE WHEN CAST(? AS BIGINT) = 1 THEN CAST(? AS BIGINT) ELSE owner_id END,"
                        " lifecycle = CASE WHEN CAST(? AS TEXT) = 'auto' THEN lifecycle ELSE COALESCE(CAST(? AS TEXT), lifecycle) END,"
                        " lifecycle_pinned = CASE WHEN CAST(? AS TEXT) IS NULL THEN lifecycle_pinned"
                        "   WHEN CAST(? AS TEXT) = 'auto' THEN 0 ELSE 1 END,"
                        " member_level = CASE WHEN CAST(? AS BIGINT) = 1 THEN CAST(? AS BIGINT) ELSE member_level END,"
                        " points = CASE WHEN CAST(? AS BIGINT) = 1 THEN CAST(? AS BIGINT) ELSE points END,"
                        " consent = COALESCE(CAST(? AS TEXT), consent),"
                        " consent_at = CASE WHEN CAST(? AS TEXT) IS NOT NULL AND CAST(? AS TEXT) <> consent"
                        "   THEN CAST(? AS BIGINT) ELSE consent_at END,"
                        " consent_source = CASE WHEN CAST(? AS TEXT) IS NOT NULL THEN CAST(? AS TEXT) ELSE consent_source END,"
                        " updated_at = CAST(? AS BIGINT) WHERE id = CAST(? AS BIGINT)",
                        NPARAMS(p), p);
    int rc = n < 0 ? yt_fail_db(x, "updating a customer") : YT_OK;
    if (rc == YT_OK) rc = add_identities(x, id, in);
    if (rc == YT_OK) rc = tag_attach(x, id, in->tags, in->ntags);
    if (rc == YT_OK && (in->name || in->nickname)) rc = customer_index(x, id);
    if (rc == YT_OK) {
        yt_buf s = YT_BUF_INIT;
        yt_jw w;
        jw_init(&w, &s);
        jw_obj(&w);
        jw_key(&w, "changed");
        jw_arr(&w);
        static const struct {
            const char *name;
            size_t off;
        } text_fields[] = {
            {"name", offsetof(customer_input, name)},       {"nickname", offsetof(customer_input, nickname)},
            {"avatar_url", offsetof(customer_input, avatar_url)}, {"gender", offsetof(customer_input, gender)},
            {"birthday", offsetof(customer_input, birthday)}, {"city", offsetof(customer_input, city)},
            {"lifecycle_stage", offsetof(customer_input, lifecycle)}, {"consent", offsetof(customer_input, consent)},
        };
        for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++)
            if (*(const char *const *)((const char *)in + text_fields[i].off)) jw_str(&w, text_fields[i].name);
        for (int k = 0; k < ID_PERSON_KINDS; k++)
            if (in->ids.v[k]) jw_str(&w, identity_kind_name(k));
        if (in->has_store) jw_str(&w, "store_id");
        if (in->has_owner) jw_str(&w, "owner_id");
        if (in->has_level) jw_str(&w, "member_level");
        if (in->has_points) jw_str(&w, "points");
        jw_arr_end(&w);
        if (in->lifecycle) jw_kstr(&w, "lifecycle_stage", in->lifecycle);
        if (in->consent) jw_kstr(&w, "consent", in->consent);
        if (in->has_owner) jw_kint(&w, "owner_id", in->owner_id);
        jw_obj_end(&w);
        rc = audit_record(x, "customer.update", "customer", id, s.p);
        buf_free(&s);
    }
    if (rc == YT_OK) rc = change_record(x, CHANGE_CUSTOMER_UPDATED, id, 0);
    return yt_finish(x, rc, "updating a customer");
}

int customer_tag(yt_ctx *x, int64_t id, const char *const *add, int nadd, const char *const *remove, int nremove) {
    for (int i = 0; i < nadd; i++) {
        char field[32];
        snprintf(field, sizeof field, "tags[%d]", i);
        if (tag_name_check(x, field, add[i])) return x->err.code;
    }
    if (db_begin(x->db) != 0) return yt_fail_db(x, "tagging a customer");
    int rc = tag_attach(x, id, add, nadd);
    for (int i = 0; rc == YT_OK && i < nremove; i++) rc = tag_detach(x, id, remove[i]);
    if (rc == YT_OK) {
        yt_param p[] = {PI(now_ms()), PI(id)};
        if (db_exec(x->db, "UPDATE customers SET updated_at = ? WHERE id = ?", 2, p) < 0) rc = yt_fail_db(x, "tagging");
    }
    if (rc == YT_OK) {
        yt_buf s = YT_BUF_INIT;
        yt_jw w;
        jw_init(&w, &s);
        jw_obj(&w);
        jw_key(&w, "added");
        jw_arr(&w);
        for (int i = 0; i < nadd; i++) jw_str(&w, add[i]);
        jw_arr_end(&w);
        jw_key(&w, "removed");
        jw_arr(&w);
        for (int i = 0; i < nremove; i++) jw_str(&w, remove[i]);
        jw_arr_end(&w);
        jw_obj_end(&w);
        rc = audit_record(x, "customer.tag", "customer", id, s.p);
        buf_free(&s);
    }
    if (rc == YT_OK) rc = change_record(x, CHANGE_CUSTOMER_TAGGED, id, 0);
    return yt_finish(x, rc, "tagging a customer");
}

int customer_tag_bulk(yt_ctx *x, const int64_t *ids, int n, const char *const *add, int nadd, const char *const *remove,
                      int nremove) {
    int64_t *live = arena_alloc(x->arena, sizeof(int64_t) * (size_t)(n > 0 ? n : 1));
    for (int i = 0; i < n; i++)
        if (customer_resolve_for_write(x, ids[i], &live[i])) {
            snprintf(x->err.field, sizeof x->err.field, "customer_ids[%d]", i);
            return x->err.code;
        }
    if (db_begin(x->db) != 0) return yt_fail_db(x, "bulk tagging");
    int rc = YT_OK;
    for (int i = 0; rc == YT_OK && i < n; i++) rc = customer_tag(x, live[i], add, nadd, remove, nremove);
    return yt_finish(x, rc, "bulk tagging");
}

/* Runs the page query (CUSTOMER_COLS, newest first, limit + 1) keeping each row's own fields as JSON,
 * then reads the page's identities and tags in one query each and writes everything together: three
 * statements for a page of any size. */
static int write_page(yt_ctx *x, yt_jw *w, const char *page_sql, int n, const yt_param *p, int limit, bool as_page) {
    yt_rows *r = db_query(x->db, page_sql, n, p);
    if (!r) return yt_fail_db(x, "searching customers");
    int64_t *ids = arena_alloc(x->arena, sizeof(int64_t) * (size_t)(limit + 1));
    const char **core = arena_alloc(x->arena, sizeof(char *) * (size_t)(limit + 1));
    int count = 0;
    bool more = false;
    yt_buf tmp = YT_BUF_INIT;
    while (rows_next(r)) {
        if (count == limit) {
            more = true;
            break;
        }
        ids[count] = rows_int(r, 0);
        buf_reset(&tmp);
        yt_jw tw;
        jw_init(&tw, &tmp);
        jw_obj(&tw);
        write_core(&tw, r);
        core[count++] = arena_strdup(x->arena, tmp.p + 1); /* the members, without the opening brace */
    }
    buf_free(&tmp);
    rows_free(r);
    yt_dialect d = db_dialect(x->db);
    char *list = db_id_list(d, ids, (size_t)count);
    yt_param lp[] = {PT(list)};
    yt_buf sql = YT_BUF_INIT;
    buf_printf(&sql, "SELECT customer_id, " IDENTITY_COLS " FROM identities WHERE customer_id%s"
                     " ORDER BY customer_id DESC, id", db_in_ids(d));
    side_rows idr = {db_query(x->db, sql.p, 1, lp), false};
    buf_reset(&sql);
    buf_printf(&sql, "SELECT ct.customer_id, t.name FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id"
                     " WHERE ct.customer_id%s ORDER BY ct.customer_id DESC, ct.created_at, t.id", db_in_ids(d));
    side_rows tgr = {db_query(x->db, sql.p, 1, lp), false};
    buf_free(&sql);
    free(list);
    int rc = YT_OK;
    if (!idr.r || !tgr.r) rc = yt_fail_db(x, "reading customers");
    if (rc == YT_OK) {
        idr.pending = rows_next(idr.r);
        tgr.pending = rows_next(tgr.r);
        bool unmask = (x->who->perms & PERM_PII_READ) != 0;
        if (as_page) {
            jw_obj(w);
            jw_key(w, "items");
        }
        jw_arr(w);
        for (int i = 0; rc == YT_OK && i < count; i++) {
            jw_obj(w);
            jw_raw_members(w, core[i]);
            rc = write_children(x, w, ids[i], unmask, &idr, &tgr);
            jw_obj_end(w);
        }
        jw_arr_end(w);
        if (as_page) {
            jw_next_cursor(w, more, count ? ids[count - 1] : 0);
            jw_obj_end(w);
        }
    }
    rows_free(idr.r);
    rows_free(tgr.r);
    return rc;
}

int customer_ids_json(yt_ctx *x, yt_jw *w, const int64_t *ids, int n, int limit, bool as_page) {
    char *list = db_id_list(db_dialect(x->db), ids, (size_t)n);
    yt_param p[] = {PT(list), PI(limit + 1)};
    yt_buf sql = YT_BUF_INIT;
    buf_printf(&sql, "SELECT " CUSTOMER_COLS " FROM customers c WHERE id%s ORDER BY id DESC LIMIT ?", db_in_ids(db_dialect(x->db)));
    int rc = write_page(x, w, sql.p, 2, p, limit, as_page);
    buf_free(&sql);
    free(list);
    return rc;
}

int customer_list_json(yt_ctx *x, yt_jw *w, const customer_query *q) {
    yt_buf sql = YT_BUF_INIT;
    yt_param p[40];
    int n = 0;
    buf_puts(&sql, "SELECT " CUSTOMER_COLS " FROM customers c WHERE merged_into IS NULL AND erased_at IS NULL");
    if (x->who->own_customers_only) {
        buf_puts(&sql, " AND owner_id = ?");
        p[n++] = PI(x->who->staff_id);
    }
    if (q->cursor) {
        buf_puts(&sql, " AND id < ?");
        p[n++] = PI(q->cursor);
    }
    if (q->owner_id) {
        buf_puts(&sql, " AND owner_id = ?");
        p[n++] = PI(q->owner_id);
    }
    if (q->store_id) {
        buf_puts(&sql, " AND store_id = ?");
        p[n++] = PI(q->store_id);
    }
    if (q->lifecycle) {
        buf_puts(&sql, " AND lifecycle = ?");
        p[n++] = PT(q->lifecycle);
    }
    if (q->id_kind) {
        int64_t holder = identity_find(x->db, q->id_kind, "", q->id_value);
        buf_puts(&sql, " AND id = ?");
        p[n++] = PI(holder ? holder : -1);
    }
    assert(q->ntags <= CUSTOMER_MAX_TAG_FILTERS); /* the api refuses more; p[] holds them all */
    for (int i = 0; i < q->ntags; i++) {
        buf_puts(&sql, " AND id IN (SELECT ct.customer_id FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id"
                       " WHERE t.name = ?)");
        p[n++] = PT(q->tags[i]);
    }
    char *like = NULL, *phrase = NULL;
    if (q->q && *q->q) {
        if (db_dialect(x->db) == YT_SQLITE && utf8_chars(q->q) >= 3) {
            yt_buf ph = YT_BUF_INIT; /* an FTS5 phrase: the query quoted, quotes doubled */
            buf_putc(&ph, '"');
            for (const char *s = q->q; *s; s++) {
                if (*s == '"') buf_putc(&ph, '"');
                buf_putc(&ph, *s);
            }
            buf_putc(&ph, '"');
            phrase = buf_take(&ph);
            buf_puts(&sql, " AND id IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH ?)");
            p[n++] = PT(phrase);
        } else {
            like = like_contains(q->q);
            buf_puts(&sql, " AND (name LIKE ? ESCAPE '\\' OR nickname LIKE ? ESCAPE '\\' OR EXISTS"
                           " (SELECT 1 FROM remarks r WHERE r.customer_id = c.id AND r.body LIKE ? ESCAPE '\\'))");
            p[n++] = PT(like);
            p[n++] = PT(like);
            p[n++] = PT(like);
        }
    }
    buf_puts(&sql, " ORDER BY id DESC LIMIT ?");
    p[n++] = PI(q->limit + 1);
    int rc = write_page(x, w, sql.p, n, p, q->limit, true);
    free(like);
    free(phrase);
    buf_free(&sql);
    return rc;
}

int customer_identity_add(yt_ctx *x, int64_t id, const char *kind, const char *platform, const char *value) {
    if (db_begin(x->db) != 0) return yt_fail_db(x, "adding an identity");
    int rc = identity_add(x, id, "value", kind, platform, value);
    if (rc == YT_OK) {
        yt_buf s = YT_BUF_INIT; /* the kind only: the value may be personal */
        yt_jw w;
        jw_init(&w, &s);
        jw_obj(&w);
        jw_kstr(&w, "identity", kind);
        if (platform && *platform) jw_kstr(&w, "platform", platform);
        jw_obj_end(&w);
        rc = audit_record(x, "customer.identity_add", "customer", id, s.p);
        buf_free(&s);
    }
    if (rc == YT_OK) rc = change_record(x, CHANGE_CUSTOMER_UPDATED, id, 0);
    return yt_finish(x, rc, "adding an identity");
}

int customer_export_json(yt_ctx *x, yt_jw *w, int64_t id) {
    jw_obj(w);
    jw_key(w, "customer");
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT " CUSTOMER_COLS " FROM customers WHERE id = ?", 1, p);
    if (!r) return yt_fail_db(x, "exporting a customer");
    int rc = rows_next(r) ? write_customer(x, w, r, true) : yt_fail(x, YT_ENOTFOUND, NULL, "no such customer");
    rows_free(r);
    if (rc) return rc;
    const char *phone;
    jw_key(w, "identities");
    if (identity_write_json(x, w, id, true, &phone)) return x->err.code;
    jw_key(w, "tags");
    if (tag_names_json(x, w, id)) return x->err.code;
    jw_key(w, "remarks");
    if (remark_all_json(x, w, id)) return x->err.code;
    jw_key(w, "events");
    jw_arr(w);
    if (!(r = db_query(x->db, "SELECT type, at, properties, key FROM events WHERE customer_id = ? ORDER BY at, id", 1, p)))
        return yt_fail_db(x, "exporting events");
    while (rows_next(r)) {
        jw_obj(w);
        jw_kstr(w, "type", rows_text(r, 0));
        jw_ktime(w, "time", rows_int(r, 1));
        jw_kraw(w, "properties", rows_text(r, 2));
        jw_kstr(w, "key", rows_null(r, 3) ? NULL : rows_text(r, 3));
        jw_obj_end(w);
    }
    rows_free(r);
    jw_arr_end(w);
    jw_key(w, "orders");
    if (order_all_json(x, w, id)) return x->err.code;
    char ts[40];
    time_fmt(now_ms(), ts, sizeof ts);
    jw_kstr(w, "exported_at", ts);
    jw_obj_end(w);
    return audit_record(x, "customer.export", "customer", id, NULL);
}

int customer_transfer(yt_ctx *x, const int64_t *ids, int n, int64_t owner_id, int *updated) {
    *updated = 0;
    if (x->who->own_customers_only && owner_id != x->who->staff_id)
        return yt_fail(x, YT_EFORBIDDEN, "owner_id", "a guide cannot hand customers to someone else");
    if (!staff_exists(x->db, owner_id)) return yt_fail(x, YT_EINVAL, "owner_id", "no staff with id %lld", (long long)owner_id);
    if (db_begin(x->db) != 0) return yt_fail_db(x, "transferring customers");
    int64_t now = now_ms();
    int rc = YT_OK;
    yt_buf s = YT_BUF_INIT;
    yt_jw w;
    jw_init(&w, &s);
    jw_obj(&w);
    jw_kint(&w, "owner_id", owner_id);
    jw_key(&w, "customers");
    jw_arr(&w);
    for (int i = 0; rc == YT_OK && i < n; i++) {
        int64_t live;
        if (customer_resolve_for_write(x, ids[i], &live)) {
            snprintf(x->err.field, sizeof x->err.field, "customer_ids[%d]", i);
            rc = x->err.code;
            break;
        }
        yt_param p[] = {PI(owner_id), PI(now), PI(live)};
        if (db_exec(x->db, "UPDATE customers SET owner_id = ?, updated_at = ? WHERE id = ?", 3, p) < 0)
            rc = yt_fail_db(x, "transferring customers");
        else rc = change_record(x, CHANGE_CUSTOMER_UPDATED, live, 0);
        jw_int(&w, live);
        (*updated)++;
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    if (rc == YT_OK) rc = audit_record(x, "customer.transfer", "customer", 0, s.p);
    buf_free(&s);
    if (rc) *updated = 0;
    return yt_finish(x, rc, "transferring customers");
}

/* The one rule for a customer name (1 to 64 characters, no control characters), for callers outside this file. */
int customer_name_check(yt_ctx *x, const char *name) { return yt_check_text(x, "name", name, 1, 64); }
