/* `yutang clv`: fits the customer lifetime value models on the brand's orders; prints them or predictions. */
#include "../audience/clv.h"
#include "../base/json.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "app.h"
#include "commands.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage_error(const char *msg) {
    fprintf(stderr, "yutang clv: %s\n", msg);
    return 2;
}

typedef struct {
    const clv_rfm *c;
    double purchases, p_alive, spend;
    int64_t value_fen;
} prediction;

static int by_value_descending(const void *pa, const void *pb) {
    const prediction *a = pa, *b = pb;
    if (a->value_fen != b->value_fen) return a->value_fen > b->value_fen ? -1 : 1;
    return (a->c->customer_id > b->c->customer_id) - (a->c->customer_id < b->c->customer_id);
}

static void write_fit_json(yt_jw *w, const char *until, const char *unit, const clv_bgnbd *m, const clv_gamma_gamma *g) {
    jw_kstr(w, "until", until);
    jw_kstr(w, "unit", unit);
    jw_kint(w, "customers", (int64_t)m->customers);
    jw_kint(w, "repeat_customers", (int64_t)m->repeat_customers);
    jw_key(w, "bgnbd");
    jw_obj(w);
    jw_key(w, "r");
    jw_dbl(w, m->r);
    jw_key(w, "alpha");
    jw_dbl(w, m->alpha);
    jw_key(w, "a");
    jw_dbl(w, m->a);
    jw_key(w, "b");
    jw_dbl(w, m->b);
    jw_key(w, "log_likelihood");
    jw_dbl(w, m->ll);
    jw_kint(w, "evaluations", m->evaluations);
    jw_obj_end(w);
    jw_key(w, "gamma_gamma");
    if (g->error) {
        jw_null(w);
        jw_kstr(w, "gamma_gamma_error", g->error);
        return;
    }
    jw_obj(w);
    jw_kint(w, "customers", (int64_t)g->customers);
    jw_key(w, "p");
    jw_dbl(w, g->p);
    jw_key(w, "q");
    jw_dbl(w, g->q);
    jw_key(w, "gamma");
    jw_dbl(w, g->gamma);
    jw_key(w, "log_likelihood");
    jw_dbl(w, g->ll);
    jw_kint(w, "evaluations", g->evaluations);
    jw_obj_end(w);
}

static void print_fit_table(const char *until, const char *unit, const clv_bgnbd *m, const clv_gamma_gamma *g) {
    printf("customers %zu (repeat %zu), orders up to %s, time in %ss\n", m->customers, m->repeat_customers, until, unit);
    printf("BG/NBD       r %.4f  alpha %.4f  a %.4f  b %.4f  log-likelihood %.2f\n", m->r, m->alpha, m->a, m->b, m->ll);
    if (g->error) printf("Gamma-Gamma  not fitted: %s\n", g->error);
    else
        printf("Gamma-Gamma  p %.4f  q %.4f  gamma %.4f  log-likelihood %.2f  (%zu customers)\n", g->p, g->q, g->gamma,
               g->ll, g->customers);
}

static void print_predictions(const prediction *p, size_t n, bool json, int days, yt_jw *w) {
    if (json) {
        jw_kint(w, "days", days);
        jw_key(w, "predictions");
        jw_arr(w);
        for (size_t i = 0; i < n; i++) {
            jw_obj(w);
            jw_kint(w, "customer_id", p[i].c->customer_id);
            jw_key(w, "x");
            jw_dbl(w, p[i].c->x);
            jw_key(w, "t_x");
            jw_dbl(w, p[i].c->t_x);
            jw_key(w, "T");
            jw_dbl(w, p[i].c->T);
            jw_key(w, "expected_purchases");
            jw_dbl(w, p[i].purchases);
            jw_key(w, "p_alive");
            jw_dbl(w, p[i].p_alive);
            jw_key(w, "expected_spend");
            jw_dbl(w, p[i].spend);
            jw_kint(w, "expected_value_fen", p[i].value_fen);
            jw_obj_end(w);
        }
        jw_arr_end(w);
        return;
    }
    printf("\nnext %d days, by expected value:\n%12s %5s %9s %9s %10s %8s %14s\n", days, "customer", "x", "t_x", "T",
           "purchases", "P(alive)", "value");
    for (size_t i = 0; i < n; i++) {
        char value[32];
        fen_to_str(p[i].value_fen, value, sizeof value);
        printf("%12lld %5.0f %9.2f %9.2f %10.3f %8.3f %14s\n", (long long)p[i].c->customer_id, p[i].c->x, p[i].c->t_x,
               p[i].c->T, p[i].purchases, p[i].p_alive, value);
    }
}

