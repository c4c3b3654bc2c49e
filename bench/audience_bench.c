/* Audience index benchmark: build time and resident memory of the index over a store made by audience_gen,
 * then five-clause segments counted on the index, on PostgreSQL (bench_customers: tags int[] with GIN, numeric
 * columns with B-trees) and on SQLite (the store's customer_tags with its (tag_id, customer_id) index, and
 * bench_stats with B-trees), with the counts checked equal across the three.
 *
 * usage: audience_bench STORE [PG_URL]
 * env:   AUDIENCE_REPS (index repetitions per segment, default 300), AUDIENCE_PG_REPS (default 10),
 *        AUDIENCE_SQLITE_REPS (default 5; 0 skips SQLite), AUDIENCE_PROFILE=1 (also time the build's four store
 *        queries alone, and each condition of each segment alone on the index), AUDIENCE_ONLY=q2 (only the
 *        segments whose name starts so, on the index alone: give no PG_URL and AUDIENCE_SQLITE_REPS=0)
 * Prints a table on stderr and one JSON line per figure on stdout; exits 1 when the counts differ. */
#include "audience/index.h"
#include "audience/segment.h"
#include "base/arena.h"
#include "base/timeutil.h"
#include "store/store.h"
#include <libpq-fe.h>
#include <malloc.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One question in the three forms. In the SQL, {T} is the pinned today (a day number), {T90} and {T365} the
 * first day of the 90- and 365-day windows. SQLite gets two formulations; the faster one counts. */
typedef struct {
    const char *name, *segment, *pg, *sqlite_exists, *sqlite_compound;
} question;

#define TAGS_HAVE(t) "EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = s.customer_id AND t.tag_id " t ")"

