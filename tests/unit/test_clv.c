/* CLV models against the published CDNOW sample fits (Fader, Hardie & Lee 2005), from the file and the store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audience/clv.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "domain/ctx.h"
#include "importer/importer.h"
#include "store_fixture.h"

#define SAMPLE_CSV YT_SOURCE_DIR "/data/cdnow/sample.csv"

/* Published for the CDNOW sample, 39-week calibration 1997-01-01..1997-09-30, in weeks:
 * BG/NBD: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way", Marketing Science 24(2).
 * Gamma-Gamma: Fader, Hardie & Lee (2005), "RFM and CLV", JMR 42(4); Fader & Hardie (2013), "The Gamma-Gamma
 * Model of Monetary Value" (946 repeat customers); its log-likelihood as CLVTools' correctness test states it. */
#define PUB_R 0.243
#define PUB_ALPHA 4.414
#define PUB_A 0.793
#define PUB_B 2.426
#define PUB_BGNBD_LL (-9582.4)
#define PUB_P 6.25
#define PUB_Q 3.74
#define PUB_GAMMA 15.44
#define PUB_GG_LL (-4055.92)

static void assert_within(double got, double want, double relative, const char *what) {
    if (!(fabs(got - want) <= relative * fabs(want)))
        fail_msg("%s = %.6f, published %.6f (more than %.2g%% apart)", what, got, want, relative * 100);
}

static int32_t day_of(const char *date) {
    int y, m, d;
    if (!date_parse(date, &y, &m, &d)) fail_msg("bad date %s", date);
    return (int32_t)days_from_civil(y, m, d);
}

typedef struct {
    int64_t id, fen;
    int32_t day;
} purchase;

static int by_customer_then_day(const void *pa, const void *pb) {
    const purchase *a = pa, *b = pb;
    if (a->id != b->id) return a->id < b->id ? -1 : 1;
    return (a->day > b->day) - (a->day < b->day);
}

/* The sample file read directly (customer_ref,ordered_on,quantity,amount; customers are not in id order). */
static clv_summary read_sample(const char *until, clv_unit unit) {
    FILE *f = fopen(SAMPLE_CSV, "r");
    if (!f) fail_msg("cannot open %s", SAMPLE_CSV);
    purchase *rows = malloc(8000 * sizeof *rows);
    size_t n = 0;
    char line[256];
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f) && n < 8000) {
        char *ref = strtok(line, ",\r\n"), *date = strtok(NULL, ",\r\n");
        strtok(NULL, ",\r\n");
        char *amount = strtok(NULL, ",\r\n");
        assert_true(ref && date && amount && parse_i64(ref, &rows[n].id) && money_to_fen(amount, &rows[n].fen));
        rows[n++].day = day_of(date);
    }
    fclose(f);
    assert_int_equal(n, 6919);
    qsort(rows, n, sizeof *rows, by_customer_then_day);
    clv_summary s;
    clv_summary_init(&s, day_of(until), unit);
    for (size_t i = 0; i < n; i++) assert_true(clv_summary_add(&s, rows[i].id, rows[i].day, rows[i].fen));
    assert_true(clv_summary_finish(&s));
    free(rows);
    return s;
}

static const clv_rfm *find_customer(const clv_summary *s, int64_t id) {
    for (size_t i = 0; i < s->n; i++)
        if (s->rows[i].customer_id == id) return &s->rows[i];
    fail_msg("customer %lld not in the summary", (long long)id);
    return NULL;
}

/* Counts and one customer checked by hand: 00004 bought on 1997-01-01, 01-18, 08-02 and 12-12, so by
 * 09-30 two repeats, the last 213 days after the first, 272 days observed: the x = 2, t_x = 30.43,
 * T = 38.86 of the papers' worked example. The mean repeat amount over the 946 repeat customers is the
 * 35.0786 of the lifetimes documentation for the same data. */
