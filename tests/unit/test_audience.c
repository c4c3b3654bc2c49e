/* The audience index answers every segment as a straightforward SQL evaluation of it on the store does:
 * random segments on random data (paid memberships too), after the build and after writes followed from the change feed
 * (SQLite; PostgreSQL too when YT_TEST_PG_URL is set). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audience/index_internal.h"
#include <math.h>
#include "audience/segment.h"
#include "base/buf.h"
#include "base/timeutil.h"
#include "customer/customer.h"
#include "domain/changes.h"
#include "event/event.h"
#include "loyalty/membership.h"
#include "store_fixture.h"

#define TODAY 20600 /* 2026-05-26 */
#define NCUSTOMERS 400

static uint64_t seed;
static uint64_t rnd(void) { /* splitmix64 */
    uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static int pick(int n) { return (int)(rnd() % (uint64_t)n); }

static const char *const tag_names[] = {"宝妈", "会员福利群", "高价值", "沉睡", "美妆", "有宠物", "学生", "新客", "复购", "VIP"};
static const char *const cities[] = {"杭州", "上海", "北京", "广州", "成都"};
static const char *const store_names[] = {"杭州西湖店", "上海静安店", "北京三里屯店"};
static const char *const genders[] = {"male", "female", "unknown"};
static const char *const stages[] = {"stranger", "weak_tie", "customer", "repeat_customer", "fan"};
static const char *const event_types[] = {"page_viewed", "coupon_redeemed"};
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int64_t day_ms(int day) { return brand_day_start(day); }

static void exec_ok(yt_db *db, const char *sql, int n, const yt_param *p) {
    if (db_exec(db, sql, n, p) < 0) fail_msg("%s: %s", sql, db_error(db));
}

static int64_t guide_id;

/* A paid period (its order too) for customer c at level, from starts to ends; ends == starts: refunded before it began. */
static void add_period(yt_db *db, int64_t c, int level, int64_t starts, int64_t ends) {
    yt_param o[] = {PI(c), PI(starts)};
    exec_ok(db, "INSERT INTO mall_orders(customer_id, kind, activity_id, sku_id, quantity, unit_price, total, status, created_at)"
                " VALUES(?, 'membership', (SELECT MAX(id) FROM member_plans), 0, 1, 100, 100, 'completed', ?)", 2, o);
    yt_param m[] = {PI(c), PI(level), PI(starts), PI(ends), ends == starts ? PI(ends) : PNULL, PI(starts)};
    exec_ok(db, "INSERT INTO memberships(customer_id, plan_id, order_id, level, days, starts_at, ends_at, ended_at, created_at)"
                " VALUES(?, (SELECT MAX(id) FROM member_plans), (SELECT MAX(id) FROM mall_orders), ?, 30, ?, ?, ?, ?)", 6, m);
}

/* Random customers, tags, orders (some refunded) and events, a few merged away or erased. */
static void fill(yt_db *db) {
    int64_t now = day_ms(TODAY);
    assert_int_equal(db_begin(db), 0);
    for (int i = 0; i < N(store_names); i++) {
        yt_param p[] = {PT(store_names[i]), PI(now)};
        exec_ok(db, "INSERT INTO stores(name, city, created_at) VALUES(?, '', ?)", 2, p);
    }
    for (int i = 0; i < 2; i++) {
        char u[32];
        snprintf(u, sizeof u, "guide%d", i + 1);
        yt_param p[] = {PT(u), PI(now), PI(now)};
        exec_ok(db, "INSERT INTO staff(username, display_name, role, pw_hash, created_at, updated_at) VALUES(?, 'g', 'guide', 'x', ?, ?)", 3, p);
    }
    yt_param gp[] = {PT("guide1")};
    guide_id = db_query_int(db, "SELECT id FROM staff WHERE username = ?", 1, gp, 0);
    for (int i = 0; i < N(tag_names); i++) {
        yt_param p[] = {PT(tag_names[i]), PI(now)};
        exec_ok(db, "INSERT INTO tags(name, created_at) VALUES(?, ?)", 2, p);
    }
    for (int c = 1; c <= NCUSTOMERS; c++) {
        int64_t created = day_ms(TODAY - pick(700)) + pick(86400000);
        yt_param p[] = {PI(c), PT(genders[pick(3)]), PT(pick(8) ? cities[pick(N(cities))] : ""),
                        pick(5) ? PI(1 + pick(3)) : PNULL, pick(3) ? PI(guide_id + pick(2)) : PNULL,
                        PT(stages[pick(N(stages))]), PI(pick(4)), PI(pick(600)), PI(created), PI(created)};
        exec_ok(db,
                "INSERT INTO customers(id, gender, city, store_id, owner_id, lifecycle, member_level, points, created_at,"
                " updated_at) VALUES(?,?,?,?,?,?,?,?,?,?)",
                10, p);
        for (int t = 1; t <= N(tag_names); t++)
            if (pick(100) < 25 + t * 3) {
                yt_param q[] = {PI(c), PI(t), PI(now)};
                exec_ok(db, "INSERT INTO customer_tags(customer_id, tag_id, created_at) VALUES(?,?,?)", 3, q);
            }
        int norders = pick(4) == 0 ? 0 : pick(7);
        for (int o = 0; o < norders; o++) {
            char ext[32];
            snprintf(ext, sizeof ext, "o%d-%d", c, o);
            yt_param q[] = {PI(c), PT(ext), PI(day_ms(TODAY - pick(500)) + pick(86400000)), PI(pick(25) ? 100 + pick(50000) : 0),
                            PT(pick(10) ? "paid" : "refunded"), PI(now)};
            exec_ok(db,
                    "INSERT INTO orders(customer_id, platform, external_id, ordered_at, quantity, amount_fen, status, created_at)"
                    " VALUES(?, 'test', ?, ?, 1, ?, ?, ?)",
                    6, q);
        }
        int nevents = pick(6);
        for (int e = 0; e < nevents; e++) {
            yt_param q[] = {PI(c), PT(event_types[pick(2)]), PI(day_ms(TODAY - pick(60)) + pick(86400000)), PI(now)};
            exec_ok(db, "INSERT INTO events(customer_id, type, at, created_at) VALUES(?,?,?,?)", 4, q);
        }
    }
    /* paid periods for a quarter of them: chains of one to three, at random levels, around the real now (so
     * some are held now) or around TODAY (long over); now and then one refunded before it began */
    yt_param pl[] = {PI(now), PI(now)};
    exec_ok(db, "INSERT INTO member_plans(name, price, days, level, created_at, updated_at) VALUES('卡', 100, 30, 1, ?, ?)", 2, pl);
    int64_t real_now = now_ms();
    for (int c = 1; c <= NCUSTOMERS; c++) {
        if (pick(4)) continue;
        int64_t at = (pick(2) ? real_now : now) - pick(60) * 86400000LL - pick(86400000);
        for (int k = 1 + pick(3); k > 0; k--) {
            int64_t len = pick(8) ? (7 + pick(60)) * 86400000LL : 0;
            add_period(db, c, 1 + pick(4), at, at + len);
            at += len;
        }
    }
    /* a few records merged into others, a few erased */
    for (int k = 0; k < 10; k++) {
        yt_param p[] = {PI(1 + pick(NCUSTOMERS)), PI(1 + pick(NCUSTOMERS))};
        exec_ok(db, "UPDATE customers SET merged_into = ? WHERE id = ? AND merged_into IS NULL", 2, p);
    }
    for (int k = 0; k < 5; k++) {
        yt_param p[] = {PI(now), PI(1 + pick(NCUSTOMERS))};
        exec_ok(db, "UPDATE customers SET erased_at = ? WHERE id = ?", 2, p);
    }
    /* the customers were given their ids: new ones (an event from a new identity) come after them */
    if (db_dialect(db) == YT_PG)
        exec_ok(db, "SELECT setval(pg_get_serial_sequence('customers', 'id'), (SELECT max(id) FROM customers))", 0, NULL);
    assert_int_equal(db_commit(db), 0);
}

/* ---- random segments, written as segment text and as SQL side by side ---- */

typedef struct {
    yt_buf text, sql;
} pair;

static void both(pair *p, const char *text, const char *sql) {
    buf_puts(&p->text, text);
    buf_puts(&p->sql, sql);
}

static const char *const ops[] = {"=", "!=", "<", "<=", ">", ">="};
static const char *const sql_ops[] = {"=", "<>", "<", "<=", ">", ">="};

#define PAID "o.customer_id = c.id AND o.status = 'paid'"

/* RFM in SQL: each buyer's (a live customer with a paid order) recency day, order count and spend, put in a
 * table by one query before each comparison (the correlated form takes minutes on PostgreSQL) */
static void rfm_table(yt_db *db) {
    db_exec_script(db, "DROP TABLE IF EXISTS rfm_buyers");
    if (db_exec_script(db, "CREATE TABLE rfm_buyers AS SELECT c.id, (max(o.ordered_at) + 28800000) / 86400000 AS r,"
                           " count(*) AS f, sum(o.amount_fen) AS m FROM customers c JOIN orders o ON o.customer_id = c.id"
                           " WHERE c.merged_into IS NULL AND c.erased_at IS NULL AND o.status = 'paid' GROUP BY c.id") != 0)
        fail_msg("rfm_buyers: %s", db_error(db));
}

static void rfm_leaf(char *t, size_t tn, char *s, size_t sn) {
    static const char *const names[] = {"rfm_r", "rfm_f", "rfm_m"}, *const cols[] = {"r", "f", "m"};
    static const char *const groups[] = {"一般挽留客户", "重要挽留客户", "一般发展客户", "重要发展客户",
                                         "一般保持客户", "重要保持客户", "一般价值客户", "重要价值客户"};
    if (pick(3) == 0) {
        int g = pick(8);
        static const int bit[3] = {2, 4, 1};
        snprintf(t, tn, "rfm_group = \"%s\"", groups[g]);
        int used = snprintf(s, sn, "(EXISTS (SELECT 1 FROM rfm_buyers x WHERE x.id = c.id");
        for (int d = 0; d < 3; d++)
            used += snprintf(s + used, sn - (size_t)used, " AND x.%s %s (SELECT avg(%s) FROM rfm_buyers)", cols[d],
                             (g & bit[d]) ? ">=" : "<", cols[d]);
        snprintf(s + used, sn - (size_t)used, "))");
        return;
    }
    int d = pick(3), op = pick(6), v = 1 + pick(5);
    snprintf(t, tn, "%s %s %d", names[d], ops[op], v);
    snprintf(s, sn,
             "(EXISTS (SELECT 1 FROM rfm_buyers x WHERE x.id = c.id AND 1 + 5 * (SELECT count(*) FROM rfm_buyers b"
             " WHERE b.%s < x.%s) / (SELECT count(*) FROM rfm_buyers) %s %d))",
             cols[d], cols[d], sql_ops[op], v);
}

static void leaf(pair *p) {
    char t[512], s[4096];
    int op = pick(6);
    switch (pick(16)) {
    case 13:
        rfm_leaf(t, sizeof t, s, sizeof s);
        break;
    case 14: {
        int v = pick(5);
        snprintf(t, sizeof t, "paid_level %s %d", ops[op], v);
        snprintf(s, sizeof s, "(COALESCE((SELECT level FROM paid_ref x WHERE x.id = c.id), 0) %s %d)", sql_ops[op], v);
        break;
    }
    case 15: {
        int how = pick(3), n = 1 + pick(90), d = brand_day(now_ms()) - 60 + pick(120);
        if (how == 0) {
            snprintf(t, sizeof t, "paid_until within %dd", n);
            snprintf(s, sizeof s, "EXISTS (SELECT 1 FROM paid_ref x WHERE x.id = c.id AND x.until >= %lld AND x.until < %lld)",
                     (long long)day_ms(TODAY - n + 1), (long long)day_ms(TODAY + 1));
        } else {
            int y, m, dd;
            civil_from_days(d, &y, &m, &dd);
            snprintf(t, sizeof t, "paid_until %s %04d-%02d-%02d", how == 1 ? "before" : "after", y, m, dd);
            snprintf(s, sizeof s, "EXISTS (SELECT 1 FROM paid_ref x WHERE x.id = c.id AND x.until %s %lld)", how == 1 ? "<" : ">=",
                     (long long)(how == 1 ? day_ms(d) : day_ms(d + 1)));
        }
        break;
    }
    case 0: case 1: {
        const char *tag = pick(12) ? tag_names[pick(N(tag_names))] : "不存在的标签";
        bool eq = pick(3) != 0;
        snprintf(t, sizeof t, "tag %s \"%s\"", eq ? "=" : "!=", tag);
        snprintf(s, sizeof s, "(%sEXISTS (SELECT 1 FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.customer_id = c.id AND t.name = '%s'))",
                 eq ? "" : "NOT ", tag);
        break;
    }
    case 2: {
        const char *shop = store_names[pick(N(store_names))];
        bool eq = pick(2);
        snprintf(t, sizeof t, "store %s \"%s\"", eq ? "=" : "!=", shop);
        snprintf(s, sizeof s, "(%s((c.store_id = (SELECT id FROM stores WHERE name = '%s')) IS TRUE))", eq ? "" : "NOT ", shop);
        break;
    }
    case 3: {
        const char *a = cities[pick(N(cities))], *b = cities[pick(N(cities))];
        snprintf(t, sizeof t, "city in [\"%s\", \"%s\"]", a, b);
        snprintf(s, sizeof s, "(c.city IN ('%s', '%s'))", a, b);
        break;
    }
    case 4: {
        const char *g = genders[pick(3)];
        snprintf(t, sizeof t, "gender = \"%s\"", g);
        snprintf(s, sizeof s, "(c.gender = '%s')", g);
        break;
    }
    case 5: {
        static const char *const win[] = {"30", "90", "365"};
        int w = pick(3), v = pick(40000);
        snprintf(t, sizeof t, "spend_%sd %s %d", win[w], ops[op], v);
        snprintf(s, sizeof s, "(COALESCE((SELECT sum(amount_fen) FROM orders o WHERE " PAID " AND o.ordered_at >= %lld), 0) %s %d)",
                 (long long)day_ms(TODAY - atoi(win[w]) + 1), sql_ops[op], v);
        break;
    }
    case 6: {
        int lo = pick(4), hi = lo + pick(4);
        snprintf(t, sizeof t, "orders between %d and %d", lo, hi);
        snprintf(s, sizeof s, "((SELECT count(*) FROM orders o WHERE " PAID ") BETWEEN %d AND %d)", lo, hi);
        break;
    }
    case 7: {
        int n = 1 + pick(200);
        snprintf(t, sizeof t, "last_order within %dd", n);
        snprintf(s, sizeof s, "(((SELECT max(ordered_at) FROM orders o WHERE " PAID ") >= %lld AND"
                              " (SELECT max(ordered_at) FROM orders o WHERE " PAID ") < %lld) IS TRUE)",
                 (long long)day_ms(TODAY - n + 1), (long long)day_ms(TODAY + 1));
        break;
    }
    case 8: {
        int d = TODAY - pick(500);
        int y, m, dd;
        { /* civil from days */
            int64_t z = d + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
            unsigned doe = (unsigned)(z - era * 146097), yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
            unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
            dd = (int)(doy - (153 * mp + 2) / 5 + 1);
            m = (int)(mp < 10 ? mp + 3 : mp - 9);
            y = (int)(yoe + era * 400 + (m <= 2));
        }
        bool before = pick(2);
        snprintf(t, sizeof t, "first_order %s %04d-%02d-%02d", before ? "before" : "after", y, m, dd);
        snprintf(s, sizeof s, "(((SELECT min(ordered_at) FROM orders o WHERE " PAID ") %s %lld) IS TRUE)", before ? "<" : ">=",
                 (long long)(before ? day_ms(d) : day_ms(d + 1)));
        break;
    }
    case 9: {
        int n = 1 + pick(60), k = pick(4);
        const char *ty = event_types[pick(2)];
        snprintf(t, sizeof t, "count(%s, %dd) %s %d", ty, n, ops[op], k);
        snprintf(s, sizeof s, "((SELECT count(*) FROM events e WHERE e.customer_id = c.id AND e.type = '%s' AND e.at >= %lld) %s %d)",
                 ty, (long long)day_ms(TODAY - n + 1), sql_ops[op], k);
        break;
    }
    case 10: {
        int v = pick(4);
        snprintf(t, sizeof t, "member_level %s %d", ops[op], v);
        snprintf(s, sizeof s, "(c.member_level %s %d)", sql_ops[op], v);
        break;
    }
    case 11: {
        const char *a = tag_names[pick(N(tag_names))], *b = tag_names[pick(N(tag_names))];
        bool all = pick(2);
        snprintf(t, sizeof t, "%s [\"%s\", \"%s\"]", all ? "all_tags" : "any_tag", a, b);
        snprintf(s, sizeof s,
                 "(EXISTS (SELECT 1 FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.customer_id = c.id AND t.name = '%s')"
                 " %s EXISTS (SELECT 1 FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.customer_id = c.id AND t.name = '%s'))",
                 a, all ? "AND" : "OR", b);
        break;
    }
    default: {
        int n = 1 + pick(60);
        snprintf(t, sizeof t, "last_seen within %dd", n);
        snprintf(s, sizeof s, "(((SELECT max(at) FROM events e WHERE e.customer_id = c.id) >= %lld AND"
                              " (SELECT max(at) FROM events e WHERE e.customer_id = c.id) < %lld) IS TRUE)",
                 (long long)day_ms(TODAY - n + 1), (long long)day_ms(TODAY + 1));
        break;
    }
    }
    both(p, t, s);
}

static void tree(pair *p, int depth) {
    int k = depth >= 3 ? 0 : pick(5);
    if (k <= 1) {
        leaf(p);
    } else if (k == 2) {
        both(p, "not (", "(NOT ");
        tree(p, depth + 1);
        both(p, ")", ")");
    } else {
        both(p, "(", "(");
        tree(p, depth + 1);
        both(p, k == 3 ? " and " : " or ", k == 3 ? " AND " : " OR ");
        tree(p, depth + 1);
        both(p, ")", ")");
    }
}

static roaring_bitmap_t *by_sql(yt_db *db, const char *where, int64_t owner) {
    yt_buf sql = YT_BUF_INIT;
    buf_printf(&sql, "SELECT c.id FROM customers c WHERE c.merged_into IS NULL AND c.erased_at IS NULL AND (%s)", where);
    if (owner) buf_printf(&sql, " AND c.owner_id = %lld", (long long)owner);
    yt_rows *r = db_query(db, sql.p, 0, NULL);
    if (!r) fail_msg("%s: %s", sql.p, db_error(db));
    roaring_bitmap_t *b = roaring_bitmap_create();
    while (rows_next(r)) roaring_bitmap_add(b, (uint32_t)rows_int(r, 0));
    rows_free(r);
    buf_free(&sql);
    return b;
}

/* Paid membership in SQL: each customer's level held now and until when, as their profile tells it
 * (membership_level_now), or when held no more, the end of the last period that ran at all */
static void paid_table(yt_db *db) {
    db_exec_script(db, "DROP TABLE IF EXISTS paid_ref");
    if (db_exec_script(db, "CREATE TABLE paid_ref(id BIGINT PRIMARY KEY, level BIGINT NOT NULL, until BIGINT NOT NULL)") != 0)
        fail_msg("paid_ref: %s", db_error(db));
    yt_rows *r = db_query(db, "SELECT customer_id, MAX(ends_at) FROM memberships WHERE ends_at > starts_at GROUP BY customer_id", 0, NULL);
    if (!r) fail_msg("paid_ref: %s", db_error(db));
    int64_t (*ids)[2] = calloc(NCUSTOMERS * 2 + 1, sizeof *ids);
    size_t n = 0;
    while (rows_next(r) && n < NCUSTOMERS * 2) ids[n][0] = rows_int(r, 0), ids[n][1] = rows_int(r, 1), n++;
    rows_free(r);
    yt_arena arena = {0};
    yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
    int64_t now = now_ms();
    for (size_t i = 0; i < n; i++) {
        int64_t level, until;
        assert_int_equal(membership_level_now(&x, ids[i][0], now, &level, &until), YT_OK);
        yt_param p[] = {PI(ids[i][0]), PI(level), PI(level ? until : ids[i][1])};
        exec_ok(db, "INSERT INTO paid_ref(id, level, until) VALUES(?, ?, ?)", 3, p);
    }
    arena_free(&arena);
    free(ids);
}

/* nsegments random segments: the index's members equal the SQL's, for the owner and for a guide. */
static void compare(audience *a, yt_db *db, int nsegments) {
    rfm_table(db);
    paid_table(db);
    yt_actor guide = *yt_system_actor();
    guide.staff_id = guide_id;
    guide.own_customers_only = true;
    for (int i = 0; i < nsegments; i++) {
        pair p = {YT_BUF_INIT, YT_BUF_INIT};
        tree(&p, 0);
        yt_arena arena = {0};
        seg_error err;
        seg_node *n = seg_parse_text(p.text.p, &arena, &err);
        if (!n) fail_msg("segment %s does not parse: %s at %d", p.text.p, err.msg, err.pos);
        for (int as_guide = 0; as_guide < 2; as_guide++) {
            yt_ctx x = {.db = db, .who = as_guide ? &guide : yt_system_actor(), .arena = &arena};
            audience_result res;
            if (audience_eval(a, &x, n, &res, &err) != YT_OK) fail_msg("segment %s: %s at %d", p.text.p, err.msg, err.pos);
            roaring_bitmap_t *want = by_sql(db, p.sql.p, as_guide ? guide_id : 0);
            if (!roaring_bitmap_equals(res.members, want))
                fail_msg("segment %s%s: index %llu members, SQL %llu\nSQL: %s", p.text.p, as_guide ? " (as a guide)" : "",
                         (unsigned long long)roaring_bitmap_get_cardinality(res.members),
                         (unsigned long long)roaring_bitmap_get_cardinality(want), p.sql.p);
            roaring_bitmap_free(want);
            audience_result_free(&res);
        }
        arena_free(&arena);
        buf_free(&p.text);
        buf_free(&p.sql);
    }
}

static audience *built(yt_db *db) {
    audience *a = audience_new();
    audience_set_today(a, TODAY);
    assert_int_equal(audience_build(a, db), 0);
    return a;
}

static void random_segments_match_sql(void **state) {
    (void)state;
    seed = 42;
    yt_db *db = store_db(st);
    fill(db);
    audience *a = built(db);
    compare(a, db, 400);
    audience_free(a);
}

/* Writes through the domain (tags, profile, merge, erase) and through raw SQL with a change recorded (as
 * imports do) reach the index through the change feed; a rolled-back write does not. */
static void followed_writes_match_sql(void **state) {
    (void)state;
    seed = 7;
    yt_db *db = store_db(st);
    fill(db);
    audience *a = built(db);
    yt_arena arena = {0};
    yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
    for (int k = 0; k < 40; k++) {
        int64_t id = 1 + pick(NCUSTOMERS), live;
        if (customer_resolve(&x, id, &live) != YT_OK) continue;
        const char *add[] = {tag_names[pick(N(tag_names))]}, *rm[] = {tag_names[pick(N(tag_names))]};
        if (strcmp(add[0], rm[0]) != 0) assert_int_equal(customer_tag(&x, live, add, 1, rm, 1), YT_OK);
        customer_input in = {.city = cities[pick(N(cities))]};
        assert_int_equal(customer_update(&x, live, &in), YT_OK);
        assert_int_equal(db_begin(db), 0); /* an order import's shape: rows and their change in one transaction */
        char ext[32];
        snprintf(ext, sizeof ext, "f%d", k);
        yt_param q[] = {PI(live), PT(ext), PI(day_ms(TODAY - pick(100))), PI(100 + pick(90000)), PI(day_ms(TODAY))};
        exec_ok(db, "INSERT INTO orders(customer_id, platform, external_id, ordered_at, quantity, amount_fen, status, created_at)"
                    " VALUES(?, 'test', ?, ?, 1, ?, 'paid', ?)", 5, q);
        assert_int_equal(change_record(&x, CHANGE_CUSTOMER_ORDERS, live, 0), YT_OK);
        assert_int_equal(db_commit(db), 0);
        if (k % 4 == 0) { /* a paid period held from now on, and the change its payment records */
            assert_int_equal(db_begin(db), 0);
            add_period(db, live, 1 + pick(4), now_ms() - 1000, now_ms() + (1 + pick(30)) * 86400000LL);
            assert_int_equal(change_record(&x, CHANGE_CUSTOMER_ORDERS, live, 0), YT_OK);
            assert_int_equal(db_commit(db), 0);
        }
    }
    for (int k = 0; k < 5; k++) {
        int64_t s = 1 + pick(NCUSTOMERS), b = 1 + pick(NCUSTOMERS), ls, lb;
        if (customer_resolve(&x, s, &ls) == YT_OK && customer_resolve(&x, b, &lb) == YT_OK && ls != lb)
            assert_int_equal(customer_merge(&x, ls, lb), YT_OK);
        int64_t e = 1 + pick(NCUSTOMERS), le;
        if (customer_resolve(&x, e, &le) == YT_OK) assert_int_equal(customer_erase(&x, le), YT_OK);
    }
    /* event batches: some customers known by id, some seen for the first time (the batch creates them) */
    for (int k = 0; k < 3; k++) {
        event_in ev[6];
        char who[6][32], key[6][32];
        memset(ev, 0, sizeof ev);
        for (int i = 0; i < 6; i++) {
            snprintf(key[i], sizeof key[i], "k%d-%d", k, i);
            ev[i] = (event_in){.type = "page_viewed", .at = day_ms(TODAY - pick(20)), .key = key[i], .index = i};
            if (i % 2) {
                snprintf(who[i], sizeof who[i], "wm-new-%d-%d", k, i);
                ev[i].who.ids.v[ID_EXTERNAL_USERID] = who[i];
            } else {
                ev[i].who.id = 1 + pick(NCUSTOMERS);
            }
        }
        int accepted, duplicates, nerrors = 0;
        event_error errors[6];
        assert_int_equal(event_ingest(&x, ev, 6, &accepted, &duplicates, errors, &nerrors), YT_OK);
    }
    /* rolled back: never seen */
    assert_int_equal(db_begin(db), 0);
    exec_ok(db, "UPDATE customers SET city = '拉萨' WHERE id = 3", 0, NULL);
    assert_int_equal(change_record(&x, CHANGE_CUSTOMER_UPDATED, 3, 0), YT_OK);
    db_rollback(db);
    assert_int_equal(audience_sync(a, db), 0);
    compare(a, db, 300);
    /* days pass: the windowed figures move without any write */
    audience_set_today(a, TODAY + 45);
    assert_int_equal(audience_sync(a, db), 0);
    audience *fresh = audience_new();
    audience_set_today(fresh, TODAY + 45);
    assert_int_equal(audience_build(fresh, db), 0);
    yt_arena ar2 = {0};
    seg_error err;
    static const char *const windowed[] = {"spend_30d >= 1", "orders_90d >= 2", "spend_365d < 20000", "orders_30d = 0"};
    for (int i = 0; i < N(windowed); i++) {
        seg_node *n = seg_parse_text(windowed[i], &ar2, &err);
        yt_ctx y = {.db = db, .who = yt_system_actor(), .arena = &ar2};
        audience_result r1, r2;
        assert_int_equal(audience_eval(a, &y, n, &r1, &err), YT_OK);
        assert_int_equal(audience_eval(fresh, &y, n, &r2, &err), YT_OK);
        if (!roaring_bitmap_equals(r1.members, r2.members)) fail_msg("after the day moved, %s differs from a fresh build", windowed[i]);
        audience_result_free(&r1);
        audience_result_free(&r2);
    }
    arena_free(&ar2);
    audience_free(fresh);
    arena_free(&arena);
    audience_free(a);
}

/* Mistakes name their position; unknown tags are flagged, not errors. */
static void mistakes_are_named(void **state) {
    (void)state;
    seed = 3;
    yt_db *db = store_db(st);
    fill(db);
    audience *a = built(db);
    yt_arena arena = {0};
    yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
    static const struct {
        const char *text;
        int pos;
        const char *says;
    } bad[] = {
        {"tag = \"宝妈\" and spend_9d >= 3", 15, "unknown attribute 'spend_9d'"},
        {"spend_90d >= \"多\"", 13, "takes a number"},
        {"gender = \"mail\"", 9, "gender is one of"},
        {"store > \"杭州西湖店\"", 0, "takes =, != or in"},
        {"orders within 30d", 0, "applies to days"},
        {"orders between 5 and 2", 15, "lower bound"},
        {"last_order >= 30", 14, "takes a date"},
    };
    for (int i = 0; i < N(bad); i++) {
        seg_error err;
        seg_node *n = seg_parse_text(bad[i].text, &arena, &err);
        assert_non_null(n);
        audience_result res;
        assert_int_equal(audience_eval(a, &x, n, &res, &err), YT_EINVAL);
        if (err.pos != bad[i].pos || !strstr(err.msg, bad[i].says))
            fail_msg("%s: got '%s' at %d, wanted '%s' at %d", bad[i].text, err.msg, err.pos, bad[i].says, bad[i].pos);
    }
    seg_error err;
    seg_node *n = seg_parse_text("tag = \"明天才有的标签\" or tag = \"宝妈\"", &arena, &err);
    audience_result res;
    assert_int_equal(audience_eval(a, &x, n, &res, &err), YT_OK);
    assert_int_equal(res.nunknown, 1);
    assert_string_equal(res.unknown[0], "明天才有的标签");
    audience_result_free(&res);
    arena_free(&arena);
    audience_free(a);
}

/* The index predicts with the model it is given: P(alive), expected orders and value per customer equal the
 * model's functions on that customer's summary; after an order arrives they are computed again. */
static void predictions_follow_the_model(void **state) {
    (void)state;
    seed = 12; /* uniform random orders: some seeds do not identify BG/NBD (the fit says so), this one does */
    yt_db *db = store_db(st);
    fill(db);
    audience *a = built(db);
    clv_model m;
    char err[200];
    if (!clv_model_fit(db, TODAY, CLV_WEEK, &m, err, sizeof err)) fail_msg("fit: %s", err);
    assert_int_equal(audience_use_model(a, db, &m), 0);
    clv_summary s;
    assert_true(clv_load_orders(db, TODAY, CLV_WEEK, &s, err, sizeof err));
    assert_true(s.n > 100);
    double horizon = 90.0 / 7.0;
    size_t checked = 0;
    for (size_t i = 0; i < s.n; i++) {
        const clv_rfm *c = &s.rows[i];
        uint64_t alive, expected, value;
        if (!bsi_get(&a->num[NUM_P_ALIVE], (uint32_t)c->customer_id, &alive)) fail_msg("customer %lld has no P(alive)", (long long)c->customer_id);
        assert_true(bsi_get(&a->num[NUM_EXPECTED_90D], (uint32_t)c->customer_id, &expected));
        assert_true(bsi_get(&a->num[NUM_VALUE_90D], (uint32_t)c->customer_id, &value));
        assert_int_equal(alive, (uint64_t)llround(clv_bgnbd_p_alive(&m.bgnbd, c) * 10000));
        assert_int_equal(expected, (uint64_t)llround(clv_bgnbd_expected_purchases(&m.bgnbd, c, horizon) * 100));
        assert_int_equal(value, (uint64_t)clv_expected_value_fen(&m.bgnbd, &m.gg, c, horizon));
        checked++;
    }
    assert_int_equal(checked, s.n);
    /* a new order today: that customer's predictions move with it */
    int64_t id = s.rows[0].customer_id;
    uint64_t before;
    assert_true(bsi_get(&a->num[NUM_P_ALIVE], (uint32_t)id, &before));
    clv_summary_free(&s);
    yt_arena arena = {0};
    yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
    assert_int_equal(db_begin(db), 0);
    yt_param q[] = {PI(id), PI(day_ms(TODAY) + 3600000), PI(day_ms(TODAY))};
    exec_ok(db, "INSERT INTO orders(customer_id, platform, external_id, ordered_at, quantity, amount_fen, status, created_at)"
                " VALUES(?, 'test', 'today-1', ?, 1, 9900, 'paid', ?)", 3, q);
    assert_int_equal(change_record(&x, CHANGE_CUSTOMER_ORDERS, id, 0), YT_OK);
    assert_int_equal(db_commit(db), 0);
    assert_int_equal(audience_sync(a, db), 0);
    assert_true(clv_load_orders(db, TODAY, CLV_WEEK, &s, err, sizeof err));
    for (size_t i = 0; i < s.n; i++)
        if (s.rows[i].customer_id == id) {
            uint64_t now;
            assert_true(bsi_get(&a->num[NUM_P_ALIVE], (uint32_t)id, &now));
            assert_int_equal(now, (uint64_t)llround(clv_bgnbd_p_alive(&m.bgnbd, &s.rows[i]) * 10000));
            assert_int_equal(now, 10000); /* bought today: alive */
        }
    clv_summary_free(&s);
    arena_free(&arena);
    audience_free(a);
}

/* PostgreSQL: while another transaction of the database runs (an import, a long request), the feed holds
 * later changes back; the process that wrote them still counts them at once. */
static void own_writes_count_while_the_feed_is_held(void **state) {
    (void)state;
    yt_db *db = store_db(st);
    if (db_dialect(db) != YT_PG) return;
    seed = 5;
    fill(db);
    audience *a = built(db);
    change_listen(audience_own_commit, a);
    char err[256];
    yt_store *other = store_open(fx.target, err, sizeof err);
    assert_non_null(other);
    yt_db *long_tx = store_db(other);
    assert_int_equal(db_begin(long_tx), 0);
    assert_true(db_query_int(long_tx, "SELECT pg_current_xact_id()::text::bigint", 0, NULL, -1) > 0);
    yt_arena arena = {0};
    yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
    const char *tag[] = {"刚刚打上"};
    int64_t live;
    assert_int_equal(customer_resolve(&x, 1 + pick(NCUSTOMERS), &live), YT_OK);
    assert_int_equal(customer_tag(&x, live, tag, 1, NULL, 0), YT_OK);
    assert_int_equal(audience_sync(a, db), 0);
    seg_error serr;
    seg_node *n = seg_parse_text("tag = \"刚刚打上\"", &arena, &serr);
    audience_result res;
    assert_int_equal(audience_eval(a, &x, n, &res, &serr), YT_OK);
    assert_int_equal(roaring_bitmap_get_cardinality(res.members), 1);
    audience_result_free(&res);
    db_rollback(long_tx);
    store_close(other);
    change_listen(NULL, NULL);
    arena_free(&arena);
    audience_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(random_segments_match_sql, setup, teardown),
        cmocka_unit_test_setup_teardown(followed_writes_match_sql, setup, teardown),
        cmocka_unit_test_setup_teardown(mistakes_are_named, setup, teardown),
        cmocka_unit_test_setup_teardown(predictions_follow_the_model, setup, teardown),
        cmocka_unit_test_setup_teardown(own_writes_count_while_the_feed_is_held, setup, teardown),
    };
    int failed = cmocka_run_group_tests_name("audience-sqlite", tests, NULL, NULL);
    pg_url = getenv("YT_TEST_PG_URL");
    if (pg_url && *pg_url) failed += cmocka_run_group_tests_name("audience-postgres", tests, NULL, NULL);
    return failed;
}
