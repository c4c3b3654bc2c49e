/* Request and store metrics: counters and latency histograms, rendered as Prometheus text. */
#include "metrics.h"
#include "alloc.h"
#include <assert.h>
#include <stdatomic.h>
#include <stdio.h>

static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define NB (sizeof bounds / sizeof bounds[0])
static const int status_codes[] = {200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 429, 500, 503};
#define NS (sizeof status_codes / sizeof status_codes[0])

typedef struct {
    const char *method, *name;
    _Atomic uint64_t by_status[NS + 1]; /* last slot: any other status */
    _Atomic uint64_t bucket[NB + 1];
    _Atomic uint64_t sum_ns;
} route_metrics;

static route_metrics *routes; /* nroutes of them, made by metrics_init and kept for the process */
static int nroutes;
static _Atomic uint64_t store_bucket[NB + 1];
static _Atomic uint64_t store_sum_ns;
/* group durability: syncs of the store's log, the commits they made durable, the answers that waited */
static _Atomic uint64_t syncs, synced_commits, sync_failures, held_answers, checkpoints, flash_groups, flash_group_orders;

void metrics_init(int n) {
    if (routes) { /* one table per process; a second server in it (tests) shares the counters */
        assert(n <= nroutes);
        return;
    }
    routes = yt_calloc((size_t)n, sizeof *routes);
    nroutes = n;
}

void metrics_register_route(int i, const char *method, const char *name) {
    assert(i >= 0 && i < nroutes);
    routes[i].method = method;
    routes[i].name = name;
}

static int bucket_of(uint64_t ns) {
    double s = (double)ns / 1e9;
    for (size_t i = 0; i < NB; i++)
        if (s <= bounds[i]) return (int)i;
    return NB;
}

void metrics_observe_request(int route, int status, uint64_t ns) {
    if (route < 0 || route >= nroutes) return;
    route_metrics *m = &routes[route];
    size_t si = NS;
    for (size_t i = 0; i < NS; i++)
        if (status_codes[i] == status) si = i;
    atomic_fetch_add_explicit(&m->by_status[si], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->bucket[bucket_of(ns)], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->sum_ns, ns, memory_order_relaxed);
}

void metrics_observe_store(uint64_t ns) {
    atomic_fetch_add_explicit(&store_bucket[bucket_of(ns)], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&store_sum_ns, ns, memory_order_relaxed);
}

void metrics_observe_sync(bool ok, uint64_t commits) {
    atomic_fetch_add_explicit(ok ? &syncs : &sync_failures, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&synced_commits, commits, memory_order_relaxed);
}

void metrics_count_checkpoint(void) { atomic_fetch_add_explicit(&checkpoints, 1, memory_order_relaxed); }

uint64_t metrics_checkpoints(void) { return atomic_load_explicit(&checkpoints, memory_order_relaxed); }

void metrics_count_flash_group(uint64_t orders) {
    atomic_fetch_add_explicit(&flash_groups, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&flash_group_orders, orders, memory_order_relaxed);
}

uint64_t metrics_flash_groups(uint64_t *orders) {
    if (orders) *orders = atomic_load_explicit(&flash_group_orders, memory_order_relaxed);
    return atomic_load_explicit(&flash_groups, memory_order_relaxed);
}

void metrics_count_held_answer(void) { atomic_fetch_add_explicit(&held_answers, 1, memory_order_relaxed); }

static void render_hist(yt_buf *o, const char *name, const char *labels, _Atomic uint64_t *b, uint64_t sum_ns) {
    uint64_t cum = 0;
    for (size_t i = 0; i <= NB; i++) {
        cum += atomic_load_explicit(&b[i], memory_order_relaxed);
        if (i < NB) buf_printf(o, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, *labels ? "," : "", bounds[i], (unsigned long long)cum);
        else buf_printf(o, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, *labels ? "," : "", (unsigned long long)cum);
    }
    buf_printf(o, "%s_sum{%s} %.6f\n", name, labels, (double)sum_ns / 1e9);
    buf_printf(o, "%s_count{%s} %llu\n", name, labels, (unsigned long long)cum);
}