int cmd_clv(yt_config *cfg, int argc, char **argv) {
    const char *until = app_flag(&argc, argv, "--until"), *unit_s = app_flag(&argc, argv, "--unit"),
               *days_s = app_flag(&argc, argv, "--days"), *limit_s = app_flag(&argc, argv, "--limit");
    bool json = app_switch(&argc, argv, "--json");
    if (argc != 2 || (strcmp(argv[1], "fit") != 0 && strcmp(argv[1], "predict") != 0))
        return usage_error(argc > 2 ? "unexpected argument (see yutang clv --help)" : "say `clv fit` or `clv predict`");
    bool predict = strcmp(argv[1], "predict") == 0;
    int y, mo, d;
    if (!until) return usage_error("--until YYYY-MM-DD is required (the last day of orders to fit on)");
    if (!date_parse(until, &y, &mo, &d)) return usage_error("--until must be a date YYYY-MM-DD");
    if (!unit_s) unit_s = "week";
    if (strcmp(unit_s, "day") != 0 && strcmp(unit_s, "week") != 0) return usage_error("--unit must be day or week");
    clv_unit unit = strcmp(unit_s, "day") == 0 ? CLV_DAY : CLV_WEEK;
    int64_t days = 90, limit = 20;
    if (days_s && (!parse_i64(days_s, &days) || days < 1 || days > 3650))
        return usage_error("--days must be a whole number of days from 1 to 3650");
    if (limit_s && (!parse_i64(limit_s, &limit) || limit < 0)) return usage_error("--limit must be a whole number >= 0");
    if (!predict && (days_s || limit_s)) return usage_error("--days and --limit belong to `clv predict`");

    yt_store *st = app_open(cfg);
    if (!st) return 2;
    clv_summary s;
    char err[256];
    bool loaded = clv_load_orders(store_db(st), (int32_t)days_from_civil(y, mo, d), unit, &s, err, sizeof err);
    store_close(st);
    if (!loaded) {
        clv_summary_free(&s);
        return usage_error(err);
    }
    clv_bgnbd m;
    clv_gamma_gamma g;
    if (!clv_fit_bgnbd(s.rows, s.n, &m)) {
        fprintf(stderr, "yutang clv: cannot fit BG/NBD on %zu customers up to %s: %s\n", s.n, until, m.error);
        clv_summary_free(&s);
        return 2;
    }
    clv_fit_gamma_gamma(s.rows, s.n, &g);

    prediction *p = NULL;
    size_t shown = 0;
    if (predict) {
        double horizon = unit == CLV_WEEK ? (double)days / 7.0 : (double)days;
        p = calloc(s.n ? s.n : 1, sizeof *p);
        if (!p) {
            clv_summary_free(&s);
            return usage_error("out of memory");
        }
        for (size_t i = 0; i < s.n; i++) {
            p[i].c = &s.rows[i];
            p[i].purchases = clv_bgnbd_expected_purchases(&m, &s.rows[i], horizon);
            p[i].p_alive = clv_bgnbd_p_alive(&m, &s.rows[i]);
            p[i].spend = g.error ? NAN : clv_gamma_gamma_expected_spend(&g, &s.rows[i]);
            p[i].value_fen = g.error ? 0 : clv_expected_value_fen(&m, &g, &s.rows[i], horizon);
        }
        qsort(p, s.n, sizeof *p, by_value_descending);
        shown = (size_t)limit < s.n ? (size_t)limit : s.n;
    }

    if (json) {
        yt_buf b = YT_BUF_INIT;
        yt_jw w;
        jw_init(&w, &b);
        jw_obj(&w);
        write_fit_json(&w, until, unit_s, &m, &g);
        if (predict) print_predictions(p, shown, true, (int)days, &w);
        jw_obj_end(&w);
        printf("%s\n", b.p);
        buf_free(&b);
    } else {
        print_fit_table(until, unit_s, &m, &g);
        if (predict) print_predictions(p, shown, false, (int)days, NULL);
    }
    free(p);
    clv_summary_free(&s);
    return 0;
}