static void sample_summary_matches_the_papers(void **state) {
    (void)state;
    clv_summary s = read_sample("1997-09-30", CLV_WEEK);
    assert_int_equal(s.n, 2357);
    size_t repeaters = 0;
    double mean_sum = 0;
    for (size_t i = 0; i < s.n; i++)
        if (s.rows[i].x > 0) {
            repeaters++;
            mean_sum += s.rows[i].mean_amount;
        }
    assert_int_equal(repeaters, 946);
    assert_within(mean_sum / (double)repeaters, 35.078551797, 1e-4, "mean repeat amount");
    const clv_rfm *c = find_customer(&s, 4);
    assert_true(c->x == 2);
    assert_within(c->t_x, 213.0 / 7, 1e-12, "t_x of 00004");
    assert_within(c->T, 272.0 / 7, 1e-12, "T of 00004");
    assert_within(c->mean_amount, (29.73 + 14.96) / 2, 1e-12, "mean amount of 00004");
    clv_summary_free(&s);

    clv_summary days = read_sample("1997-09-30", CLV_DAY);
    c = find_customer(&days, 4);
    assert_true(c->x == 2 && c->t_x == 213 && c->T == 272);
    clv_summary_free(&days);
}

static void bgnbd_fit_matches_the_published_parameters(void **state) {
    (void)state;
    clv_summary s = read_sample("1997-09-30", CLV_WEEK);
    clv_bgnbd m;
    assert_true(clv_fit_bgnbd(s.rows, s.n, &m));
    assert_null(m.error);
    assert_int_equal(m.customers, 2357);
    assert_int_equal(m.repeat_customers, 946);
    assert_within(m.r, PUB_R, 0.01, "r");
    assert_within(m.alpha, PUB_ALPHA, 0.01, "alpha");
    assert_within(m.a, PUB_A, 0.01, "a");
    assert_within(m.b, PUB_B, 0.01, "b");
    assert_within(m.ll, PUB_BGNBD_LL, 0.001, "BG/NBD log-likelihood");
    /* the maximum: the published (rounded) parameters are no better */
    clv_bgnbd published = {.r = PUB_R, .alpha = PUB_ALPHA, .a = PUB_A, .b = PUB_B};
    double at_published = clv_bgnbd_loglik(&published, s.rows, s.n);
    assert_true(at_published <= m.ll + 1e-9);
    assert_within(at_published, PUB_BGNBD_LL, 1e-4, "log-likelihood at the published parameters");

    /* predictions against Hardie's spreadsheet for the paper (as the lifetimes tests keep them) */
    clv_rfm example = {.x = 2, .t_x = 30.43, .T = 38.86};
    double e39 = clv_bgnbd_expected_purchases(&m, &example, 39);
    if (fabs(e39 - 1.226) > 0.001) fail_msg("E[Y(39) | 2, 30.43, 38.86] = %.5f, published 1.226", e39);
    const double t[] = {0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0};
    const double want[] = {0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576};
    for (int i = 0; i < 6; i++) {
        double e = clv_bgnbd_expected_purchases_new(&m, t[i]);
        if (fabs(e - want[i]) > 0.001) fail_msg("E[X(%g)] = %.5f, published %.4f", t[i], e, want[i]);
    }

    /* P(alive): 1 without repeats; within (0, 1]; rises with recency, falls with time since the last purchase */
    clv_rfm none = {.x = 0, .t_x = 0, .T = 38};
    assert_true(clv_bgnbd_p_alive(&m, &none) == 1.0);
    double previous = 0;
    for (double tx = 1; tx <= 38; tx += 1) {
        clv_rfm c = {.x = 3, .t_x = tx, .T = 38};
        double p = clv_bgnbd_p_alive(&m, &c);
        assert_true(p > previous && p <= 1.0);
        previous = p;
    }
    clv_rfm later = {.x = 3, .t_x = 10, .T = 60};
    clv_rfm sooner = {.x = 3, .t_x = 10, .T = 20};
    assert_true(clv_bgnbd_p_alive(&m, &later) < clv_bgnbd_p_alive(&m, &sooner));
    /* expected purchases grow with the horizon and with frequency at full recency */
    assert_true(clv_bgnbd_expected_purchases(&m, &example, 10) < e39);
    clv_rfm busier = {.x = 6, .t_x = 38, .T = 38};
    clv_rfm quieter = {.x = 2, .t_x = 38, .T = 38};
    assert_true(clv_bgnbd_expected_purchases(&m, &busier, 39) > clv_bgnbd_expected_purchases(&m, &quieter, 39));
    clv_summary_free(&s);
}

