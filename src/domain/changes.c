/* The change feed: changes to what in-memory indexes follow, written in the same transaction as the change
 * and read in commit order, so other processes on the same store (another instance, a CLI import) are seen. */
#include "changes.h"
#include "../base/buf.h"
#include "../base/ids.h"
#include "../base/timeutil.h"
#include <stdlib.h>
#include <string.h>

/* SQLite has one writer at a time, so sequence numbers are taken in commit order and a position is the
 * last seq read. On PostgreSQL they are not (a transaction may take 10, another 11 and commit first), so
 * each row carries its transaction's id and a position is a transaction id horizon: a read takes the
 * rows of every transaction from the previous horizon up to the oldest one still running in this
 * database (PG_HORIZON_SQL), which are all finished, and no later transaction can have an id below that
 * horizon. */
static change_commit_fn listener;
static void *listener_arg;

void change_listen(change_commit_fn fn, void *arg) {
    listener_arg = arg;
    listener = fn;
}

static void tell(void *arg) {
    int64_t tx;
    memcpy(&tx, arg, sizeof tx);
    if (listener) listener(listener_arg, tx);
}

/* PostgreSQL: once this transaction commits, tell the listener its id. */
static void tell_after_commit(yt_db *db, int64_t tx) {
    if (listener && tx > 0) db_after_commit(db, tell, &tx, sizeof tx);
}

int change_record(yt_ctx *x, const char *kind, int64_t customer_id, int64_t ref_id) {
    yt_param p[] = {PI(now_ms()), PT(kind), customer_id ? PI(customer_id) : PNULL, ref_id ? PI(ref_id) : PNULL};
    bool pg = db_dialect(x->db) == YT_PG;
    int64_t n = pg ? db_query_int(x->db,
                                  "INSERT INTO changes(tx, at, kind, customer_id, ref_id)"
                                  " VALUES(pg_current_xact_id()::text::bigint, ?, ?, ?, ?) RETURNING tx",
                                  NPARAMS(p), p, -1)
                   : db_exec(x->db, "INSERT INTO changes(at, kind, customer_id, ref_id) VALUES(?, ?, ?, ?)", NPARAMS(p), p);
    if (pg && n > 0) {
        tell_after_commit(x->db, n);
        n = 1;
    }
    /* followers in other processes wake on commit (a notification is sent then, once per transaction) */
    if (n == 1 && pg && db_exec(x->db, "SELECT pg_notify('yt_changes', '')", 0, NULL) < 0) n = -1;
    return n == 1 ? YT_OK : yt_fail_db(x, "recording a change");
}

/* One statement for every id: the ids travel as one JSON array parameter, unpacked by the database. */
int change_record_customers(yt_ctx *x, const char *kind, int64_t *ids, size_t *count) {
    if (*count == 0) return YT_OK;
    size_t n = *count = ids_sort_unique(ids, *count);
    bool pg = db_dialect(x->db) == YT_PG;
    yt_buf list = YT_BUF_INIT;
    buf_putc(&list, '[');
    for (size_t i = 0; i < n; i++) buf_printf(&list, "%s%lld", i ? "," : "", (long long)ids[i]);
    buf_putc(&list, ']');
    yt_param p[] = {PI(now_ms()), PT(kind), PT(list.p)};
    int64_t rows = db_exec(x->db,
                           pg ? "INSERT INTO changes(tx, at, kind, customer_id)"
                                " SELECT pg_current_xact_id()::text::bigint, CAST(? AS BIGINT), CAST(? AS TEXT), value::bigint"
                                " FROM jsonb_array_elements_text(CAST(? AS jsonb))"
                              : "INSERT INTO changes(at, kind, customer_id) SELECT ?, ?, value FROM json_each(?)",
                           NPARAMS(p), p);
    buf_free(&list);
    if (rows != (int64_t)n) return yt_fail_db(x, "recording changes");
    if (pg && db_exec(x->db, "SELECT pg_notify('yt_changes', '')", 0, NULL) < 0) return yt_fail_db(x, "recording changes");
    if (pg) tell_after_commit(x->db, db_query_int(x->db, "SELECT pg_current_xact_id()::text::bigint", 0, NULL, -1));
    return YT_OK;
}

