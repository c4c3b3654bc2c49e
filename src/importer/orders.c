/* Order-history import: platform CSV exports into customers (by buyer id) and orders, streaming and idempotent. */
#include "importer.h"
#include "../base/alloc.h"
#include "../base/crypto.h"
#include "../base/json.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../customer/customer.h"
#include "../customer/identity.h"
#include "../domain/audit.h"
#include "../domain/changes.h"
#include "chunk.h"
#include "csv.h"
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

bool order_map_parse(const char *spec, order_map *m, char *bad, size_t badsz, char *storage, size_t storagesz) {
    *m = (order_map){"customer_ref", "ordered_on", "quantity", "amount", NULL, NULL, NULL, NULL, 0};
    if (!spec || !*spec) return true;
    if (strlen(spec) >= storagesz) {
        snprintf(bad, badsz, "map too long");
        return false;
    }
    strcpy(storage, spec);
    static const struct {
        const char *field;
        size_t off;
    } fields[] = {
        {"customer_ref", offsetof(order_map, customer_ref)}, {"ordered_on", offsetof(order_map, ordered_on)},
        {"quantity", offsetof(order_map, quantity)},         {"amount", offsetof(order_map, amount)},
        {"order_id", offsetof(order_map, order_id)},         {"phone", offsetof(order_map, phone)},
        {"name", offsetof(order_map, name)},                 {"status", offsetof(order_map, status)},
    };
    char *save = NULL;
    for (char *pair = strtok_r(storage, ",", &save); pair; pair = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(pair, '=');
        if (!eq || eq == pair || !eq[1]) {
            snprintf(bad, badsz, "%s", pair);
            return false;
        }
        *eq = '\0';
        bool known = false;
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
            if (strcmp(fields[i].field, pair) == 0) {
                *(const char **)((char *)m + fields[i].off) = eq + 1;
                known = true;
            }
        if (!known) {
            snprintf(bad, badsz, "%s", pair);
            return false;
        }
    }
    return true;
}

/* A small open-addressing map from a string to a count or an id, for per-import caches. The keys are
 * kept and compared, so no two buyers can ever share an entry through a hash collision. */
typedef struct {
    char **keys;
    int64_t *vals;
    uint64_t *hashes;
    size_t cap, n;
} strmap;

static size_t find(const strmap *m, const char *key, uint64_t h) {
    size_t j = h & (m->cap - 1);
    while (m->keys[j] && (m->hashes[j] != h || strcmp(m->keys[j], key) != 0)) j = (j + 1) & (m->cap - 1);
    return j;
}

/* The value slot for key, created (0) when absent. */
static int64_t *map_slot(strmap *m, const char *key) {
    if (m->n * 2 >= m->cap) {
        strmap g = {.cap = m->cap ? m->cap * 2 : 1024};
        g.keys = yt_calloc(g.cap, sizeof *g.keys);
        g.vals = yt_calloc(g.cap, sizeof *g.vals);
        g.hashes = yt_calloc(g.cap, sizeof *g.hashes);
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i]) continue;
            size_t j = find(&g, m->keys[i], m->hashes[i]);
            g.keys[j] = m->keys[i];
            g.vals[j] = m->vals[i];
            g.hashes[j] = m->hashes[i];
        }
        g.n = m->n;
        free(m->keys);
        free(m->vals);
        free(m->hashes);
        *m = g;
    }
    uint64_t h = hash_fnv1a64(key);
    size_t j = find(m, key, h);
    if (!m->keys[j]) {
        m->keys[j] = yt_strdup(key);
        m->hashes[j] = h;
        m->vals[j] = 0;
        m->n++;
    }
    return &m->vals[j];
}

static void map_free(strmap *m) {
    for (size_t i = 0; i < m->cap; i++) free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    free(m->hashes);
}

void import_add_error(import_summary *s, long line, const char *msg) {
    s->skipped++;
    if (s->nerrors < IMPORT_MAX_ERRORS) {
        s->errors[s->nerrors].line = line;
        snprintf(s->errors[s->nerrors].message, sizeof s->errors[0].message, "%s", msg);
        s->nerrors++;
    }
}