void metrics_render(yt_buf *o) {
    buf_puts(o, "# HELP yutang_http_requests_total HTTP requests by route, method and status.\n"
                "# TYPE yutang_http_requests_total counter\n");
    for (int r = 0; r < nroutes; r++) {
        if (!routes[r].name) continue;
        for (size_t s = 0; s <= NS; s++) {
            uint64_t v = atomic_load_explicit(&routes[r].by_status[s], memory_order_relaxed);
            if (!v) continue;
            char code[8];
            if (s < NS) snprintf(code, sizeof code, "%d", status_codes[s]);
            else snprintf(code, sizeof code, "other");
            buf_printf(o, "yutang_http_requests_total{route=\"%s\",method=\"%s\",status=\"%s\"} %llu\n",
                       routes[r].name, routes[r].method, code, (unsigned long long)v);
        }
    }
    buf_puts(o, "# HELP yutang_http_request_duration_seconds HTTP request latency by route.\n"
                "# TYPE yutang_http_request_duration_seconds histogram\n");
    for (int r = 0; r < nroutes; r++) {
        if (!routes[r].name) continue;
        uint64_t any = 0;
        for (size_t i = 0; i <= NB; i++) any += atomic_load_explicit(&routes[r].bucket[i], memory_order_relaxed);
        if (!any) continue;
        char labels[160];
        snprintf(labels, sizeof labels, "route=\"%s\",method=\"%s\"", routes[r].name, routes[r].method);
        render_hist(o, "yutang_http_request_duration_seconds", labels, routes[r].bucket,
                    atomic_load_explicit(&routes[r].sum_ns, memory_order_relaxed));
    }
    buf_puts(o, "# HELP yutang_store_query_duration_seconds Store statement latency.\n"
                "# TYPE yutang_store_query_duration_seconds histogram\n");
    render_hist(o, "yutang_store_query_duration_seconds", "", store_bucket,
                atomic_load_explicit(&store_sum_ns, memory_order_relaxed));
    buf_printf(o, "# HELP yutang_store_syncs_total Syncs of the store's write-ahead log, each making a group of commits durable.\n"
                  "# TYPE yutang_store_syncs_total counter\nyutang_store_syncs_total %llu\n"
                  "# HELP yutang_store_synced_commits_total Commits the log's syncs made durable.\n"
                  "# TYPE yutang_store_synced_commits_total counter\nyutang_store_synced_commits_total %llu\n"
                  "# HELP yutang_store_sync_failures_total Syncs of the log that failed (after one, the store makes nothing durable until restarted).\n"
                  "# TYPE yutang_store_sync_failures_total counter\nyutang_store_sync_failures_total %llu\n"
                  "# HELP yutang_store_checkpoints_total Checkpoints that copied the store's log into the database.\n"
                  "# TYPE yutang_store_checkpoints_total counter\nyutang_store_checkpoints_total %llu\n"
                  "# HELP yutang_http_answers_held_total Answers that waited for a sync before they were sent.\n"
                  "# TYPE yutang_http_answers_held_total counter\nyutang_http_answers_held_total %llu\n"
                  "# HELP yutang_flash_groups_total Groups of orders the flash committer took, each written in one transaction.\n"
                  "# TYPE yutang_flash_groups_total counter\nyutang_flash_groups_total %llu\n"
                  "# HELP yutang_flash_group_orders_total Orders those groups held (over the groups: the mean group).\n"
                  "# TYPE yutang_flash_group_orders_total counter\nyutang_flash_group_orders_total %llu\n",
               (unsigned long long)atomic_load(&syncs), (unsigned long long)atomic_load(&synced_commits),
               (unsigned long long)atomic_load(&sync_failures), (unsigned long long)atomic_load(&checkpoints),
               (unsigned long long)atomic_load(&held_answers), (unsigned long long)atomic_load(&flash_groups),
               (unsigned long long)atomic_load(&flash_group_orders));
}
