/* Customer events: typed, timestamped, idempotent by key; batches applied in one transaction. */
#include "event.h"
#include "../base/timeutil.h"
#include "../customer/customer.h"
#include "../customer/identity.h"
#include "../domain/audit.h"
#include "../domain/changes.h"
#include "../loyalty/tasks.h"
#include <stdio.h>
#include <string.h>

static const char *const event_types[] = {
    "contact_added", "contact_removed", "group_joined", "group_left", "message_sent", "order_paid",
    "order_refunded", "page_viewed", "form_submitted", "coupon_redeemed", "checkin",
    "segment_entered", "segment_exited", /* written by yutang when a saved segment's members change */
};

bool event_type_valid(const char *type) {
    for (size_t i = 0; i < sizeof event_types / sizeof event_types[0]; i++)
        if (strcmp(type, event_types[i]) == 0) return true;
    return false;
}

typedef struct {
    const char *kind;
    const char *value;
    char field[32]; /* "customer.<kind>" */
} ref_ident;

static int ref_identities(const customer_ref *ref, ref_ident out[ID_PERSON_KINDS]) {
    int n = 0;
    for (int k = 0; k < ID_PERSON_KINDS; k++) {
        if (!ref->ids.v[k]) continue;
        out[n] = (ref_ident){.kind = identity_kind_name(k), .value = ref->ids.v[k]};
        snprintf(out[n].field, sizeof out[n].field, "customer.%s", out[n].kind);
        n++;
    }
    return n;
}

/* Resolution runs in two passes. The first only reads: it validates every identity and finds who holds
 * it, and for a guide checks that every holder is their own customer. Only then does the second pass
 * write (merge, create, attach). So an item that is rejected has written nothing, and a guide can never
 * merge or touch a customer they do not own. */
int64_t event_resolve_customer(yt_ctx *x, const customer_ref *ref, bool create, bool *created) {
    if (created) *created = false;
    if (ref->id) {
        int64_t live;
        return customer_resolve_for_write(x, ref->id, &live) == YT_OK ? live : 0;
    }
    ref_ident ids[ID_PERSON_KINDS];
    int n = ref_identities(ref, ids);
    if (n == 0) {
        yt_fail(x, YT_EINVAL, "customer", "needs an id or an identity (phone, unionid, openid, external_userid, email)");
        return 0;
    }
    int64_t holders[5];
    char lookup[5][200], norm[5][200];
    for (int i = 0; i < n; i++) {
        if (identity_prepare(x, ids[i].field, ids[i].kind, "", ids[i].value, lookup[i], sizeof lookup[i], norm[i],
                             sizeof norm[i]))
            return 0;
        holders[i] = identity_holder(x->db, ids[i].kind, "", lookup[i]);
        int64_t live;
        if (holders[i] && x->who->own_customers_only && customer_resolve(x, holders[i], &live)) {
            yt_fail(x, YT_ENOTFOUND, ids[i].field, "this identity belongs to a customer you cannot see");
            return 0;
        }
    }
    int64_t found = 0;
    for (int i = 0; i < n; i++) {
        int64_t holder = holders[i];
        if (holder && found && holder != found) {
            /* two identities of one person held by two records: they are one customer */
            int64_t survivor = found < holder ? found : holder, absorbed = found < holder ? holder : found;
            if (customer_merge(x, survivor, absorbed)) {
                x->err.code = YT_EINTERNAL; /* a write failed half way: the batch must not commit */
                return 0;
            }
            holder = survivor;
            for (int k = 0; k < n; k++) /* moved by the merge: re-checked below, and never merged twice */
                if (k <= i || holders[k] == absorbed) holders[k] = k <= i ? -1 : survivor;
        }
        if (holder) found = holder;
    }
    if (!found) {
        if (!create) {
            yt_fail(x, YT_ENOTFOUND, "customer", "no customer with this identity");
            return 0;
        }
        /* A new customer and its identities are one unit. Every identity was checked free above, inside
         * this write transaction, so only a store failure or (PostgreSQL) a concurrent writer can stop us
         * half way; either aborts the whole batch, never leaving a customer without its identities. A
         * savepoint here would be correct too, but costs SQLite a sub-journal copy per new customer. */
        int rc = customer_create_bare(x, "", &found);
        if (rc == YT_OK && x->who->own_customers_only) {
            yt_param p[] = {PI(x->who->staff_id), PI(found)};
            if (db_exec(x->db, "UPDATE customers SET owner_id = ? WHERE id = ?", 2, p) < 0) rc = yt_fail_db(x, "creating a customer");
        }
        for (int i = 0; rc == YT_OK && i < n; i++)
            rc = identity_insert(x, found, ids[i].field, ids[i].kind, "", lookup[i], norm[i]);
        if (rc != YT_OK) {
            x->err.code = rc == YT_ECONFLICT ? YT_ERETRY : YT_EINTERNAL;
            return 0;
        }
        if (created) *created = true;
        return found;
    }
    for (int i = 0; i < n; i++) /* attach identities the customer did not have yet */
        if (holders[i] != found) {
            int rc = holders[i] == 0 ? identity_insert(x, found, ids[i].field, ids[i].kind, "", lookup[i], norm[i])
                                     : identity_add(x, found, ids[i].field, ids[i].kind, "", ids[i].value);
            if (rc) {
                x->err.code = rc == YT_ECONFLICT ? YT_ERETRY : YT_EINTERNAL;
                return 0;
            }
        }
    return found;
}

