/* Synthetic customers for the audience benchmark, the same on every run: tags with Zipf popularity, skewed
 * spend and order history. Each customer is drawn from its own fixed-seed stream, so a smaller N is a prefix of
 * a larger one and both outputs below hold the same customers.
 *
 * usage: audience_gen sqlite FILE [N]   a yutang store (store_open + store_migrate, then a bulk load) with
 *                                       stores, staff, 1,000 tags, customers, customer_tags, paid orders, and
 *                                       bench_stats/bench_meta for the SQLite comparison
 *        audience_gen pg [N]            COPY text for bench_customers on stdout (PostgreSQL)
 * N defaults to 10,000,000. Every date is relative to a fixed day (ANCHOR_DAY), which the bench pins as today. */
#include "audience/index.h"
#include "base/timeutil.h"
#include "store/store.h"
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANCHOR_DAY 20787  /* 2026-11-30 (Asia/Shanghai): "today" for the windows (spend_90d, within 90d) */
#define SEED 0x5eed2026a0d1e4ceULL
#define NTAGS 1000
#define MEAN_TAGS 20
#define MAX_TAGS 64
#define MAX_ORDERS 400
#define NSTORES 200
#define NSTAFF 1000
#define ORDER_DAYS 730    /* orders over the last two years */
#define CUSTOMER_DAYS 1095 /* customers created over the last three */
#define TX_ROWS 100000    /* rows per transaction */

/* ---- random numbers: splitmix64, one stream per customer ---- */

typedef struct {
    uint64_t s;
} rng;