static const question questions[] = {
    {"q1_two_tags_spend90_orders_not_tag",
     "tag = \"标签0003\" and tag = \"标签0017\" and spend_90d >= 30000 and orders >= 2 and not tag = \"标签0001\"",
     "SELECT count(*) FROM bench_customers WHERE tags @> ARRAY[3,17] AND NOT tags @> ARRAY[1]"
     " AND spend_90d >= 30000 AND orders >= 2",
     "SELECT count(*) FROM bench_stats s WHERE s.spend_90d >= 30000 AND s.orders >= 2"
     " AND " TAGS_HAVE("= 3") " AND " TAGS_HAVE("= 17") " AND NOT " TAGS_HAVE("= 1"),
     "SELECT count(*) FROM (SELECT customer_id FROM customer_tags WHERE tag_id = 17"
     " INTERSECT SELECT customer_id FROM customer_tags WHERE tag_id = 3"
     " INTERSECT SELECT customer_id FROM bench_stats WHERE spend_90d >= 30000 AND orders >= 2"
     " EXCEPT SELECT customer_id FROM customer_tags WHERE tag_id = 1)"},
    {"q2_tag_or_tag_spend_between_last_order_90d_not_tag",
     "(tag = \"标签0002\" or tag = \"标签0040\") and spend between 10000 and 200000 and last_order within 90d"
     " and not tag = \"标签0005\"",
     "SELECT count(*) FROM bench_customers WHERE tags && ARRAY[2,40] AND spend BETWEEN 10000 AND 200000"
     " AND last_order_day BETWEEN {T90} AND {T} AND NOT tags @> ARRAY[5]",
     "SELECT count(*) FROM bench_stats s WHERE s.spend BETWEEN 10000 AND 200000 AND s.last_order_day BETWEEN {T90} AND {T}"
     " AND " TAGS_HAVE("IN (2, 40)") " AND NOT " TAGS_HAVE("= 5"),
     "SELECT count(*) FROM (SELECT customer_id FROM customer_tags WHERE tag_id IN (2, 40)"
     " INTERSECT SELECT customer_id FROM bench_stats WHERE spend BETWEEN 10000 AND 200000"
     "  AND last_order_day BETWEEN {T90} AND {T}"
     " EXCEPT SELECT customer_id FROM customer_tags WHERE tag_id = 5)"},
    {"q3_two_tags_orders_between_points_spend90_below",
     "tag = \"标签0010\" and tag = \"标签0100\" and orders between 1 and 3 and points >= 1000 and spend_90d < 50000",
     "SELECT count(*) FROM bench_customers WHERE tags @> ARRAY[10,100] AND orders BETWEEN 1 AND 3"
     " AND points >= 1000 AND spend_90d < 50000",
     "SELECT count(*) FROM bench_stats s WHERE s.orders BETWEEN 1 AND 3 AND s.points >= 1000 AND s.spend_90d < 50000"
     " AND " TAGS_HAVE("= 10") " AND " TAGS_HAVE("= 100"),
     "SELECT count(*) FROM (SELECT customer_id FROM customer_tags WHERE tag_id = 100"
     " INTERSECT SELECT customer_id FROM customer_tags WHERE tag_id = 10"
     " INTERSECT SELECT customer_id FROM bench_stats WHERE orders BETWEEN 1 AND 3 AND points >= 1000"
     "  AND spend_90d < 50000)"},
    {"q4_popular_tags_orders_spend_not_tag",
     "tag = \"标签0001\" and tag = \"标签0002\" and orders >= 1 and spend >= 5000 and not tag = \"标签0003\"",
     "SELECT count(*) FROM bench_customers WHERE tags @> ARRAY[1,2] AND NOT tags @> ARRAY[3]"
     " AND orders >= 1 AND spend >= 5000",
     "SELECT count(*) FROM bench_stats s WHERE s.orders >= 1 AND s.spend >= 5000"
     " AND " TAGS_HAVE("= 1") " AND " TAGS_HAVE("= 2") " AND NOT " TAGS_HAVE("= 3"),
     "SELECT count(*) FROM (SELECT customer_id FROM customer_tags WHERE tag_id = 2"
     " INTERSECT SELECT customer_id FROM customer_tags WHERE tag_id = 1"
     " INTERSECT SELECT customer_id FROM bench_stats WHERE orders >= 1 AND spend >= 5000"
     " EXCEPT SELECT customer_id FROM customer_tags WHERE tag_id = 3)"},
    {"q5_rare_tag_or_tag_last_order_365d_spend90_orders",
     "(tag = \"标签0500\" or tag = \"标签0900\") and last_order within 365d and spend_90d >= 10000 and orders >= 3",
     "SELECT count(*) FROM bench_customers WHERE tags && ARRAY[500,900] AND last_order_day BETWEEN {T365} AND {T}"
     " AND spend_90d >= 10000 AND orders >= 3",
     "SELECT count(*) FROM bench_stats s WHERE s.last_order_day BETWEEN {T365} AND {T} AND s.spend_90d >= 10000"
     " AND s.orders >= 3 AND " TAGS_HAVE("IN (500, 900)"),
     "SELECT count(*) FROM (SELECT customer_id FROM customer_tags WHERE tag_id IN (500, 900)"
     " INTERSECT SELECT customer_id FROM bench_stats WHERE last_order_day BETWEEN {T365} AND {T}"
     "  AND spend_90d >= 10000 AND orders >= 3)"},
};
#define NQ ((int)(sizeof questions / sizeof questions[0]))

static int env_int(const char *name, int dflt) {
    const char *v = getenv(name);
    return v && *v && atoi(v) >= 0 ? atoi(v) : dflt;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void) { /* this thread's CPU time: what the wall time would be on an idle machine */
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long long rss_bytes(void) {
    long long size = 0, res = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%lld %lld", &size, &res) != 2) res = 0;
        fclose(f);
    }
    return res * sysconf(_SC_PAGESIZE);
}

static long long status_kb(const char *key) { /* VmHWM and the like, in kB */
    char line[256];
    long long v = 0;
    size_t k = strlen(key);
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, k) == 0 && line[k] == ':') v = atoll(line + k + 1);
    fclose(f);
    return v;
}

static int cmp_double(const void *x, const void *y) {
    double p = *(const double *)x, q = *(const double *)y;
    return (p > q) - (p < q);
}

/* The value at quantile q of n sorted samples (nearest rank). */
static double quantile(double *v, int n, double q) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int i = (int)(q * n + 0.999999) - 1;
    if (i < 0) i = 0;
    if (i >= n) i = n - 1;
    return v[i];
}

