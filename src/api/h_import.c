/* Handlers: order and customer CSV imports (the upload is streamed from its spool file), customer CSV export. */
#include "handlers.h"
#include "../importer/importer.h"
#include <stdio.h>
#include <string.h>

static void answer_summary(yt_req *r, const import_summary *s) {
    buf_reset(&r->out);
    r->status = 200;
    r->out_type = "application/json";
    import_summary_json(s, &r->out);
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
    import_summary *s = arena_alloc(&r->arena, sizeof *s);
    if (import_orders(&r->x, r->body_file, platform, &m, s, NULL, NULL)) {
        api_fail(r);
        return;
    }
    answer_summary(r, s);
}

void h_import_customers(yt_req *r) {
    if (!r->body_file) {
        api_problem(r, 400, "body", "send the CSV file as the request body");
        return;
    }
    import_summary *s = arena_alloc(&r->arena, sizeof *s);
    if (import_customers(&r->x, r->body_file, s)) {
        api_fail(r);
        return;
    }
    answer_summary(r, s);
}

void h_export_customers(yt_req *r) {
    const char *bom = api_query(r, "bom");
    buf_reset(&r->out);
    if (export_customers(&r->x, &r->out, bom && (strcmp(bom, "1") == 0 || strcmp(bom, "true") == 0))) {
        api_fail(r);
        return;
    }
    r->status = 200;
    r->out_type = "text/csv; charset=utf-8";
    snprintf(r->content_disposition, sizeof r->content_disposition, "attachment; filename=\"customers.csv\"");
}