static uint64_t rnext(rng *r) {
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double unif(rng *r) { /* (0, 1) */
    return ((double)(rnext(r) >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(rng *r) {
    return sqrt(-2.0 * log(unif(r))) * cos(6.283185307179586 * unif(r));
}

static uint64_t below(rng *r, uint64_t n) {
    return rnext(r) % n;
}

static int poisson(rng *r, double mean) { /* Knuth's product of uniforms; fine for a mean of 20 */
    double limit = exp(-mean), p = 1.0;
    int k = -1;
    do {
        k++;
        p *= unif(r);
    } while (p > limit);
    return k;
}

/* Zipf (s = 1) over n items: cumulative weights, and a draw by binary search (0-based rank). */
static void zipf_cdf(double *cdf, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) cdf[i] = (sum += 1.0 / (i + 1));
    for (int i = 0; i < n; i++) cdf[i] /= sum;
}

static int zipf_draw(rng *r, const double *cdf, int n) {
    double u = unif(r);
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (cdf[mid] < u) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* ---- one customer ---- */

static const char *const cities[] = {"上海", "北京", "杭州", "深圳", "广州", "成都", "南京", "武汉", "苏州", "重庆",
                                     "西安", "天津", "长沙", "郑州", "宁波", "青岛", "厦门", "合肥", "无锡", "昆明",
                                     "福州", "济南", "大连", "沈阳", "东莞", "佛山", "温州", "南昌", "贵阳", "南宁",
                                     "石家庄", "太原", "哈尔滨", "长春", "兰州", "乌鲁木齐", "海口", "呼和浩特", "银川", "西宁"};
#define NCITIES ((int)(sizeof cities / sizeof cities[0]))

typedef struct {
    int64_t at, fen;
    int qty;
} order;

typedef struct {
    int64_t id, created_at, points;
    const char *city, *gender, *consent, *lifecycle;
    int store, owner, member_level; /* owner 0: none */
    int ntags;
    int tags[MAX_TAGS];
    int norders;
    order orders[MAX_ORDERS];
    /* what the index derives from the orders, for the comparisons */
    int64_t spend, spend_90d, orders_90d;
    int32_t last_day;
} customer;

static double tag_cdf[NTAGS], city_cdf[NCITIES], store_cdf[NSTORES];

static int cmp_int(const void *x, const void *y) {
    return *(const int *)x - *(const int *)y;
}

static int cmp_order(const void *x, const void *y) {
    const order *p = x, *q = y;
    return (p->at > q->at) - (p->at < q->at);
}

static void make_customer(int64_t id, customer *c) {
    rng r = {SEED ^ ((uint64_t)id * 0xd1342543de82ef95ULL)};
    rnext(&r);
    c->id = id;
    int32_t created_day = ANCHOR_DAY - (int32_t)below(&r, CUSTOMER_DAYS);
    c->created_at = brand_day_start(created_day) + (int64_t)below(&r, 86400000);
    c->city = cities[zipf_draw(&r, city_cdf, NCITIES)];
    double g = unif(&r);
    c->gender = g < 0.55 ? "female" : g < 0.90 ? "male" : "unknown";
    double k = unif(&r);
    c->consent = k < 0.60 ? "granted" : k < 0.95 ? "unknown" : "withdrawn";
    c->store = 1 + zipf_draw(&r, store_cdf, NSTORES);
    c->owner = unif(&r) < 0.8 ? 1 + (int)below(&r, NSTAFF) : 0;
    double lv = unif(&r);
    c->member_level = lv < 0.5 ? 0 : lv < 0.75 ? 1 : lv < 0.9 ? 2 : lv < 0.97 ? 3 : lv < 0.995 ? 4 : 5;
    c->points = unif(&r) < 0.5 ? 0 : (int64_t)llround(exp(log(800.0) + 1.2 * normal(&r)));

    /* tags: a Poisson number of distinct tags, each drawn by popularity (tag id = Zipf rank) */
    int want = poisson(&r, MEAN_TAGS);
    if (want > MAX_TAGS) want = MAX_TAGS;
    uint64_t seen[(NTAGS + 64) / 64] = {0};
    c->ntags = 0;
    while (c->ntags < want) {
        int t = 1 + zipf_draw(&r, tag_cdf, NTAGS);
        if (seen[t / 64] >> (t % 64) & 1) continue;
        seen[t / 64] |= 1ULL << (t % 64);
        c->tags[c->ntags++] = t;
    }
    qsort(c->tags, (size_t)c->ntags, sizeof c->tags[0], cmp_int);

    /* orders: most customers 0-2, a Pareto tail; amounts log-normal around a per-customer level */
    double u = unif(&r);
    int n = u < 0.60 ? 0 : u < 0.82 ? 1 : u < 0.91 ? 2 : 3 + (int)floor(pow(unif(&r), -1.0 / 1.5) - 1.0);
    if (n > MAX_ORDERS) n = MAX_ORDERS;
    int32_t first = created_day > ANCHOR_DAY - (ORDER_DAYS - 1) ? created_day : ANCHOR_DAY - (ORDER_DAYS - 1);
    double level = log(8000.0) + 0.6 * normal(&r);
    c->norders = n;
    c->spend = c->spend_90d = c->orders_90d = 0;
    c->last_day = -1;
    for (int i = 0; i < n; i++) {
        order *o = &c->orders[i];
        int32_t day = first + (int32_t)below(&r, (uint64_t)(ANCHOR_DAY - first + 1));
        o->at = brand_day_start(day) + (int64_t)below(&r, 86400000);
        o->fen = (int64_t)llround(exp(level + 0.7 * normal(&r)));
        if (o->fen < 100) o->fen = 100;
        o->qty = 1 + (int)below(&r, 3);
        c->spend += o->fen;
        if (day >= ANCHOR_DAY - 89) {
            c->spend_90d += o->fen;
            c->orders_90d++;
        }
        if (day > c->last_day) c->last_day = day;
    }
    qsort(c->orders, (size_t)n, sizeof c->orders[0], cmp_order);
    c->lifecycle = n == 0 ? (unif(&r) < 0.5 ? "stranger" : "weak_tie") : n == 1 ? "customer" : n < 5 ? "repeat_customer"
                   : n < 10 ? "fan" : "iron_fan";
}

/* ---- PostgreSQL: COPY text for bench_customers ---- */

static int write_pg(int64_t n) {
    static char obuf[1 << 20];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    customer *c = malloc(sizeof *c);
    for (int64_t id = 1; id <= n; id++) {
        make_customer(id, c);
        char line[1024], *p = line;
        p += sprintf(p, "%lld\t{", (long long)id);
        for (int i = 0; i < c->ntags; i++) p += sprintf(p, i ? ",%d" : "%d", c->tags[i]);
        p += sprintf(p, "}\t%lld\t%d\t%lld\t%lld\t", (long long)c->spend, c->norders, (long long)c->spend_90d,
                     (long long)c->orders_90d);
        if (c->last_day >= 0) p += sprintf(p, "%d", c->last_day);
        else p += sprintf(p, "\\N");
        p += sprintf(p, "\t%lld\n", (long long)c->points);
        fwrite(line, 1, (size_t)(p - line), stdout);
    }
    free(c);
    return fflush(stdout) == 0 ? 0 : 1;
}

/* ---- SQLite: a yutang store ---- */

static sqlite3 *h;

static void die(const char *what) {
    fprintf(stderr, "audience_gen: %s: %s\n", what, sqlite3_errmsg(h));
    exit(1);
}

static void exec(const char *sql) {
    char *msg = NULL;
    if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "audience_gen: %s: %s\n", sql, msg ? msg : "?");
        exit(1);
    }
}

static sqlite3_stmt *prep(const char *sql) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK) die(sql);
    return s;
}

