/* Handlers: order and customer CSV imports (the upload is streamed from its spool file), customer CSV export. */
#include "handlers.h"
#include "server.h"
#include "../importer/importer.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Uploads reach these handlers one at a time per server: the http layer admits an upload from its head
 * only while no other is running (an import keeps its worker thread for its whole run) and answers 429
 * with Retry-After otherwise. */

static void answer_summary(yt_req *r, const import_summary *s) {
    buf_reset(&r->out);
    r->status = 200;
    r->out_type = "application/json";
    import_summary_json(s, &r->out);
}

/* A caller who sees phones masked may not learn through an import which phones or emails exist: every
 * non-empty phone or email cell is charged to the same per-person budget as a lookup, before anything is
 * written (api_charge_pii refuses a file holding more than the whole budget outright). */
static bool pii_cells_allowed(yt_req *r, const order_map *m) {
    if (r->who.perms & PERM_PII_READ) return true;
    long n = import_count_pii(r->body_file, m);
    if (n < 0) {
        api_problem(r, 500, NULL, "the upload could not be read again");
        return false;
    }
    return api_charge_pii(r, "file", (uint32_t)n);
}

/* The writer is shared chunk by chunk (the route is ROUTE_READER); YT_IMPORT_HOLD_WRITER=1 keeps it for the
 * whole import instead, the behaviour before the hand-off, for the benchmark's baseline only. */
static import_writer writer_for(yt_req *r) {
    static int hold = -1;
    if (hold < 0) {
        const char *e = getenv("YT_IMPORT_HOLD_WRITER");
        hold = e && strcmp(e, "1") == 0;
    }
    return (import_writer){.store = r->store, .hold = hold == 1};
}

void h_import_orders(yt_req *r) {
    const char *platform = api_query(r, "platform");
    if (!platform || !*platform) platform = "cdnow";
    order_map m;
    char bad[128], storage[1024];
    if (!order_map_parse(api_query(r, "map"), &m, bad, sizeof bad, storage, sizeof storage)) {
        char d[200];
        snprintf(d, sizeof d, "map entry '%s' is not field=column with a known field", bad);
        api_problem(r, 400, "map", d);
        return;
    }
    if (!r->body_file) {
        api_problem(r, 400, "body", "send the CSV file as the request body");
        return;
    }
    if (!pii_cells_allowed(r, &m)) return;
    import_summary *s = arena_alloc(&r->arena, sizeof *s);
    import_writer w = writer_for(r);
    if (import_orders_shared(&r->x, &w, r->body_file, platform, &m, s, NULL, NULL)) api_fail(r);
    else answer_summary(r, s);
}

void h_import_customers(yt_req *r) {
    if (!r->body_file) {
        api_problem(r, 400, "body", "send the CSV file as the request body");
        return;
    }
    if (!pii_cells_allowed(r, NULL)) return;
    import_summary *s = arena_alloc(&r->arena, sizeof *s);
    import_writer w = writer_for(r);
    if (import_customers_shared(&r->x, &w, r->body_file, s)) api_fail(r);
    else answer_summary(r, s);
}

void h_export_customers(yt_req *r) {
    const char *bom = api_query(r, "bom");
    buf_reset(&r->out);
    if (export_customers(&r->x, &r->out, bom && (strcmp(bom, "1") == 0 || strcmp(bom, "true") == 0), NULL)) {
        api_fail(r);
        return;
    }
    r->status = 200;
    r->out_type = "text/csv; charset=utf-8";
    snprintf(r->content_disposition, sizeof r->content_disposition, "attachment; filename=\"customers.csv\"");
}