/* The SQL with {T}, {T90} and {T365} replaced by days. */
static void fill(char *out, size_t sz, const char *sql, int today) {
    size_t o = 0;
    while (*sql && o + 16 < sz) {
        int day = -1;
        size_t skip = 0;
        if (strncmp(sql, "{T}", 3) == 0) day = today, skip = 3;
        else if (strncmp(sql, "{T90}", 5) == 0) day = today - 89, skip = 5;
        else if (strncmp(sql, "{T365}", 6) == 0) day = today - 364, skip = 6;
        if (skip) {
            o += (size_t)snprintf(out + o, sz - o, "%d", day);
            sql += skip;
        } else {
            out[o++] = *sql++;
        }
    }
    out[o] = '\0';
}

typedef struct {
    long long count;
    double p50, p99, min, cpu_p50, cpu_p99; /* ms; cpu_*: the index only */
    int reps;
} timing;

static timing index_q(audience *a, yt_db *db, const question *q, int reps) {
    timing t = {.count = -1, .reps = reps};
    double *ms = malloc((size_t)reps * sizeof *ms), *cpu = malloc((size_t)reps * sizeof *cpu);
    for (int i = -3; i < reps; i++) { /* three unrecorded warm-up rounds */
        yt_arena arena = {0};
        yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
        seg_error err;
        audience_result res;
        double t0 = now_s(), c0 = cpu_s();
        seg_node *n = seg_parse_text(q->segment, &arena, &err);
        if (!n) {
            fprintf(stderr, "audience_bench: %s: %s at %d\n", q->name, err.msg, err.pos);
            exit(1);
        }
        int rc = audience_eval(a, &x, n, &res, &err);
        if (rc != YT_OK) {
            fprintf(stderr, "audience_bench: %s: evaluation failed (%d): %s\n", q->name, rc, err.msg);
            exit(1);
        }
        long long c = (long long)roaring_bitmap_get_cardinality(res.members);
        double dt = (now_s() - t0) * 1000.0, dc = (cpu_s() - c0) * 1000.0;
        if (res.nunknown) {
            fprintf(stderr, "audience_bench: %s: unknown name %s\n", q->name, res.unknown[0]);
            exit(1);
        }
        audience_result_free(&res);
        arena_free(&arena);
        if (t.count >= 0 && c != t.count) {
            fprintf(stderr, "audience_bench: %s: the index counted %lld, then %lld\n", q->name, t.count, c);
            exit(1);
        }
        t.count = c;
        if (i >= 0) ms[i] = dt, cpu[i] = dc;
    }
    t.p50 = quantile(ms, reps, 0.50);
    t.p99 = quantile(ms, reps, 0.99);
    t.min = ms[0];
    t.cpu_p50 = quantile(cpu, reps, 0.50);
    t.cpu_p99 = quantile(cpu, reps, 0.99);
    free(ms);
    free(cpu);
    return t;
}

static timing pg_q(PGconn *pg, const char *sql, int reps) {
    timing t = {.count = -1, .reps = reps};
    double *ms = malloc((size_t)reps * sizeof *ms);
    for (int i = -1; i < reps; i++) { /* one unrecorded warm-up */
        double t0 = now_s();
        PGresult *r = PQexec(pg, sql);
        double dt = (now_s() - t0) * 1000.0;
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            fprintf(stderr, "audience_bench: PostgreSQL: %s\n%s\n", PQerrorMessage(pg), sql);
            exit(1);
        }
        t.count = atoll(PQgetvalue(r, 0, 0));
        PQclear(r);
        if (i >= 0) ms[i] = dt;
    }
    t.p50 = quantile(ms, reps, 0.50);
    t.p99 = quantile(ms, reps, 0.99);
    t.min = ms[0];
    free(ms);
    return t;
}

static timing sqlite_q(sqlite3 *h, const char *sql, int reps) {
    timing t = {.count = -1, .reps = reps};
    double *ms = malloc((size_t)reps * sizeof *ms);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "audience_bench: SQLite: %s\n%s\n", sqlite3_errmsg(h), sql);
        exit(1);
    }
    for (int i = -1; i < reps; i++) {
        double t0 = now_s();
        if (sqlite3_step(s) != SQLITE_ROW) {
            fprintf(stderr, "audience_bench: SQLite: %s\n%s\n", sqlite3_errmsg(h), sql);
            exit(1);
        }
        t.count = sqlite3_column_int64(s, 0);
        sqlite3_reset(s);
        double dt = (now_s() - t0) * 1000.0;
        if (i >= 0) ms[i] = dt;
    }
    sqlite3_finalize(s);
    t.p50 = quantile(ms, reps, 0.50);
    t.p99 = quantile(ms, reps, 0.99);
    t.min = ms[0];
    free(ms);
    return t;
}

