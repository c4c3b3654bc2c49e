/* Import chunks: each chunk is one transaction of at most IMPORT_CHUNK_ROWS rows or IMPORT_CHUNK_MS of work.
 * With a shared writer (import_writer.store) the chunk takes the store's writer and gives it back at its end,
 * so writes waiting meanwhile go first (the writer is handed on first come, first served). */
#ifndef YT_IMPORT_CHUNK_H
#define YT_IMPORT_CHUNK_H
#include "importer.h"

#define IMPORT_CHUNK_ROWS 250
#define IMPORT_CHUNK_MS 20
#define IMPORT_CHUNK_ROWS_PG 5000 /* PostgreSQL: no shared writer to give up, so longer chunks */
#define IMPORT_CHUNK_MS_PG 1000

typedef struct {
    yt_ctx *x;
    const import_writer *w; /* NULL: write on x->db throughout */
    yt_db *own;             /* x->db on entry, put back whenever the shared writer is given back */
    bool held;              /* the shared writer is taken */
    bool open;              /* a chunk transaction is open */
    long rows;
    uint64_t started;
} import_chunk;

void import_chunk_init(import_chunk *c, yt_ctx *x, const import_writer *w);
/* Takes the writer if shared (x->db becomes it) and opens the chunk's transaction. */
int import_chunk_begin(import_chunk *c);
/* Counts a row; true when the chunk should end (row or time bound reached). */
bool import_chunk_full(import_chunk *c);
/* Commits (or rolls back) the chunk and gives the shared writer back unless w->hold; x->db is the caller's again. */
int import_chunk_end(import_chunk *c, bool commit);
/* Rolls back an open chunk and gives back whatever is held (error paths and the end). */
void import_chunk_finish(import_chunk *c);

#endif