static int column_of(const csv_reader *r, const char *name) {
    if (!name) return -1;
    for (int i = 0; i < r->nfields; i++)
        if (strcmp(csv_field(r, i), name) == 0) return i;
    return -2;
}

int import_orders(yt_ctx *x, FILE *f, const char *platform, const order_map *m, import_summary *s,
                  import_progress progress, void *progress_ctx) {
    return import_orders_shared(x, NULL, f, platform, m, s, progress, progress_ctx);
}

/* The customers a chunk touched, whose stage is brought up to date at the chunk's end. */
typedef struct {
    int64_t *ids;
    size_t n, cap;
} id_list;

static void ids_add(id_list *l, int64_t id) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->ids = yt_realloc(l->ids, l->cap * sizeof *l->ids);
    }
    l->ids[l->n++] = id;
}

#define Q10 "?,?,?,?,?,?,?,?,?,?"
#define LIFECYCLE_BATCH 50
/* Buyers become customers, and repeat buyers repeat customers (never lowering a stage): for the customers
 * in l (named in the change feed, which sorts them, each once), LIFECYCLE_BATCH ids a statement; l is emptied. */
static int update_lifecycles(yt_ctx *x, const char *platform, id_list *l) {
    if (l->n == 0) return YT_OK;
    /* names each buyer in the change feed, and leaves l sorted with each buyer once */
    if (change_record_customers(x, CHANGE_CUSTOMER_ORDERS, l->ids, &l->n)) return x->err.code;
    yt_param p[LIFECYCLE_BATCH + 1];
    size_t i = 0;
    while (i < l->n) {
        int k = 0;
        for (; i < l->n && k < LIFECYCLE_BATCH; i++) p[k++] = PI(l->ids[i]);
        for (int j = k; j < LIFECYCLE_BATCH; j++) p[j] = PI(0); /* no customer has id 0 */
        p[LIFECYCLE_BATCH] = PT(platform);
        if (db_exec(x->db,
                    "UPDATE customers SET lifecycle = CASE WHEN (SELECT count(*) FROM orders o WHERE o.customer_id ="
                    " customers.id) > 1 THEN 'repeat_customer' ELSE 'customer' END WHERE lifecycle_pinned = 0 AND lifecycle IN"
                    " ('stranger', 'weak_tie', 'customer') AND id IN (" Q10 "," Q10 "," Q10 "," Q10 "," Q10 ")"
                    " AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = customers.id AND o.platform = ?)",
                    LIFECYCLE_BATCH + 1, p) < 0)
            return yt_fail_db(x, "importing orders");
    }
    l->n = 0;
    return YT_OK;
}