/* With AUDIENCE_PROFILE: each condition of a segment (and each `not`) counted alone on the index, to see
 * which step of an evaluation takes the time. */
static double eval_p50(audience *a, yt_db *db, const char *text, int reps, long long *count) {
    double *ms = malloc((size_t)reps * sizeof *ms);
    for (int i = 0; i < reps; i++) {
        yt_arena arena = {0};
        yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
        seg_error err;
        audience_result res;
        double t0 = now_s();
        seg_node *n = seg_parse_text(text, &arena, &err);
        if (!n || audience_eval(a, &x, n, &res, &err) != YT_OK) {
            fprintf(stderr, "audience_bench: %s: %s\n", text, err.msg);
            exit(1);
        }
        *count = (long long)roaring_bitmap_get_cardinality(res.members);
        ms[i] = (now_s() - t0) * 1000.0;
        audience_result_free(&res);
        arena_free(&arena);
    }
    double p50 = quantile(ms, reps, 0.5);
    free(ms);
    return p50;
}

static void profile_conditions(audience *a, yt_db *db, const seg_node *n) {
    if (n->kind == SEG_AND || n->kind == SEG_OR) {
        profile_conditions(a, db, n->a);
        profile_conditions(a, db, n->b);
        return;
    }
    yt_buf text = YT_BUF_INIT;
    seg_write_text(n, &text);
    buf_putc(&text, '\0');
    long long count;
    double p50 = eval_p50(a, db, text.p, 50, &count);
    fprintf(stderr, "    alone: %-44s %9lld customers  p50 %7.3f ms\n", text.p, count, p50);
    buf_free(&text);
    if (n->kind == SEG_NOT) profile_conditions(a, db, n->a);
}

/* The build's store queries alone (copies of the bulk statements in src/audience/index.c: keep them alike),
 * read row by row through the store layer without touching the index, to see where a build's time goes. */
static void profile_build_queries(yt_db *db, int today) {
    static const struct {
        const char *what, *sql;
        int ncols, nparams;
    } qs[] = {
        {"customers", "SELECT id, store_id, owner_id, city, gender, consent, lifecycle, member_level, points, created_at,"
                      " lifecycle_pinned FROM customers WHERE merged_into IS NULL AND erased_at IS NULL ORDER BY id", 11, 0},
        {"customer_tags", "SELECT customer_id, tag_id FROM customer_tags", 2, 0},
        {"orders", "SELECT customer_id, count(*), sum(amount_fen),"
                   " sum(CASE WHEN ordered_at >= ? THEN amount_fen ELSE 0 END),"
                   " sum(CASE WHEN ordered_at >= ? THEN amount_fen ELSE 0 END),"
                   " sum(CASE WHEN ordered_at >= ? THEN amount_fen ELSE 0 END),"
                   " sum(CASE WHEN ordered_at >= ? THEN 1 ELSE 0 END),"
                   " sum(CASE WHEN ordered_at >= ? THEN 1 ELSE 0 END),"
                   " sum(CASE WHEN ordered_at >= ? THEN 1 ELSE 0 END),"
                   " min(ordered_at), max(ordered_at) FROM orders WHERE status = 'paid'"
                   " GROUP BY customer_id ORDER BY customer_id", 11, 6},
        {"events", "SELECT customer_id, max(at) FROM events GROUP BY customer_id ORDER BY customer_id", 2, 0},
    };
    static const int windows[] = {30, 90, 365};
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        yt_param p[6];
        for (int i = 0; i < 6; i++) p[i] = PI(brand_day_start(today - windows[i % 3] + 1));
        char plan[512] = "", eqp[2048];
        snprintf(eqp, sizeof eqp, "EXPLAIN QUERY PLAN %s", qs[k].sql);
        yt_rows *r = db_query(db, eqp, qs[k].nparams, p);
        while (r && rows_next(r))
            snprintf(plan + strlen(plan), sizeof plan - strlen(plan), "%s%s", plan[0] ? "; " : "", rows_text(r, 3));
        if (r) rows_free(r);
        double t0 = now_s();
        long long rows = 0, sum = 0;
        r = db_query(db, qs[k].sql, qs[k].nparams, p);
        while (r && rows_next(r)) {
            rows++;
            for (int c = 0; c < qs[k].ncols; c++) sum += c >= 3 && c <= 6 && k == 0 ? (long long)strlen(rows_text(r, c)) : rows_int(r, c);
        }
        if (r) rows_free(r);
        double s = now_s() - t0;
        fprintf(stderr, "  build query alone: %-14s %11lld rows %7.2f s  plan: %s\n", qs[k].what, rows, s, plan);
        printf("{\"bench\":\"audience_build_query\",\"query\":\"%s\",\"rows\":%lld,\"seconds\":%.3f,\"checksum\":%lld}\n",
               qs[k].what, rows, s, sum);
    }
}