static void gamma_gamma_fit_matches_the_published_parameters(void **state) {
    (void)state;
    clv_summary s = read_sample("1997-09-30", CLV_WEEK);
    clv_gamma_gamma g;
    assert_true(clv_fit_gamma_gamma(s.rows, s.n, &g));
    assert_null(g.error);
    assert_int_equal(g.customers, 946);
    assert_within(g.p, PUB_P, 0.01, "p");
    assert_within(g.q, PUB_Q, 0.01, "q");
    assert_within(g.gamma, PUB_GAMMA, 0.01, "gamma");
    assert_within(g.ll, PUB_GG_LL, 0.001, "Gamma-Gamma log-likelihood");
    /* expected spend as in the lifetimes documentation: 24.6586 for 00004, 35.1710 for a customer without
     * repeats (the population mean p gamma / (q - 1)) */
    assert_within(clv_gamma_gamma_expected_spend(&g, find_customer(&s, 4)), 24.658619, 1e-3, "E[M] of 00004");
    clv_rfm none = {.x = 0, .T = 38};
    assert_within(clv_gamma_gamma_expected_spend(&g, &none), 35.170981, 1e-3, "E[M] without repeats");
    /* the value of 00004 over the 39 weeks: purchases times spend, in fen */
    clv_bgnbd m;
    assert_true(clv_fit_bgnbd(s.rows, s.n, &m));
    const clv_rfm *c = find_customer(&s, 4);
    double want = clv_bgnbd_expected_purchases(&m, c, 39) * clv_gamma_gamma_expected_spend(&g, c) * 100;
    assert_int_equal(clv_expected_value_fen(&m, &g, c, 39), llround(want));
    clv_summary_free(&s);
}

static void hypergeometric_series_meets_closed_forms(void **state) {
    (void)state;
    for (double z = 0.05; z < 0.99; z += 0.1) {
        assert_within(clv_hyp2f1(1, 1, 2, z), -log1p(-z) / z, 1e-13, "2F1(1,1;2;z)");
        assert_within(clv_hyp2f1(0.7, 2.5, 2.5, z), pow(1 - z, -0.7), 1e-13, "2F1(a,b;b;z)");
        assert_within(clv_hyp2f1(0.5, 0.5, 1.5, z * z), asin(z) / z, 1e-13, "2F1(1/2,1/2;3/2;z^2)");
    }
    assert_true(clv_hyp2f1(-2, 3, 4, 0.5) == 1 - 2 * 3 / 4.0 * 0.5 + (-2 * -1) * (3 * 4) / (4.0 * 5 * 2) * 0.25);
    assert_true(isnan(clv_hyp2f1(1, 1, 2, 1.0)));
}

