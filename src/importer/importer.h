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

/* Parses "field=column,field=column" over the defaults (the CDNOW names). Returns false with the bad pair. */
bool order_map_parse(const char *spec, order_map *m, char *bad, size_t badsz, char *storage, size_t storagesz);
/* Streams the CSV from f into orders; idempotent on re-run. Commits every few thousand rows. */
int import_orders(yt_ctx *x, FILE *f, const char *platform, const order_map *m, import_summary *s,
                  import_progress progress, void *progress_ctx);
/* Customers CSV: name,nickname,phone,unionid,openid,external_userid,email,city,gender,birthday,tags (| separated). */
int import_customers(yt_ctx *x, FILE *f, import_summary *s);
/* Writes every live customer as CSV; bom prefixes a UTF-8 byte order mark for Excel. */
int export_customers(yt_ctx *x, yt_buf *out, bool bom);
void import_summary_json(const import_summary *s, yt_buf *out);

#endif
