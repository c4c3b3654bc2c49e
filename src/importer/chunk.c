/* Import chunks: bounded transactions, and the shared writer given back between them so other writes interleave. */
#include "chunk.h"
#include "../base/timeutil.h"

void import_chunk_init(import_chunk *c, yt_ctx *x, const import_writer *w) {
    *c = (import_chunk){.x = x, .w = w && w->store ? w : NULL, .own = x->db};
}

int import_chunk_begin(import_chunk *c) {
    if (c->w && !c->held) {
        yt_db *db = store_writer_acquire(c->w->store);
        if (!db) return yt_fail(c->x, YT_EINTERNAL, NULL, "the store is not reachable");
        c->x->db = db;
        c->held = true;
    }
    c->rows = 0;
    c->started = mono_ns();
    if (db_begin(c->x->db) != 0) return yt_fail_db(c->x, "importing");
    c->open = true;
    return YT_OK;
}

bool import_chunk_full(import_chunk *c) {
    /* SQLite has one writer, given up between chunks, so its chunks are short; PostgreSQL writers do not
     * wait for one another, so a chunk there only bounds what a crash loses and how long rows stay locked */
    bool pg = db_dialect(c->x->db) == YT_PG;
    long rows = pg ? IMPORT_CHUNK_ROWS_PG : IMPORT_CHUNK_ROWS;
    uint64_t ms = pg ? IMPORT_CHUNK_MS_PG : IMPORT_CHUNK_MS;
    return ++c->rows >= rows || mono_ns() - c->started >= ms * 1000000u;
}

int import_chunk_end(import_chunk *c, bool commit) {
    int rc = YT_OK;
    if (c->open) {
        c->open = false;
        if (!commit) db_rollback(c->x->db);
        else if (db_commit(c->x->db) != 0) rc = yt_fail_db(c->x, "importing");
    }
    if (c->held && !c->w->hold) {
        store_writer_release(c->w->store);
        c->held = false;
        c->x->db = c->own;
    }
    return rc;
}

void import_chunk_finish(import_chunk *c) {
    if (c->open) {
        c->open = false;
        db_rollback(c->x->db);
    }
    if (c->held) {
        store_writer_release(c->w->store);
        c->held = false;
    }
    c->x->db = c->own;
}