static void invalid_inputs_fail_with_a_reason(void **state) {
    (void)state;
    clv_bgnbd m;
    clv_gamma_gamma g;
    assert_false(clv_fit_bgnbd(NULL, 0, &m));
    assert_non_null(m.error);
    assert_false(clv_fit_gamma_gamma(NULL, 0, &g));
    assert_non_null(g.error);
    clv_rfm no_repeats[3] = {{1, 0, 0, 10, 0}, {2, 0, 0, 12, 0}, {3, 0, 0, 3, 0}};
    assert_false(clv_fit_bgnbd(no_repeats, 3, &m));
    assert_non_null(m.error);
    assert_false(clv_fit_gamma_gamma(no_repeats, 3, &g));
    assert_non_null(g.error);
    clv_rfm bad[2] = {{1, 2, 11, 10, 5}, {2, 1, 1, 4, 5}}; /* t_x after T */
    assert_false(clv_fit_bgnbd(bad, 2, &m));
    assert_non_null(m.error);
    clv_rfm fractional[2] = {{1, 1.5, 1, 4, 5}, {2, 1, 1, 4, 5}};
    assert_false(clv_fit_bgnbd(fractional, 2, &m));
    clv_rfm nan_row[2] = {{1, 1, NAN, 4, 5}, {2, 1, 1, 4, 5}};
    assert_false(clv_fit_bgnbd(nan_row, 2, &m));
    assert_false(clv_fit_gamma_gamma(nan_row, 2, &g));

    clv_summary s;
    clv_summary_init(&s, 100, CLV_DAY);
    assert_true(clv_summary_add(&s, 5, 10, 100));
    assert_true(clv_summary_add(&s, 5, 10, 50));   /* the same day: one purchase */
    assert_true(clv_summary_add(&s, 5, 200, 999)); /* after the cut-off: ignored */
    assert_false(clv_summary_add(&s, 5, 9, 100));  /* a day back */
    assert_non_null(s.error);
    assert_false(clv_summary_finish(&s));
    clv_summary_free(&s);
    clv_summary_init(&s, 100, CLV_DAY);
    assert_true(clv_summary_add(&s, 5, 10, 100));
    assert_false(clv_summary_add(&s, 4, 10, 100)); /* ids must ascend */
    clv_summary_free(&s);
    clv_summary_init(&s, 100, CLV_DAY);
    assert_true(clv_summary_add(&s, 5, 10, 100));
    assert_true(clv_summary_add(&s, 5, 10, 50));
    assert_true(clv_summary_add(&s, 5, 30, 70));
    assert_true(clv_summary_add(&s, 5, 30, 30));
    assert_true(clv_summary_add(&s, 6, 101, 30)); /* first bought after the cut-off: no row */
    assert_true(clv_summary_finish(&s));
    assert_int_equal(s.n, 1);
    assert_true(s.rows[0].x == 1 && s.rows[0].t_x == 20 && s.rows[0].T == 90 && s.rows[0].mean_amount == 1.0);
    clv_summary_free(&s);
}

/* Shanghai calendar days: 1997-09-30 23:59 +08:00 is still the 30th, 00:00 the next day is not. */
static void days_are_shanghai_calendar_days(void **state) {
    (void)state;
    int64_t ms;
    assert_true(time_parse("1997-09-30T23:59:59.999+08:00", &ms));
    assert_int_equal(brand_day(ms), day_of("1997-09-30"));
    assert_true(time_parse("1997-10-01T00:00:00+08:00", &ms));
    assert_int_equal(brand_day(ms), day_of("1997-10-01"));
    assert_true(time_parse("1997-09-30T16:00:00Z", &ms));
    assert_int_equal(brand_day(ms), day_of("1997-10-01"));
    assert_true(time_parse("1969-12-31T15:59:59Z", &ms));
    assert_int_equal(brand_day(ms), -1);
}

static int by_history(const void *pa, const void *pb) {
    const clv_rfm *a = pa, *b = pb;
    if (a->x != b->x) return a->x < b->x ? -1 : 1;
    if (a->t_x != b->t_x) return a->t_x < b->t_x ? -1 : 1;
    if (a->T != b->T) return a->T < b->T ? -1 : 1;
    return (a->mean_amount > b->mean_amount) - (a->mean_amount < b->mean_amount);
}

