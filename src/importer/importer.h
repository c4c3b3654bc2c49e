/* Imports and exports: platform order history (CSV) into customers + orders, customers in and out as CSV. */
#ifndef YT_IMPORTER_H
#define YT_IMPORTER_H
#include "../base/buf.h"
#include "../domain/ctx.h"
#include <stdio.h>

#define IMPORT_MAX_ERRORS 100

/* Which CSV column feeds each order field (column names from the header). */
typedef struct {
    const char *customer_ref, *ordered_on, *quantity, *amount, *order_id, *phone, *name, *status;
    int64_t shift_ms; /* added to every order time (the demo re-dates old data); 0 normally */
} order_map;

typedef struct {
    long line;
    char message[160];
} import_error;

typedef struct {
    long read, imported, skipped, duplicates, customers_created;
    import_error errors[IMPORT_MAX_ERRORS];
    int nerrors;
} import_summary;

typedef void (*import_progress)(void *ctx, long rows, long bytes);

/* Counts a skipped line and keeps its cause (the first IMPORT_MAX_ERRORS of them). */
void import_add_error(import_summary *s, long line, const char *msg);

/* How an import writes. With store set it takes the store's writer (store_writer_acquire) for one chunk
 * at a time and gives it back between chunks, so other writes interleave (a server, whose request starts
 * on its thread's reading connection); x->db is the caller's again on return. With store NULL it writes on
 * x->db throughout, still committing chunk by chunk (the CLI and the demo, alone on their connection). */
typedef struct {
    yt_store *store; /* borrowed */
    bool hold;       /* keep the writer from the first chunk to the last (the behaviour before the hand-off;
                      * only the benchmark's baseline sets it) */
} import_writer;

/* Parses "field=column,field=column" over the defaults (the CDNOW names). Returns false with the bad pair. */
bool order_map_parse(const char *spec, order_map *m, char *bad, size_t badsz, char *storage, size_t storagesz);
/* Streams the CSV from f into orders; idempotent on re-run. Commits in chunks (250 rows or 20 ms of work);
 * a name must pass the customer name rule, or its line is skipped with an error. Writes on x->db. */
int import_orders(yt_ctx *x, FILE *f, const char *platform, const order_map *m, import_summary *s,
                  import_progress progress, void *progress_ctx);
/* import_orders sharing the store's writer as w says (w may be NULL: x->db throughout). */
int import_orders_shared(yt_ctx *x, const import_writer *w, FILE *f, const char *platform, const order_map *m,
                         import_summary *s, import_progress progress, void *progress_ctx);
/* Customers CSV: name,nickname,phone,unionid,openid,external_userid,email,city,gender,birthday,tags (| separated). */
int import_customers(yt_ctx *x, FILE *f, import_summary *s);
int import_customers_shared(yt_ctx *x, const import_writer *w, FILE *f, import_summary *s);
/* The non-empty phone and email cells of an upload, counted before anything is written: the phone column of
 * an orders file (m set; m->phone, none when unmapped) or the phone and email columns of a customers file
 * (m NULL). Rewinds f; -1 when it cannot. */
long import_count_pii(FILE *f, const order_map *m);
/* Writes every live customer as CSV; bom prefixes a UTF-8 byte order mark for Excel. */
/* The filter of an export: only the customers keep(arg, id) is true for (keep NULL: everyone). */
typedef struct {
    bool (*keep)(void *arg, int64_t id);
    void *arg;
    const char *audit_action; /* NULL: customer.export_all */
    int64_t audit_entity_id;
} export_filter;
int export_customers(yt_ctx *x, yt_buf *out, bool bom, const export_filter *filter);
void import_summary_json(const import_summary *s, yt_buf *out);

#endif