static int ingest_once(yt_ctx *x, const event_in *items, int n, int *accepted, int *duplicates, event_error *errors,
                 int *nerrors) {
    *accepted = *duplicates = 0;
    int nerr_in = *nerrors;
    if (db_begin(x->db) != 0) return yt_fail_db(x, "storing events");
    int64_t now = now_ms();
    int64_t *changed = arena_alloc(x->arena, sizeof *changed * (size_t)(n > 0 ? n : 1)); /* customers with new events */
    int64_t *made = arena_alloc(x->arena, sizeof *made * (size_t)(n > 0 ? n : 1));      /* and those the batch created */
    task_event *stored = arena_alloc(x->arena, sizeof *stored * (size_t)(n > 0 ? n : 1)); /* for points tasks */
    size_t nchanged = 0, nmade = 0, nstored = 0;
    for (int i = 0; i < n; i++) {
        const event_in *e = &items[i];
        x->err.code = YT_OK;
        bool created;
        int64_t cid = event_resolve_customer(x, &e->who, true, &created);
        if (created) made[nmade++] = cid;
        if (!cid) {
            if (x->err.code == YT_EINTERNAL || x->err.code == YT_ERETRY) {
                if (db_retryable(x->db)) x->err.code = YT_ERETRY; /* a deadlock with another batch: run again */
                db_rollback(x->db);
                *accepted = *duplicates = 0;
                *nerrors = nerr_in;
                return x->err.code;
            }
            event_error *er = &errors[(*nerrors)++];
            er->index = e->index;
            snprintf(er->field, sizeof er->field, "events[%d].%s", e->index, x->err.field[0] ? x->err.field : "customer");
            snprintf(er->message, sizeof er->message, "%s", x->err.msg);
            continue;
        }
        yt_param p[] = {PI(cid), PT(e->type), PI(e->at), PT(e->properties_json ? e->properties_json : "{}"),
                        PT(e->key), PI(x->who->staff_id), PI(now)};
        int64_t rc = db_exec(x->db,
                             "INSERT INTO events(customer_id, type, at, properties, key, source_id, created_at)"
                             " VALUES(?,?,?,?,?,?,?) ON CONFLICT(source_id, key) DO NOTHING",
                             NPARAMS(p), p);
        if (rc < 0) {
            yt_fail_db(x, "storing events");
            if (db_retryable(x->db)) x->err.code = YT_ERETRY;
            db_rollback(x->db);
            *accepted = *duplicates = 0;
            *nerrors = nerr_in;
            return x->err.code;
        }
        if (rc == 0) (*duplicates)++;
        else (*accepted)++;
        if (rc > 0) {
            changed[nchanged++] = cid;
            stored[nstored++] = (task_event){cid, e->at, e->type};
        }
    }
    x->err.code = YT_OK;
    /* the points the new events earn (a duplicate earns nothing), in the same transaction */
    if (task_rewards(x, stored, nstored)) {
        if (db_retryable(x->db)) x->err.code = YT_ERETRY;
        db_rollback(x->db);
        *accepted = *duplicates = 0;
        *nerrors = nerr_in;
        return x->err.code;
    }
    /* the change feed names the customers the batch created, and each customer with new events once, in one
     * statement each */
    if (change_record_customers(x, CHANGE_CUSTOMER_CREATED, made, &nmade) ||
        change_record_customers(x, CHANGE_CUSTOMER_EVENTS, changed, &nchanged)) {
        if (db_retryable(x->db)) x->err.code = YT_ERETRY;
        db_rollback(x->db);
        *accepted = *duplicates = 0;
        *nerrors = nerr_in;
        return x->err.code;
    }
    char summary[96];
    snprintf(summary, sizeof summary, "{\"accepted\":%d,\"duplicates\":%d,\"rejected\":%d}", *accepted, *duplicates,
             *nerrors - nerr_in);
    if (audit_record(x, "event.ingest", "event", 0, summary)) {
        db_rollback(x->db);
        *accepted = *duplicates = 0;
        *nerrors = nerr_in;
        return x->err.code;
    }
    if (db_commit(x->db) != 0) {
        *accepted = *duplicates = 0;
        *nerrors = nerr_in;
        return yt_fail_db(x, "storing events");
    }
    return YT_OK;
}