/* The PostgreSQL horizon: below it, every transaction of this database has ended. Transaction ids are
 * cluster-wide, so the snapshot's xmin alone would wait for long transactions in other databases too; the
 * horizon is the oldest transaction id running in this database (pg_stat_activity's 32-bit ids placed
 * below the snapshot's 64-bit xmax by their distance to it; ids at or past xmax started later and do not
 * count), or the snapshot's xmax when none is. A transaction that gets its id after the
 * snapshot was taken gets one at or above its xmax, so it is never below the horizon. */
#define PG_HORIZON_SQL                                                                                          \
    "WITH s AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax)"                          \
    " SELECT LEAST(s.xmax, COALESCE((SELECT min(s.xmax - a.d) FROM (SELECT ((s.xmax & 4294967295)"              \
    "   - backend_xid::text::bigint + 4294967296) % 4294967296 AS d FROM pg_stat_activity"                      \
    "   WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()) a"          \
    "   WHERE a.d BETWEEN 1 AND 2147483647), s.xmax)) FROM s"

int change_feed_position(yt_db *db, int64_t *pos) {
    *pos = db_dialect(db) == YT_PG ? db_query_int(db, PG_HORIZON_SQL, 0, NULL, -1)
                                   : db_query_int(db, "SELECT COALESCE(max(seq), 0) FROM changes", 0, NULL, -1);
    return *pos < 0 ? -1 : 0;
}

int change_feed_read(yt_db *db, int64_t *pos, change_fn fn, void *arg) {
    bool pg = db_dialect(db) == YT_PG;
    int64_t horizon = 0;
    if (pg && (horizon = db_query_int(db, PG_HORIZON_SQL, 0, NULL, -1)) < 0)
        return -1;
    yt_param p[] = {PI(*pos), PI(horizon)};
    yt_rows *r = pg ? db_query(db,
                               "SELECT seq, at, kind, customer_id, ref_id FROM changes WHERE tx >= ? AND tx < ?"
                               " ORDER BY tx, seq",
                               2, p)
                    : db_query(db, "SELECT seq, at, kind, customer_id, ref_id FROM changes WHERE seq > ? ORDER BY seq", 1, p);
    if (!r) return -1;
    while (rows_next(r)) {
        feed_change c = {.seq = rows_int(r, 0), .at = rows_int(r, 1), .kind = rows_text(r, 2),
                    .customer_id = rows_null(r, 3) ? 0 : rows_int(r, 3), .ref_id = rows_null(r, 4) ? 0 : rows_int(r, 4)};
        fn(arg, &c);
        if (!pg) *pos = c.seq;
    }
    rows_free(r);
    if (pg) *pos = horizon;
    return 0;
}

int change_feed_read_tx(yt_db *db, const int64_t *txs, size_t n, change_fn fn, void *arg) {
    if (n == 0 || db_dialect(db) != YT_PG) return 0;
    char *list = db_id_list(YT_PG, txs, n);
    yt_param p[] = {PT(list)};
    yt_rows *r = db_query(db, "SELECT seq, at, kind, customer_id, ref_id FROM changes WHERE tx = ANY(CAST(? AS BIGINT[])) ORDER BY tx, seq",
                          1, p);
    free(list);
    if (!r) return -1;
    while (rows_next(r)) {
        feed_change c = {.seq = rows_int(r, 0), .at = rows_int(r, 1), .kind = rows_text(r, 2),
                         .customer_id = rows_null(r, 3) ? 0 : rows_int(r, 3), .ref_id = rows_null(r, 4) ? 0 : rows_int(r, 4)};
        fn(arg, &c);
    }
    rows_free(r);
    return 0;
}