int main(int argc, char **argv) {
    mallopt(M_TRIM_THRESHOLD, 256 << 20); /* as yutang serve does */
    mallopt(M_TOP_PAD, 16 << 20);
    if (argc < 2) {
        fprintf(stderr, "usage: audience_bench STORE [PG_URL]\n");
        return 2;
    }
    int reps = env_int("AUDIENCE_REPS", 300), pg_reps = env_int("AUDIENCE_PG_REPS", 10),
        sq_reps = env_int("AUDIENCE_SQLITE_REPS", 5);
    if (reps < 1) reps = 1;
    if (pg_reps < 1) pg_reps = 1;
    char err[256];
    yt_store *st = store_open(argv[1], err, sizeof err);
    if (!st) {
        fprintf(stderr, "audience_bench: %s\n", err);
        return 1;
    }
    yt_db *db = store_db(st);
    if (!store_migrate(db, err, sizeof err)) { /* as yutang does at start: a store made by an older build is brought up to date */
        fprintf(stderr, "audience_bench: %s\n", err);
        return 1;
    }
    int today = (int)db_query_int(db, "SELECT value FROM bench_meta WHERE key = 'anchor_day'", 0, NULL, -1);
    long long n = db_query_int(db, "SELECT value FROM bench_meta WHERE key = 'customers'", 0, NULL, -1);
    if (today < 0 || n < 0) {
        fprintf(stderr, "audience_bench: %s has no bench_meta (make it with audience_gen)\n", argv[1]);
        return 1;
    }
    db_query_int(db, "SELECT count(*) FROM tags", 0, NULL, 0); /* the connection's own memory before the build */

    /* the build */
    char loadavg[64] = "?";
    FILE *lf = fopen("/proc/loadavg", "r");
    if (lf) {
        if (!fgets(loadavg, sizeof loadavg, lf)) snprintf(loadavg, sizeof loadavg, "?");
        loadavg[strcspn(loadavg, "\n")] = '\0';
        fclose(lf);
    }
    malloc_trim(0);
    long long rss0 = rss_bytes(), sqlite0 = sqlite3_memory_used();
    audience *a = audience_new();
    audience_set_today(a, today);
    double t0 = now_s(), c0 = cpu_s();
    if (audience_build(a, db) != 0) {
        fprintf(stderr, "audience_bench: the build failed\n");
        return 1;
    }
    double build_s = now_s() - t0, build_cpu_s = cpu_s() - c0;
    long long rss1 = rss_bytes(), hwm = status_kb("VmHWM") * 1024, sqlite1 = sqlite3_memory_used();
    malloc_trim(0);
    long long rss2 = rss_bytes();
    audience_stats as;
    audience_get_stats(a, &as);
    fprintf(stderr, "audience index: %llu customers, built in %.2f s (CPU time %.2f s; load average before: %s)\n",
            (unsigned long long)as.customers, build_s, build_cpu_s, loadavg);
    fprintf(stderr, "  resident memory growth %.1f MB = %.1f bytes/customer (after malloc_trim: %.1f bytes/customer;"
                    " process peak %.1f MB)\n",
            (rss1 - rss0) / 1e6, (double)(rss1 - rss0) / (double)as.customers, (double)(rss2 - rss0) / (double)as.customers,
            hwm / 1e6);
    fprintf(stderr, "  of which SQLite's own memory (its page cache) %.1f MB; growth without it %.1f bytes/customer\n",
            (sqlite1 - sqlite0) / 1e6, (double)(rss1 - rss0 - (sqlite1 - sqlite0)) / (double)as.customers);
    fprintf(stderr, "  audience_get_stats bytes %.1f MB = %.1f bytes/customer\n", as.bytes / 1e6,
            (double)as.bytes / (double)as.customers);
    printf("{\"bench\":\"audience_build\",\"customers\":%llu,\"seconds\":%.3f,\"cpu_seconds\":%.3f,\"rss_growth_bytes\":%lld,"
           "\"rss_bytes_per_customer\":%.1f,\"rss_bytes_per_customer_after_trim\":%.1f,\"stats_bytes\":%llu,"
           "\"stats_bytes_per_customer\":%.1f,\"peak_rss_bytes\":%lld,\"sqlite_memory_growth_bytes\":%lld}\n",
           (unsigned long long)as.customers, build_s, build_cpu_s, rss1 - rss0, (double)(rss1 - rss0) / (double)as.customers,
           (double)(rss2 - rss0) / (double)as.customers, (unsigned long long)as.bytes,
           (double)as.bytes / (double)as.customers, hwm, sqlite1 - sqlite0);
    if (getenv("AUDIENCE_PROFILE")) profile_build_queries(db, today);

    /* the index */
    timing ix[NQ], pq[NQ], sq[NQ], sqe[NQ], sqc[NQ];
    const char *only = getenv("AUDIENCE_ONLY"); /* a question name's start: only that one on the index */
    for (int i = 0; i < NQ; i++) {
        if (only && *only && strncmp(questions[i].name, only, strlen(only)) != 0) {
            ix[i] = (timing){.count = -1};
            continue;
        }
        ix[i] = index_q(a, db, &questions[i], reps);
        fprintf(stderr, "index   %-52s count %9lld  p50 %8.3f ms  p99 %8.3f ms  (%d runs; CPU time p50 %.3f ms, p99 %.3f ms)\n",
                questions[i].name, ix[i].count, ix[i].p50, ix[i].p99, reps, ix[i].cpu_p50, ix[i].cpu_p99);
        if (getenv("AUDIENCE_PROFILE")) {
            yt_arena arena = {0};
            seg_error perr;
            profile_conditions(a, db, seg_parse_text(questions[i].segment, &arena, &perr));
            arena_free(&arena);
        }
    }

    /* PostgreSQL */
    bool have_pg = argc >= 3 && argv[2][0], have_sq = sq_reps > 0;
    if (have_pg) {
        PGconn *pg = PQconnectdb(argv[2]);
        if (PQstatus(pg) != CONNECTION_OK) {
            fprintf(stderr, "audience_bench: PostgreSQL: %s\n", PQerrorMessage(pg));
            return 1;
        }
        PGresult *r = PQexec(pg, "SELECT count(*) FROM bench_customers");
        long long pg_n = PQresultStatus(r) == PGRES_TUPLES_OK ? atoll(PQgetvalue(r, 0, 0)) : -1;
        PQclear(r);
        if (pg_n != n) {
            fprintf(stderr, "audience_bench: PostgreSQL holds %lld customers, the store %lld\n", pg_n, n);
            return 1;
        }
        for (int i = 0; i < NQ; i++) {
            char sql[2048];
            fill(sql, sizeof sql, questions[i].pg, today);
            pq[i] = pg_q(pg, sql, pg_reps);
            fprintf(stderr, "pg      %-52s count %9lld  p50 %8.1f ms  p99 %8.1f ms  (%d runs)\n", questions[i].name,
                    pq[i].count, pq[i].p50, pq[i].p99, pg_reps);
        }
        PQfinish(pg);
    }

    /* SQLite: its own read-only connection with a 1 GiB page cache and the file memory-mapped */
    if (have_sq) {
        sqlite3 *h;
        if (sqlite3_open_v2(argv[1], &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
            fprintf(stderr, "audience_bench: SQLite: %s\n", sqlite3_errmsg(h));
            return 1;
        }
        sqlite3_exec(h, "PRAGMA cache_size=-1048576; PRAGMA mmap_size=17179869184; PRAGMA temp_store=MEMORY;", NULL, NULL,
                     NULL);
        for (int i = 0; i < NQ; i++) {
            char sql[2048];
            fill(sql, sizeof sql, questions[i].sqlite_exists, today);
            sqe[i] = sqlite_q(h, sql, sq_reps);
            fill(sql, sizeof sql, questions[i].sqlite_compound, today);
            sqc[i] = sqlite_q(h, sql, sq_reps);
            sq[i] = sqe[i].p50 <= sqc[i].p50 ? sqe[i] : sqc[i];
            fprintf(stderr, "sqlite  %-52s count %9lld  p50 %8.1f ms  p99 %8.1f ms  (EXISTS p50 %.1f ms, INTERSECT p50"
                            " %.1f ms; %d runs each)\n",
                    questions[i].name, sq[i].count, sq[i].p50, sq[i].p99, sqe[i].p50, sqc[i].p50, sq_reps);
        }
        sqlite3_close(h);
    }

    /* the same answers everywhere, then the figures */
    int bad = 0;
    fprintf(stderr, "\n%-52s %9s %9s %9s %10s %10s %9s %9s\n", "segment", "count", "index p50", "index p99", "pg p50",
            "sqlite p50", "x pg", "x sqlite");
    for (int i = 0; i < NQ; i++) {
        bool differ = (have_pg && pq[i].count != ix[i].count) ||
                      (have_sq && (sqe[i].count != ix[i].count || sqc[i].count != ix[i].count));
        if (differ) {
            fprintf(stderr, "COUNTS DIFFER for %s: index %lld, PostgreSQL %lld, SQLite %lld / %lld\n", questions[i].name,
                    ix[i].count, have_pg ? pq[i].count : -1, have_sq ? sqe[i].count : -1, have_sq ? sqc[i].count : -1);
            bad = 1;
        }
        double xpg = have_pg ? pq[i].p50 / ix[i].p50 : 0, xsq = have_sq ? sq[i].p50 / ix[i].p50 : 0;
        fprintf(stderr, "%-52s %9lld %7.3f ms %7.3f ms %7.1f ms %8.1f ms %8.0fx %8.0fx\n", questions[i].name, ix[i].count,
                ix[i].p50, ix[i].p99, have_pg ? pq[i].p50 : 0, have_sq ? sq[i].p50 : 0, xpg, xsq);
        printf("{\"bench\":\"audience_segment\",\"segment\":\"%s\",\"count\":%lld,\"index_p50_ms\":%.3f,"
               "\"index_p99_ms\":%.3f,\"index_cpu_p50_ms\":%.3f,\"index_cpu_p99_ms\":%.3f,\"index_runs\":%d,",
               questions[i].name, ix[i].count, ix[i].p50, ix[i].p99, ix[i].cpu_p50, ix[i].cpu_p99, reps);
        if (have_pg)
            printf("\"pg_count\":%lld,\"pg_p50_ms\":%.1f,\"pg_p99_ms\":%.1f,\"pg_runs\":%d,\"ratio_pg\":%.0f,", pq[i].count,
                   pq[i].p50, pq[i].p99, pg_reps, xpg);
        if (have_sq)
            printf("\"sqlite_count\":%lld,\"sqlite_p50_ms\":%.1f,\"sqlite_form\":\"%s\",\"sqlite_exists_p50_ms\":%.1f,"
                   "\"sqlite_intersect_p50_ms\":%.1f,\"sqlite_runs\":%d,\"ratio_sqlite\":%.0f,",
                   sq[i].count, sq[i].p50, sqe[i].p50 <= sqc[i].p50 ? "exists" : "intersect", sqe[i].p50, sqc[i].p50,
                   sq_reps, xsq);
        printf("\"counts_equal\":%s}\n", differ ? "false" : "true");
    }
    audience_free(a);
    store_close(st);
    if (bad) fprintf(stderr, "audience_bench: FAILED: the three stores do not give the same counts\n");
    return bad;
}
