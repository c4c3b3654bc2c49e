/* The change feed: changes to what in-memory indexes follow, written in the same transaction as the change
 * and read in commit order, so other processes on the same store (another instance, a CLI import) are seen. */
#include "changes.h"
#include "../base/timeutil.h"

/* SQLite has one writer at a time, so sequence numbers are taken in commit order and a position is the
 * last seq read. On PostgreSQL they are not (a transaction may take 10, another 11 and commit first), so
 * each row carries its transaction's id and a position is a transaction id horizon: a read takes the
 * rows of every transaction from the previous horizon up to the oldest one still running, which are
 * all finished, and no later transaction can have an id below that horizon. */
int change_record(yt_ctx *x, const char *kind, int64_t customer_id, int64_t ref_id) {
    yt_param p[] = {PI(now_ms()), PT(kind), customer_id ? PI(customer_id) : PNULL, ref_id ? PI(ref_id) : PNULL};
    bool pg = db_dialect(x->db) == YT_PG;
    int64_t n = db_exec(x->db,
                        pg ? "INSERT INTO changes(tx, at, kind, customer_id, ref_id)"
                             " VALUES(pg_current_xact_id()::text::bigint, ?, ?, ?, ?)"
                           : "INSERT INTO changes(at, kind, customer_id, ref_id) VALUES(?, ?, ?, ?)",
                        NPARAMS(p), p);
    /* followers in other processes wake on commit (a notification is sent then, once per transaction) */
    if (n == 1 && pg && db_exec(x->db, "SELECT pg_notify('yt_changes', '')", 0, NULL) < 0) n = -1;
    return n == 1 ? YT_OK : yt_fail_db(x, "recording a change");
}

#define CHANGE_BATCH 16 /* rows a statement: 48 parameters, under the drivers' 64 */
#define ROW_SQLITE "(?, ?, ?, NULL)"
#define ROW_PG "(pg_current_xact_id()::text::bigint, ?, ?, ?, NULL)"
#define ROWS8(r) r "," r "," r "," r "," r "," r "," r "," r
#define ROWS16(r) ROWS8(r) "," ROWS8(r)

int change_record_customers(yt_ctx *x, const char *kind, const int64_t *ids, size_t n) {
    bool pg = db_dialect(x->db) == YT_PG;
    int64_t now = now_ms();
    size_t i = 0;
    for (; i + CHANGE_BATCH <= n; i += CHANGE_BATCH) {
        yt_param p[CHANGE_BATCH * 3];
        for (int k = 0; k < CHANGE_BATCH; k++) {
            p[3 * k] = PI(now);
            p[3 * k + 1] = PT(kind);
            p[3 * k + 2] = PI(ids[i + (size_t)k]);
        }
        if (db_exec(x->db,
                    pg ? "INSERT INTO changes(tx, at, kind, customer_id, ref_id) VALUES " ROWS16(ROW_PG)
                       : "INSERT INTO changes(at, kind, customer_id, ref_id) VALUES " ROWS16(ROW_SQLITE),
                    NPARAMS(p), p) != CHANGE_BATCH)
            return yt_fail_db(x, "recording changes");
    }
    for (; i < n; i++)
        if (change_record(x, kind, ids[i], 0)) return x->err.code;
    if (n >= CHANGE_BATCH && pg && db_exec(x->db, "SELECT pg_notify('yt_changes', '')", 0, NULL) < 0)
        return yt_fail_db(x, "recording changes");
    return YT_OK;
}

int change_feed_position(yt_db *db, int64_t *pos) {
    *pos = db_dialect(db) == YT_PG
               ? db_query_int(db, "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint", 0, NULL, -1)
               : db_query_int(db, "SELECT COALESCE(max(seq), 0) FROM changes", 0, NULL, -1);
    return *pos < 0 ? -1 : 0;
}

int change_feed_read(yt_db *db, int64_t *pos, change_fn fn, void *arg) {
    bool pg = db_dialect(db) == YT_PG;
    int64_t horizon = 0;
    if (pg && (horizon = db_query_int(db, "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint", 0, NULL, -1)) < 0)
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