static void step(sqlite3_stmt *s) {
    if (sqlite3_step(s) != SQLITE_DONE) die(sqlite3_sql(s));
    sqlite3_reset(s);
}

static double secs(int64_t t0) {
    return (double)(now_ms() - t0) / 1000.0;
}

/* The secondary indexes of the tables loaded here: dropped for the load and made again from the same
 * statements after it (building an index from sorted rows is much faster than keeping it during the load). */
#define MAX_INDEXES 16
static char *index_sql[MAX_INDEXES];
static int nindex;

static void drop_indexes(void) {
    sqlite3_stmt *s = prep("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                           " AND tbl_name IN ('customers', 'customer_tags', 'orders')");
    char names[MAX_INDEXES][128];
    while (sqlite3_step(s) == SQLITE_ROW && nindex < MAX_INDEXES) {
        snprintf(names[nindex], sizeof names[nindex], "%s", (const char *)sqlite3_column_text(s, 0));
        index_sql[nindex++] = strdup((const char *)sqlite3_column_text(s, 1));
    }
    sqlite3_finalize(s);
    for (int i = 0; i < nindex; i++) {
        char sql[200];
        snprintf(sql, sizeof sql, "DROP INDEX \"%s\"", names[i]);
        exec(sql);
    }
}

static int write_sqlite(const char *path, int64_t n) {
    int64_t t0 = now_ms();
    char err[256];
    yt_store *st = store_open(path, err, sizeof err);
    if (!st || !store_migrate(store_db(st), err, sizeof err)) {
        fprintf(stderr, "audience_gen: %s: %s\n", path, err);
        return 1;
    }
    store_close(st);
    if (sqlite3_open(path, &h) != SQLITE_OK) die("open");
    /* a bulk load into a new file: no journal, no fsync until the end */
    exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE; PRAGMA foreign_keys=OFF;"
         "PRAGMA cache_size=-1048576; PRAGMA temp_store=FILE; PRAGMA threads=2;");
    drop_indexes();
    exec("CREATE TABLE bench_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;"
         "CREATE TABLE bench_stats(customer_id INTEGER PRIMARY KEY, spend INTEGER NOT NULL, orders INTEGER NOT NULL,"
         "  spend_90d INTEGER NOT NULL, orders_90d INTEGER NOT NULL, last_order_day INTEGER, points INTEGER NOT NULL) STRICT;");
    int64_t created = brand_day_start(ANCHOR_DAY - CUSTOMER_DAYS);
    char sql[512];
    snprintf(sql, sizeof sql, "INSERT INTO bench_meta VALUES ('anchor_day', %d), ('customers', %lld), ('tags', %d)",
             ANCHOR_DAY, (long long)n, NTAGS);
    exec(sql);

    exec("BEGIN");
    sqlite3_stmt *s = prep("INSERT INTO stores(id, name, city, created_at) VALUES (?, ?, ?, ?)");
    for (int i = 1; i <= NSTORES; i++) {
        char name[64];
        snprintf(name, sizeof name, "门店%03d", i);
        sqlite3_bind_int(s, 1, i);
        sqlite3_bind_text(s, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 3, cities[(i - 1) % NCITIES], -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 4, created);
        step(s);
    }
    sqlite3_finalize(s);
    /* guides without a password (they cannot sign in); ids follow whatever the migrations left */
    int64_t staff_base = 0;
    s = prep("SELECT coalesce(max(id), 0) FROM staff");
    if (sqlite3_step(s) == SQLITE_ROW) staff_base = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    s = prep("INSERT INTO staff(id, username, display_name, role, store_id, pw_hash, created_at, updated_at)"
             " VALUES (?, ?, ?, 'guide', ?, '!', ?, ?)");
    for (int i = 1; i <= NSTAFF; i++) {
        char user[64], disp[64];
        snprintf(user, sizeof user, "guide%04d", i);
        snprintf(disp, sizeof disp, "导购%04d", i);
        sqlite3_bind_int64(s, 1, staff_base + i);
        sqlite3_bind_text(s, 2, user, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 3, disp, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 4, 1 + (i - 1) % NSTORES);
        sqlite3_bind_int64(s, 5, created);
        sqlite3_bind_int64(s, 6, created);
        step(s);
    }
    sqlite3_finalize(s);
    s = prep("INSERT INTO tags(id, name, created_at) VALUES (?, ?, ?)");
    for (int i = 1; i <= NTAGS; i++) {
        char name[64];
        snprintf(name, sizeof name, "标签%04d", i);
        sqlite3_bind_int(s, 1, i);
        sqlite3_bind_text(s, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 3, created);
        step(s);
    }
    sqlite3_finalize(s);
    exec("COMMIT");

    sqlite3_stmt *ins_c = prep("INSERT INTO customers(id, name, gender, city, store_id, owner_id, lifecycle, member_level,"
                               " points, consent, consent_at, consent_source, created_at, updated_at)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_stmt *ins_t = prep("INSERT INTO customer_tags(customer_id, tag_id, created_at) VALUES (?, ?, ?)");
    sqlite3_stmt *ins_o = prep("INSERT INTO orders(id, customer_id, platform, external_id, ordered_at, quantity, amount_fen,"
                               " status, created_at) VALUES (?, ?, 'bench', ?, ?, ?, ?, 'paid', ?)");
    sqlite3_stmt *ins_s = prep("INSERT INTO bench_stats VALUES (?, ?, ?, ?, ?, ?, ?)");
    customer *c = malloc(sizeof *c);
    int64_t order_id = 0, tag_rows = 0, in_tx = 0;
    exec("BEGIN");
    for (int64_t id = 1; id <= n; id++) {
        make_customer(id, c);
        char name[32];
        snprintf(name, sizeof name, "客户%08lld", (long long)id);
        sqlite3_bind_int64(ins_c, 1, id);
        sqlite3_bind_text(ins_c, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins_c, 3, c->gender, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_c, 4, c->city, -1, SQLITE_STATIC);
        sqlite3_bind_int(ins_c, 5, c->store);
        if (c->owner) sqlite3_bind_int64(ins_c, 6, staff_base + c->owner);
        else sqlite3_bind_null(ins_c, 6);
        sqlite3_bind_text(ins_c, 7, c->lifecycle, -1, SQLITE_STATIC);
        sqlite3_bind_int(ins_c, 8, c->member_level);
        sqlite3_bind_int64(ins_c, 9, c->points);
        sqlite3_bind_text(ins_c, 10, c->consent, -1, SQLITE_STATIC);
        if (strcmp(c->consent, "unknown") != 0) {
            sqlite3_bind_int64(ins_c, 11, c->created_at);
            sqlite3_bind_text(ins_c, 12, "bench", -1, SQLITE_STATIC);
        } else {
            sqlite3_bind_null(ins_c, 11);
            sqlite3_bind_null(ins_c, 12);
        }
        sqlite3_bind_int64(ins_c, 13, c->created_at);
        sqlite3_bind_int64(ins_c, 14, c->created_at);
        step(ins_c);
        for (int i = 0; i < c->ntags; i++) {
            sqlite3_bind_int64(ins_t, 1, id);
            sqlite3_bind_int(ins_t, 2, c->tags[i]);
            sqlite3_bind_int64(ins_t, 3, c->created_at);
            step(ins_t);
        }
        for (int i = 0; i < c->norders; i++) {
            const order *o = &c->orders[i];
            char ext[32];
            snprintf(ext, sizeof ext, "B%010lld", (long long)++order_id);
            sqlite3_bind_int64(ins_o, 1, order_id);
            sqlite3_bind_int64(ins_o, 2, id);
            sqlite3_bind_text(ins_o, 3, ext, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(ins_o, 4, o->at);
            sqlite3_bind_int(ins_o, 5, o->qty);
            sqlite3_bind_int64(ins_o, 6, o->fen);
            sqlite3_bind_int64(ins_o, 7, o->at);
            step(ins_o);
        }
        sqlite3_bind_int64(ins_s, 1, id);
        sqlite3_bind_int64(ins_s, 2, c->spend);
        sqlite3_bind_int(ins_s, 3, c->norders);
        sqlite3_bind_int64(ins_s, 4, c->spend_90d);
        sqlite3_bind_int64(ins_s, 5, c->orders_90d);
        if (c->last_day >= 0) sqlite3_bind_int(ins_s, 6, c->last_day);
        else sqlite3_bind_null(ins_s, 6);
        sqlite3_bind_int64(ins_s, 7, c->points);
        step(ins_s);
        tag_rows += c->ntags;
        in_tx += 2 + c->ntags + c->norders;
        if (in_tx >= TX_ROWS) {
            exec("COMMIT; BEGIN");
            in_tx = 0;
        }
        if (id % 1000000 == 0) fprintf(stderr, "audience_gen: %lld customers, %.1f s\n", (long long)id, secs(t0));
    }
    exec("COMMIT");
    sqlite3_finalize(ins_c);
    sqlite3_finalize(ins_t);
    sqlite3_finalize(ins_o);
    sqlite3_finalize(ins_s);
    free(c);
    double rows_s = secs(t0);
    int64_t t1 = now_ms();
    for (int i = 0; i < nindex; i++) {
        exec(index_sql[i]);
        free(index_sql[i]);
    }
    double index_s = secs(t1);
    int64_t t2 = now_ms();
    exec("CREATE INDEX bench_stats_spend ON bench_stats(spend);"
         "CREATE INDEX bench_stats_orders ON bench_stats(orders);"
         "CREATE INDEX bench_stats_spend_90d ON bench_stats(spend_90d);"
         "CREATE INDEX bench_stats_last_order_day ON bench_stats(last_order_day);"
         "CREATE INDEX bench_stats_points ON bench_stats(points);");
    double stats_index_s = secs(t2);
    exec("PRAGMA journal_mode=WAL");
    if (sqlite3_close(h) != SQLITE_OK) die("close");
    double total = secs(t0);
    printf("{\"customers\":%lld,\"customer_tags\":%lld,\"orders\":%lld,\"rows_seconds\":%.1f,\"store_index_seconds\":%.1f,"
           "\"bench_stats_index_seconds\":%.1f,\"seconds\":%.1f}\n",
           (long long)n, (long long)tag_rows, (long long)order_id, rows_s, index_s, stats_index_s, total);
    return 0;
}

int main(int argc, char **argv) {
    bool pg = argc >= 2 && strcmp(argv[1], "pg") == 0, sq = argc >= 3 && strcmp(argv[1], "sqlite") == 0;
    if (!pg && !sq) {
        fprintf(stderr, "usage: audience_gen sqlite FILE [N] | audience_gen pg [N]\n");
        return 2;
    }
    const char *narg = pg ? (argc >= 3 ? argv[2] : NULL) : (argc >= 4 ? argv[3] : NULL);
    int64_t n = narg ? atoll(narg) : 10000000;
    if (n <= 0 || n > 100000000) {
        fprintf(stderr, "audience_gen: N must be 1..100000000\n");
        return 2;
    }
    zipf_cdf(tag_cdf, NTAGS);
    zipf_cdf(city_cdf, NCITIES);
    zipf_cdf(store_cdf, NSTORES);
    return pg ? write_pg(n) : write_sqlite(argv[2], n);
}