/* A write conflict means a concurrent writer (PostgreSQL) took an identity between our check and our
 * insert; the batch was rolled back whole, and a second run sees that identity as taken. */
int event_ingest(yt_ctx *x, const event_in *items, int n, int *accepted, int *duplicates, event_error *errors,
                 int *nerrors) {
    int nerr_in = *nerrors, rc = YT_OK;
    for (int attempt = 0; attempt < 3; attempt++) {
        *nerrors = nerr_in;
        rc = ingest_once(x, items, n, accepted, duplicates, errors, nerrors);
        if (rc != YT_ERETRY) return rc;
    }
    return yt_fail(x, YT_ECONFLICT, "events", "the batch kept conflicting with concurrent writes; send it again");
}

int event_timeline_json(yt_ctx *x, yt_jw *w, int64_t customer_id, int limit, const char *cursor) {
    /* newest first by event time, ties by id; the cursor is "<time ms>.<id>" of the last item */
    long long cat = INT64_MAX, cid = INT64_MAX;
    if (cursor && *cursor) {
        char tail;
        if (sscanf(cursor, "%lld.%lld%c", &cat, &cid, &tail) != 2)
            return yt_fail(x, YT_EINVAL, "cursor", "is not a cursor this list returned");
    }
    yt_param p[] = {PI(customer_id), PI(cat), PI(cat), PI(cid), PI(limit + 1)};
    yt_rows *r = db_query(x->db,
                          "SELECT id, type, at, properties, key FROM events WHERE customer_id = ?"
                          " AND (at < ? OR (at = ? AND id < ?)) ORDER BY at DESC, id DESC LIMIT ?",
                          NPARAMS(p), p);
    if (!r) return yt_fail_db(x, "reading the timeline");
    char ts[40];
    jw_obj(w);
    jw_key(w, "items");
    jw_arr(w);
    int count = 0;
    int64_t last_id = 0, last_at = 0;
    bool more = false;
    while (rows_next(r)) {
        if (count == limit) {
            more = true;
            break;
        }
        last_id = rows_int(r, 0);
        last_at = rows_int(r, 2);
        jw_obj(w);
        jw_kint(w, "id", last_id);
        jw_kstr(w, "type", rows_text(r, 1));
        time_fmt(last_at, ts, sizeof ts);
        jw_kstr(w, "time", ts);
        jw_kraw(w, "properties", rows_text(r, 3));
        jw_kstr(w, "key", rows_null(r, 4) ? NULL : rows_text(r, 4));
        jw_obj_end(w);
        count++;
    }
    rows_free(r);
    jw_arr_end(w);
    if (more) {
        char cur[48];
        snprintf(cur, sizeof cur, "%lld.%lld", (long long)last_at, (long long)last_id);
        jw_kstr(w, "next_cursor", cur);
    } else jw_knull(w, "next_cursor");
    jw_obj_end(w);
    return YT_OK;
}