/* The sample imported with the order importer, read back by the store loader: the same customers and fits. */
static void store_loader_gives_the_same_fit(void **state) {
    (void)state;
    yt_db *db = store_db(st);
    yt_arena arena = {0};
    yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
    order_map map;
    char bad[64], storage[64];
    assert_true(order_map_parse(NULL, &map, bad, sizeof bad, storage, sizeof storage));
    FILE *f = fopen(SAMPLE_CSV, "r");
    assert_non_null(f);
    import_summary *sum = arena_alloc(&arena, sizeof *sum);
    if (import_orders(&x, f, "cdnow", &map, sum, NULL, NULL)) fail_msg("import: %s", x.err.msg);
    fclose(f);
    assert_int_equal(sum->imported, 6919);

    clv_summary from_store, from_file = read_sample("1997-09-30", CLV_WEEK);
    char err[256];
    if (!clv_load_orders(db, day_of("1997-09-30"), CLV_WEEK, &from_store, err, sizeof err)) fail_msg("%s", err);
    assert_int_equal(from_store.n, from_file.n);
    /* the store numbers customers in the file's order, not by their reference: compare the rows as sets */
    qsort(from_store.rows, from_store.n, sizeof(clv_rfm), by_history);
    qsort(from_file.rows, from_file.n, sizeof(clv_rfm), by_history);
    for (size_t i = 0; i < from_file.n; i++) {
        const clv_rfm *a = &from_store.rows[i], *b = &from_file.rows[i];
        if (a->x != b->x || a->t_x != b->t_x || a->T != b->T || fabs(a->mean_amount - b->mean_amount) > 1e-9)
            fail_msg("customer %zu differs: store (%g, %g, %g, %g), file (%g, %g, %g, %g)", i, a->x, a->t_x, a->T,
                     a->mean_amount, b->x, b->t_x, b->T, b->mean_amount);
    }
    clv_bgnbd m;
    clv_gamma_gamma g;
    assert_true(clv_fit_bgnbd(from_store.rows, from_store.n, &m));
    assert_true(clv_fit_gamma_gamma(from_store.rows, from_store.n, &g));
    assert_within(m.r, PUB_R, 0.01, "r");
    assert_within(m.alpha, PUB_ALPHA, 0.01, "alpha");
    assert_within(m.a, PUB_A, 0.01, "a");
    assert_within(m.b, PUB_B, 0.01, "b");
    assert_within(g.p, PUB_P, 0.01, "p");
    assert_within(g.q, PUB_Q, 0.01, "q");
    assert_within(g.gamma, PUB_GAMMA, 0.01, "gamma");

    /* refunded and cancelled orders do not count */
    int64_t before = 0, after = 0;
    for (size_t i = 0; i < from_store.n; i++) before += (int64_t)from_store.rows[i].x;
    assert_true(db_exec(db, "UPDATE orders SET status = 'refunded' WHERE id IN (SELECT id FROM orders ORDER BY id LIMIT 200)",
                        0, NULL) == 200);
    clv_summary refunded;
    if (!clv_load_orders(db, day_of("1997-09-30"), CLV_WEEK, &refunded, err, sizeof err)) fail_msg("%s", err);
    for (size_t i = 0; i < refunded.n; i++) after += (int64_t)refunded.rows[i].x;
    assert_true(after < before);
    clv_summary_free(&refunded);
    clv_summary_free(&from_store);
    clv_summary_free(&from_file);
    arena_free(&arena);
}

int main(void) {
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(sample_summary_matches_the_papers),
        cmocka_unit_test(bgnbd_fit_matches_the_published_parameters),
        cmocka_unit_test(gamma_gamma_fit_matches_the_published_parameters),
        cmocka_unit_test(hypergeometric_series_meets_closed_forms),
        cmocka_unit_test(invalid_inputs_fail_with_a_reason),
        cmocka_unit_test(days_are_shanghai_calendar_days),
    };
    const struct CMUnitTest stored[] = {
        cmocka_unit_test(store_loader_gives_the_same_fit),
    };
    int failed = cmocka_run_group_tests_name("clv", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("clv-sqlite", stored, setup, teardown);
    pg_url = getenv("YT_TEST_PG_URL");
    if (pg_url && *pg_url) failed += cmocka_run_group_tests_name("clv-postgres", stored, setup, teardown);
    return failed;
}