int import_orders_shared(yt_ctx *x, const import_writer *wr, FILE *f, const char *platform, const order_map *m,
                         import_summary *s, import_progress progress, void *progress_ctx) {
    memset(s, 0, sizeof *s);
    if (!platform_valid(platform))
        return yt_fail(x, YT_EINVAL, "platform", "platform must be 1 to 32 of a-z, 0-9 and _ (tmall, jd, douyin, ...)");
    csv_reader r;
    csv_init(&r, f);
    if (csv_next(&r) < 1) {
        csv_free(&r);
        return yt_fail(x, YT_EINVAL, "file", "the CSV has no header line");
    }
    int c_ref = column_of(&r, m->customer_ref), c_date = column_of(&r, m->ordered_on), c_qty = column_of(&r, m->quantity),
        c_amt = column_of(&r, m->amount), c_oid = column_of(&r, m->order_id), c_phone = column_of(&r, m->phone),
        c_name = column_of(&r, m->name), c_status = column_of(&r, m->status);
    const struct {
        int col;
        const char *field, *name;
    } need[] = {{c_ref, "customer_ref", m->customer_ref}, {c_date, "ordered_on", m->ordered_on},
                {c_qty, "quantity", m->quantity},         {c_amt, "amount", m->amount},
                {c_oid, "order_id", m->order_id},         {c_phone, "phone", m->phone},
                {c_name, "name", m->name},                {c_status, "status", m->status}};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (need[i].col == -2 || (i < 4 && need[i].col < 0)) {
            csv_free(&r);
            return yt_fail(x, YT_EINVAL, "map", "the header has no column '%s' for %s", need[i].name ? need[i].name : "",
                           need[i].field);
        }
    strmap customers = {0}, seen = {0};
    id_list touched = {0};
    int64_t now = now_ms();
    import_chunk chunk;
    import_chunk_init(&chunk, x, wr);
    int rc = import_chunk_begin(&chunk);
    int nf;
    while (rc == YT_OK && (nf = csv_next(&r)) != -1) {
        if (import_chunk_full(&chunk)) {
            /* end the chunk: stages of its customers, commit, and let waiting writes in; customers cached
             * so far are forgotten, since a merge or an erasure may run between chunks */
            rc = update_lifecycles(x, platform, &touched);
            if (rc == YT_OK) rc = import_chunk_end(&chunk, true);
            if (rc == YT_OK) rc = import_chunk_begin(&chunk);
            if (rc != YT_OK) break;
            map_free(&customers);
            customers = (strmap){0};
            if (progress) progress(progress_ctx, s->read, ftello(f));
        }
        s->read++;
        if (nf == -2) {
            import_add_error(s, r.line, r.error);
            continue;
        }
        if (nf == 1 && !*csv_field(&r, 0)) { /* blank line */
            s->read--;
            continue;
        }
        const char *ref = csv_field(&r, c_ref), *date = csv_field(&r, c_date), *qty = csv_field(&r, c_qty),
                   *amt = csv_field(&r, c_amt);
        int64_t when, q, fen;
        char msg[160];
        bool utf8_ok = true;
        for (int i = 0; i < nf && utf8_ok; i++) utf8_ok = utf8_valid(csv_field(&r, i), strlen(csv_field(&r, i)));
        if (!utf8_ok) {
            import_add_error(s, r.line, "the line is not valid UTF-8");
            continue;
        }
        if (!*ref || strlen(ref) > 128) {
            import_add_error(s, r.line, "customer_ref is empty or longer than 128 bytes");
            continue;
        }
        if (!time_parse(date, &when)) {
            snprintf(msg, sizeof msg, "ordered_on '%.40s' is not a date", date);
            import_add_error(s, r.line, msg);
            continue;
        }
        if (!parse_i64(qty, &q) || q < 0 || q > 1000000) {
            snprintf(msg, sizeof msg, "quantity '%.40s' is not a whole number", qty);
            import_add_error(s, r.line, msg);
            continue;
        }
        if (!money_to_fen(amt, &fen) || fen < -100000000000LL || fen > 100000000000LL) {
            snprintf(msg, sizeof msg, "amount '%.40s' is not money with at most two decimals", amt);
            import_add_error(s, r.line, msg);
            continue;
        }
        const char *name = c_name >= 0 ? csv_field(&r, c_name) : "";
        if (*name && customer_name_check(x, name)) { /* the same rule as any customer name */
            snprintf(msg, sizeof msg, "name: %s", x->err.msg);
            x->err.code = YT_OK;
            import_add_error(s, r.line, msg);
            continue;
        }
        when += m->shift_ms;
        /* the customer, by platform buyer id, cached for the run */
        int64_t *cslot = map_slot(&customers, ref);
        int64_t cid = *cslot;
        if (!cid) {
            char lookup[200], norm[200];
            if (identity_prepare(x, "customer_ref", "buyer", platform, ref, lookup, sizeof lookup, norm, sizeof norm)) {
                import_add_error(s, r.line, x->err.msg);
                x->err.code = YT_OK;
                continue;
            }
            cid = identity_holder(x->db, "buyer", platform, lookup);
            if (!cid) {
                if (customer_create_bare(x, name, &cid) ||
                    identity_insert(x, cid, "customer_ref", "buyer", platform, lookup, norm)) {
                    if (x->err.code == YT_EINTERNAL) {
                        rc = x->err.code;
                        break;
                    }
                    import_add_error(s, r.line, x->err.msg);
                    x->err.code = YT_OK;
                    continue;
                }
                if (c_phone >= 0 && *csv_field(&r, c_phone) &&
                    identity_add(x, cid, "phone", "phone", "", csv_field(&r, c_phone)) == YT_EINTERNAL) {
                    rc = x->err.code;
                    break;
                }
                x->err.code = YT_OK;
                if (*name) customer_index(x, cid);
                s->customers_created++;
            }
            *cslot = cid;
        }
        ids_add(&touched, cid);
        /* the order's identity: its id, or a keyed hash of the row's content plus how often that content
         * was seen (an export without order ids lists two equal purchases on a day as two equal rows).
         * Hashed, so no buyer id is kept in it after an erasure. */
        char ext[160]; /* an order id of at most 128 bytes, or a date, a digest and a count */
        if (c_oid >= 0 && *csv_field(&r, c_oid)) {
            if (strlen(csv_field(&r, c_oid)) > 128) {
                import_add_error(s, r.line, "order_id is longer than 128 bytes");
                continue;
            }
            snprintf(ext, sizeof ext, "%s", csv_field(&r, c_oid));
        } else {
            yt_buf content = YT_BUF_INIT;
            buf_printf(&content, "%s\x1f%lld\x1f%lld\x1f%lld", ref, (long long)(when - m->shift_ms), (long long)q,
                       (long long)fen);
            int64_t *occ = map_slot(&seen, content.p);
            (*occ)++;
            char digest[YT_HASH_HEX];
            crypto_blind_index("order", content.p, digest);
            /* the date first keeps inserts into the (platform, external_id) index near each other */
            snprintf(ext, sizeof ext, "%.10s.%.32s#%lld", date, digest, (long long)*occ);
            buf_free(&content);
        }
        const char *status = c_status >= 0 && *csv_field(&r, c_status) ? csv_field(&r, c_status) : "paid";
        yt_param p[] = {PI(cid), PT(platform), PT(ext), PI(when), PI(q), PI(fen), PT(status), PI(now)};
        int64_t ins = db_exec(x->db,
                              "INSERT INTO orders(customer_id, platform, external_id, ordered_at, quantity, amount_fen,"
                              " status, created_at) VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(platform, external_id) DO NOTHING",
                              NPARAMS(p), p);
        if (ins < 0) {
            rc = yt_fail_db(x, "importing orders");
            break;
        }
        if (ins == 0) s->duplicates++;
        else s->imported++;
    }
    if (rc == YT_OK) rc = update_lifecycles(x, platform, &touched);
    if (rc == YT_OK) {
        yt_buf summary = YT_BUF_INIT;
        yt_jw w;
        jw_init(&w, &summary);
        jw_obj(&w);
        jw_kstr(&w, "platform", platform);
        jw_kint(&w, "read", s->read);
        jw_kint(&w, "imported", s->imported);
        jw_kint(&w, "skipped", s->skipped);
        jw_obj_end(&w);
        rc = audit_record(x, "order.import", "order", 0, summary.p);
        buf_free(&summary);
    }
    if (rc == YT_OK) rc = import_chunk_end(&chunk, true);
    import_chunk_finish(&chunk); /* after an error: rolls back the open chunk, gives the writer back */
    if (progress) progress(progress_ctx, s->read, ftello(f));
    free(touched.ids);
    map_free(&customers);
    map_free(&seen);
    csv_free(&r);
    return rc;
}

void import_summary_json(const import_summary *s, yt_buf *out) {
    yt_jw w;
    jw_init(&w, out);
    jw_obj(&w);
    jw_kint(&w, "read", s->read);
    jw_kint(&w, "imported", s->imported);
    jw_kint(&w, "duplicates", s->duplicates);
    jw_kint(&w, "skipped", s->skipped);
    jw_kint(&w, "customers_created", s->customers_created);
    jw_key(&w, "errors");
    jw_arr(&w);
    for (int i = 0; i < s->nerrors; i++) {
        jw_obj(&w);
        jw_kint(&w, "line", s->errors[i].line);
        jw_kstr(&w, "message", s->errors[i].message);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
}
